import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestApi, type TestApi } from '../testing.ts';

// Dapr's invokeBreaker counts every non-2xx reply as a failure, so the answers other services
// expect ("no such token") must be 2xx — or a few made-up tokens would open it for every caller.
describe('internal/auth/resolve', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi('pglite');
  }, 120_000);
  afterAll(() => api.close());
  const resolve = (token: string) => api.call('POST', '/internal/auth/resolve', { body: { token } });

  test('a valid token resolves to its user', async () => {
    const u = await api.signUp();
    const res = await resolve(u.token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: u.userId, via: 'jwt' });
  });

  test.each([
    ['a made-up personal token', 'tt_made_up_made_up'],
    ['garbage', 'not a token'],
  ])('%s answers 200 with user_id null, never 401', async (_name, token) => {
    const res = await resolve(token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user_id: null });
  });
});
