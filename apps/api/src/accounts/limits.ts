import { createRateLimiter, type RateLimitResult, type StateStore } from '@tasktide/platform';
import { AppError } from '@tasktide/service-kit';

/**
 * Abuse limits of the anonymous routes, counted in the state store so every replica shares them:
 * - per address, across accounts: one address cannot try a password against many emails;
 * - per account *and* address: guessing one account is slowed — but only from that address, so
 *   an attacker cannot lock the rightful owner out (there is no account-wide lockout);
 * - registrations per address: each costs an argon2 hash.
 */
export function createAccountLimits(
  state: StateStore,
  o: { loginPerAccountAddress: number; loginPerAddress: number; windowSeconds: number; registrationsPerHour: number },
) {
  const loginAddress = createRateLimiter(state, {
    name: 'login-address',
    points: o.loginPerAddress,
    windowSeconds: o.windowSeconds,
  });
  const loginAccount = createRateLimiter(state, {
    name: 'login-account-address',
    points: o.loginPerAccountAddress,
    windowSeconds: o.windowSeconds,
  });
  const registration = createRateLimiter(state, {
    name: 'register-address',
    points: o.registrationsPerHour,
    windowSeconds: 3600,
  });
  const refuse = (what: string, result: RateLimitResult) => {
    if (result.allowed) return;
    throw new AppError('rate_limited', `Too many ${what}; try again in ${result.retryAfterSeconds} s`, {
      headers: { 'retry-after': String(result.retryAfterSeconds) },
    });
  };
  return {
    async beforeLogin(email: string, address: string) {
      refuse('login attempts from this address', await loginAddress.hit(address));
      refuse('login attempts for this account', await loginAccount.hit(`${email}|${address}`));
    },
    /** A successful login clears the account's count from that address. */
    async afterLogin(email: string, address: string) {
      await loginAccount.reset(`${email}|${address}`);
    },
    async beforeRegistration(address: string) {
      refuse('registrations from this address', await registration.hit(address));
    },
  };
}
export type AccountLimits = ReturnType<typeof createAccountLimits>;

/**
 * The caller's address: the socket peer, or behind `trustedHops` proxies the X-Forwarded-For entry
 * that many from the right (each proxy appends the address it saw; entries further left are
 * whatever the client wrote, so they are never trusted).
 */
export function clientAddress(
  request: Request,
  server: { requestIP(r: Request): { address: string } | null } | null,
  trustedHops: number,
): string {
  if (trustedHops > 0) {
    const entries = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const seen = entries[entries.length - trustedHops];
    if (seen) return seen;
  }
  return server?.requestIP(request)?.address ?? 'unknown';
}
