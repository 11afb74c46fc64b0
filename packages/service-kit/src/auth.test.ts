import { describe, expect, test } from 'bun:test';
import { createAuthenticator, signAccessToken } from './auth.ts';
import { AppError } from './errors.ts';

// Verified tokens are remembered; what depends on time is checked on every use.
describe('authenticate with remembered tokens', () => {
  const secret = 'auth-test-secret-auth-test-secret-0000';
  const userId = '01890a5d-ac96-7000-8000-000000000001';
  const start = new Date('2030-01-01T00:00:00Z');

  async function setup() {
    let now = start;
    const authenticate = createAuthenticator({ jwtSecret: secret, clock: { now: () => now } });
    const { token } = await signAccessToken(new TextEncoder().encode(secret), userId, 60, start);
    const at = (d: Date) => {
      now = d;
    };
    return { authenticate, token, at };
  }
  const failure = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    return (err as AppError).message;
  };

  test('the same token answers the same principal, every time', async () => {
    const { authenticate, token } = await setup();
    const first = await authenticate(`Bearer ${token}`);
    expect(first).toEqual({ userId, via: 'jwt', issuedAt: start.getTime() / 1000 });
    first.userId = 'changed by a caller';
    expect(await authenticate(`Bearer ${token}`)).toEqual({ userId, via: 'jwt', issuedAt: start.getTime() / 1000 });
  });

  test('a remembered token still expires at its exp', async () => {
    const { authenticate, token, at } = await setup();
    await authenticate(`Bearer ${token}`);
    at(new Date(start.getTime() + 59_999));
    expect((await authenticate(`Bearer ${token}`)).userId).toBe(userId);
    at(new Date(start.getTime() + 60_000));
    expect(await failure(authenticate(`Bearer ${token}`))).toBe('The access token has expired');
  });

  test('a token issued in the future fails as before, remembered or not', async () => {
    const { authenticate, token, at } = await setup();
    at(new Date(start.getTime() - 61_000));
    expect(await failure(authenticate(`Bearer ${token}`))).toBe('The access token is not valid');
    at(start);
    await authenticate(`Bearer ${token}`);
    at(new Date(start.getTime() - 61_000));
    expect(await failure(authenticate(`Bearer ${token}`))).toBe('The access token is not valid');
  });

  test('a token differing in one character is verified on its own and refused', async () => {
    const { authenticate, token } = await setup();
    await authenticate(`Bearer ${token}`);
    const forged = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}${token.slice(-1)}`;
    expect(await failure(authenticate(`Bearer ${forged}`))).toBe('The access token is not valid');
  });
});
