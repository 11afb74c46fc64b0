import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { createTestClock } from '@tasktide/service-kit';
import { SignJWT } from 'jose';
import { createTestApi, TEST_JWT_SECRET, type TestApi } from '../testing.ts';

const key = new TextEncoder().encode(TEST_JWT_SECRET);
/** A token signed with the real key but claims of our choosing (what a forger with the key could mint). */
async function forge(claims: { sub?: string; iat?: number; exp?: number }) {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('tasktide').setAudience('tasktide-api');
  if (claims.sub) jwt = jwt.setSubject(claims.sub);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  return jwt.sign(key);
}

describe.each(dbKinds())('sessions on %s', (kind) => {
  let api: TestApi;
  // The api's clock signs tokens and stamps password changes: the test moves it, nothing waits.
  const clock = createTestClock(new Date());
  beforeAll(async () => {
    api = await createTestApi(kind, {}, clock);
  }, 120_000);
  afterAll(() => api.close());
  const now = () => Math.floor(Date.now() / 1000);
  const me = (token: string) => api.call('GET', '/api/v1/me', { token });

  test.each([
    ['without exp (it would never expire)', async (sub: string) => forge({ sub, iat: now() })],
    ['with a lifetime over a day', async (sub: string) => forge({ sub, iat: now(), exp: now() + 2 * 86_400 })],
    ['without iat', async (sub: string) => forge({ sub, exp: now() + 600 })],
    ['whose subject is not a UUID', async () => forge({ sub: 'admin', iat: now(), exp: now() + 600 })],
    ['issued in the future', async (sub: string) => forge({ sub, iat: now() + 3600, exp: now() + 7200 })],
  ])('a correctly signed JWT %s is a 401 problem', async (_name, mint) => {
    const { userId } = await api.signUp();
    const res = await me(await mint(userId));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  test('a valid JWT of an account that does not exist is a 401 everywhere, never a 500', async () => {
    const token = await forge({ sub: crypto.randomUUID(), iat: now(), exp: now() + 600 });
    for (const [method, path, body] of [
      ['GET', '/api/v1/me', undefined],
      ['POST', '/api/v1/tokens', { name: 'x' }],
      ['POST', '/api/v1/tasks', { title: 'x' }],
      ['GET', '/api/v1/tasks', undefined],
    ] as const) {
      expect((await api.call(method, path, { token, body })).status).toBe(401);
    }
  });

  test('changing the password ends earlier sessions and answers a working new one', async () => {
    const user = await api.signUp();
    const old = user.token;
    const wrong = await api.call('POST', '/api/v1/auth/password', {
      token: old,
      body: { current_password: 'not it at all', new_password: 'a brand new password' },
    });
    expect(wrong.status).toBe(403);
    // Tokens carry whole seconds: two pass before the change.
    clock.advance(2_000);
    const changed = await api.call('POST', '/api/v1/auth/password', {
      token: old,
      body: { current_password: user.password, new_password: 'a brand new password' },
    });
    expect(changed.status).toBe(200);
    expect((await me(old)).status).toBe(401);
    expect((await me(changed.body.access_token)).status).toBe(200);
    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: 'a brand new password' },
    });
    expect(login.status).toBe(200);
  });

  test('deleting the account removes it: its tasks, tokens and sessions are gone', async () => {
    const user = await api.signUp();
    const { body: task } = await api.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'mine' } });
    const { body: apiToken } = await api.call('POST', '/api/v1/tokens', { token: user.token, body: { name: 'ci' } });
    expect(
      (await api.call('POST', '/api/v1/me/delete', { token: user.token, body: { password: 'wrong one' } })).status,
    ).toBe(403);
    expect(
      (await api.call('POST', '/api/v1/me/delete', { token: user.token, body: { password: user.password } })).status,
    ).toBe(204);
    expect((await me(user.token)).status).toBe(401);
    expect((await me(apiToken.token)).status).toBe(401);
    const rows = await api.db.db.execute(
      `select (select count(*) from api.tasks where id = '${task.id}')::int as tasks` as never,
    );
    expect(JSON.stringify(rows)).toContain('"tasks":0');
    const relogin = await api.call('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(relogin.status).toBe(401);
  });
});
