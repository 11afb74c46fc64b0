import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import { createTestApi, type TestApi } from '../testing.ts';

describe.each(dbKinds())('accounts on %s', (kind) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(kind, { LOGIN_MAX_ATTEMPTS: '3', TRUSTED_PROXY_HOPS: '1' });
  }, 120_000);
  afterAll(() => api.close());

  const valid = {
    email: 'Ada@Example.com',
    password: 'correct horse battery',
    display_name: 'Ada',
    timezone: 'Europe/Berlin',
  };

  test('register → login → me', async () => {
    const reg = await api.call('POST', '/api/v1/auth/register', { body: valid });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ email: 'ada@example.com', display_name: 'Ada', timezone: 'Europe/Berlin' });
    expect(reg.body.password_hash).toBeUndefined();
    const login = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'ada@example.com', password: valid.password },
    });
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('Bearer');
    expect(new Date(login.body.expires_at).getTime()).toBeGreaterThan(Date.now());
    const me = await api.call('GET', '/api/v1/me', { token: login.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(reg.body.id);
  });

  test('a second account with the same email (any case) is a 409 conflict', async () => {
    const again = await api.call('POST', '/api/v1/auth/register', { body: { ...valid, email: 'ADA@example.com' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
    expect(again.body.code).toBe('conflict');
  });

  test.each([
    ['email', { email: 'not-an-email' }, '/email'],
    ['short password', { password: 'short' }, '/password'],
    ['empty display name', { display_name: '' }, '/display_name'],
    ['unknown time zone', { timezone: 'Mars/Olympus' }, '/timezone'],
    ['missing field', { email: undefined }, '/email'],
  ])('register rejects %s with problem+json naming the field', async (_name, patch, field) => {
    const res = await api.call('POST', '/api/v1/auth/register', {
      body: { ...valid, email: `x${Math.random()}@e.com`, ...patch },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  test('malformed JSON is a 400 problem', async () => {
    const res = await api.call('POST', '/api/v1/auth/register', {
      body: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  test('wrong password and unknown email look the same: 401', async () => {
    const u = await api.signUp();
    const wrong = await api.call('POST', '/api/v1/auth/login', {
      body: { email: u.email, password: 'nope nope nope' },
    });
    const unknown = await api.call('POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.com', password: 'x' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  const from = (address: string) => ({ 'x-forwarded-for': `203.0.113.99, ${address}` });
  const login = (email: string, password: string, address: string) =>
    api.call('POST', '/api/v1/auth/login', { body: { email, password }, headers: from(address) });

  test("an attacker's failures from one address do not lock the owner out from another", async () => {
    const u = await api.signUp();
    for (let i = 0; i < 3; i++) expect((await login(u.email, 'wrong password', '198.51.100.7')).status).toBe(401);
    expect((await login(u.email, u.password, '198.51.100.7')).status).toBe(429);
    expect((await login(u.email, u.password, '192.0.2.44')).status).toBe(200);
  });

  test('the client address is the entry the ingress appended, not what the client wrote', async () => {
    const u = await api.signUp();
    // The client rotates the leftmost entry: it is ignored, the rightmost counts.
    for (let i = 0; i < 3; i++) {
      const spoofed = { 'x-forwarded-for': `10.9.9.${i}, 198.51.100.8` };
      const res = await api.call('POST', '/api/v1/auth/login', {
        body: { email: u.email, password: 'wrong password' },
        headers: spoofed,
      });
      expect(res.status).toBe(401);
    }
    expect((await login(u.email, u.password, '198.51.100.8')).status).toBe(429);
  });

  test('login is rate-limited per account and IP, with Retry-After', async () => {
    const u = await api.signUp();
    for (let i = 0; i < 3; i++) {
      expect(
        (await api.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: 'wrong password' } })).status,
      ).toBe(401);
    }
    const limited = await api.call('POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same IP is not affected.
    const other = await api.signUp();
    expect(other.token).toBeString();
  });

  test.each([
    ['no header', undefined],
    ['garbage token', 'Bearer abc.def.ghi'],
    ['unknown API token', 'Bearer tt_nope'],
    ['wrong scheme', 'Basic dXNlcjpwYXNz'],
  ])('me without valid credentials (%s) is 401', async (_name, authorization) => {
    const res = await api.call('GET', '/api/v1/me', { headers: authorization ? { authorization } : {} });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthenticated');
    expect(res.headers.get('www-authenticate')).toStartWith('Bearer');
  });

  test('API tokens: shown once, listed without the secret, usable, revocable', async () => {
    const u = await api.signUp();
    const created = await api.call('POST', '/api/v1/tokens', { token: u.token, body: { name: 'ci' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toStartWith('tt_');
    const list = await api.call('GET', '/api/v1/tokens', { token: u.token });
    expect(list.body).toHaveLength(1);
    expect(list.body[0].token).toBeUndefined();
    expect(created.body.token).toStartWith(list.body[0].prefix);
    const me = await api.call('GET', '/api/v1/me', { token: created.body.token });
    expect(me.body.id).toBe(u.userId);
    expect((await api.call('DELETE', `/api/v1/tokens/${created.body.id}`, { token: u.token })).status).toBe(204);
    expect((await api.call('GET', '/api/v1/me', { token: created.body.token })).status).toBe(401);
  });

  test("a user cannot revoke another user's token (404)", async () => {
    const a = await api.signUp();
    const b = await api.signUp();
    const created = await api.call('POST', '/api/v1/tokens', { token: a.token, body: { name: 'mine' } });
    expect((await api.call('DELETE', `/api/v1/tokens/${created.body.id}`, { token: b.token })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/me', { token: created.body.token })).status).toBe(200);
  });

  test('token creation validates its body', async () => {
    const u = await api.signUp();
    const res = await api.call('POST', '/api/v1/tokens', { token: u.token, body: { name: '', expires_in_days: 0 } });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('/name');
  });
});

describe.each(dbKinds())('address-wide limits on %s', (kind) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi(kind, {
      TRUSTED_PROXY_HOPS: '1',
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '4',
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '2',
    });
  }, 120_000);
  afterAll(() => api.close());
  const headers = (address: string) => ({ 'x-forwarded-for': address });

  test('one address cannot try passwords against many accounts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await api.call('POST', '/api/v1/auth/login', {
        body: { email: `nobody-${i}@example.com`, password: 'guess guess guess' },
        headers: headers('198.51.100.20'),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  test('registration is throttled per address (each one costs an argon2 hash)', async () => {
    const register = (n: number, address: string) =>
      api.call('POST', '/api/v1/auth/register', {
        body: {
          email: `r${n}-${crypto.randomUUID().slice(0, 8)}@example.com`,
          password: 'correct horse battery',
          display_name: 'R',
          timezone: 'UTC',
        },
        headers: headers(address),
      });
    expect((await register(1, '198.51.100.30')).status).toBe(201);
    expect((await register(2, '198.51.100.30')).status).toBe(201);
    const third = await register(3, '198.51.100.30');
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toContain('application/problem+json');
    expect((await register(4, '198.51.100.31')).status).toBe(201);
  });
});
