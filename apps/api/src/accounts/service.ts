import { type Db, type Executor, pgErrorCode, UNIQUE_VIOLATION } from '@tasktide/db';
import { AppError, signAccessToken } from '@tasktide/service-kit';
import { eq } from 'drizzle-orm';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { type UserRow, users } from '../db/schema.ts';
import type { LoginInput, RegisterInput, UserDto } from './model.ts';
import { isValidTimeZone } from './timezone.ts';

export function toUserDto(row: UserRow): UserDto {
  return {
    id: row.id,
    email: row.email,
    display_name: row.displayName,
    timezone: row.timezone,
    created_at: row.createdAt.toISOString(),
  };
}

const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function register(db: Executor, input: RegisterInput): Promise<UserDto> {
  if (!isValidTimeZone(input.timezone)) {
    throw new AppError('validation_failed', `/timezone: unknown IANA time zone "${input.timezone}"`, {
      errors: [{ field: '/timezone', message: 'Unknown IANA time zone' }],
    });
  }
  try {
    const [row] = await db
      .insert(users)
      .values({
        id: Bun.randomUUIDv7(),
        email: normalizeEmail(input.email),
        passwordHash: await Bun.password.hash(input.password, { algorithm: 'argon2id' }),
        displayName: input.display_name.trim(),
        timezone: input.timezone,
      })
      .returning();
    return toUserDto(row as UserRow);
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION)
      throw new AppError('conflict', 'An account with this email already exists');
    throw err;
  }
}

// Verifying against a fixed hash when the email is unknown keeps response times alike, so login
// does not reveal which emails have accounts.
const decoyHash = Bun.password.hash('decoy-password-for-timing', { algorithm: 'argon2id' });

export function createLoginLimiter(opts: { maxAttempts: number; windowSeconds: number }) {
  return new RateLimiterMemory({ points: opts.maxAttempts, duration: opts.windowSeconds });
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;

export async function login(
  db: Db,
  deps: { limiter: LoginLimiter; jwtKey: Uint8Array; ttlSeconds: number },
  input: LoginInput,
  clientIp: string,
) {
  const email = normalizeEmail(input.email);
  const limiterKey = `${email}|${clientIp}`;
  try {
    await deps.limiter.consume(limiterKey);
  } catch (res) {
    if (!(res instanceof RateLimiterRes)) throw res;
    const retryAfter = Math.ceil(res.msBeforeNext / 1000);
    throw new AppError('rate_limited', `Too many login attempts; try again in ${retryAfter} s`, {
      headers: { 'retry-after': String(retryAfter) },
    });
  }
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  const ok = await Bun.password.verify(input.password, row?.passwordHash ?? (await decoyHash));
  if (!row || !ok) throw new AppError('unauthenticated', 'Email or password is wrong');
  await deps.limiter.delete(limiterKey);
  const { token, expiresAt } = await signAccessToken(deps.jwtKey, row.id, deps.ttlSeconds);
  return {
    access_token: token,
    token_type: 'Bearer' as const,
    expires_at: expiresAt.toISOString(),
    user: toUserDto(row),
  };
}

export async function getUser(db: Db, userId: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!row) throw new AppError('unauthenticated', 'The account no longer exists');
  return row;
}
