import { type Db, type Executor, pgErrorCode, type Tx, UNIQUE_VIOLATION } from '@tasktide/db';
import { type AnyEvent, createEvent } from '@tasktide/events';
import { isTimeZone as isValidTimeZone } from '@tasktide/recurrence-rules';
import { AppError, signAccessToken } from '@tasktide/service-kit';
import { eq } from 'drizzle-orm';
import { idempotencyKeys, seriesCancellations, type UserRow, users } from '../db/schema.ts';
import { createInbox, leaveAllProjects } from '../projects/service.ts';
import type { AccountLimits } from './limits.ts';
import type { LoginInput, RegisterInput, UpdateMeInput, UserDto } from './model.ts';

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

function checkTimeZone(zone: string) {
  if (!isValidTimeZone(zone)) {
    throw new AppError('validation_failed', `/timezone: unknown IANA time zone "${zone}"`, {
      errors: [{ field: '/timezone', message: 'Unknown IANA time zone' }],
    });
  }
}

/**
 * Creates the account and its Inbox project in one transaction (`db` is the caller's: the
 * idempotent POST's). The project.created and member.added events of the Inbox go with it.
 */
export async function register(
  db: Executor,
  input: RegisterInput,
  ctx: { correlationId: string; at: Date },
): Promise<UserDto> {
  checkTimeZone(input.timezone);
  const passwordHash = await Bun.password.hash(input.password, { algorithm: 'argon2id' });
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({
          id: Bun.randomUUIDv7(),
          email: normalizeEmail(input.email),
          passwordHash,
          displayName: input.display_name.trim(),
          timezone: input.timezone,
        })
        .returning();
      const user = row as UserRow;
      await createInbox(tx, { userId: user.id, correlationId: ctx.correlationId, at: ctx.at });
      return toUserDto(user);
    });
  } catch (err) {
    if (pgErrorCode(err) === UNIQUE_VIOLATION)
      throw new AppError('conflict', 'An account with this email already exists');
    throw err;
  }
}

// Verifying against a fixed hash when the email is unknown keeps response times alike, so login
// does not reveal which emails have accounts.
const decoyHash = Bun.password.hash('decoy-password-for-timing', { algorithm: 'argon2id' });

export async function login(
  db: Db,
  deps: { limits: AccountLimits; jwtKey: Uint8Array; ttlSeconds: number; now?: Date },
  input: LoginInput,
  clientIp: string,
) {
  const email = normalizeEmail(input.email);
  await deps.limits.beforeLogin(email, clientIp);
  const [row] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  const ok = await Bun.password.verify(input.password, row?.passwordHash ?? (await decoyHash));
  if (!row || !ok) throw new AppError('unauthenticated', 'Email or password is wrong');
  await deps.limits.afterLogin(email, clientIp);
  const { token, expiresAt } = await signAccessToken(deps.jwtKey, row.id, deps.ttlSeconds, deps.now);
  return {
    access_token: token,
    token_type: 'Bearer' as const,
    expires_at: expiresAt.toISOString(),
    user: toUserDto(row),
  };
}

async function checkPassword(db: Executor, userId: string, password: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!row) throw new AppError('unauthenticated', 'The account no longer exists');
  if (!(await Bun.password.verify(password, row.passwordHash))) {
    throw new AppError('forbidden', 'The current password is wrong', {
      errors: [{ field: '/current_password', message: 'does not match' }],
    });
  }
  return row;
}

/**
 * A new password ends every session issued before it (access tokens of the same second survive:
 * tokens carry whole seconds); the caller gets a fresh token. Personal API tokens stay valid —
 * revoke them under /tokens.
 */
export async function changePassword(
  db: Db,
  deps: { jwtKey: Uint8Array; ttlSeconds: number; now: Date },
  userId: string,
  input: { current_password: string; new_password: string },
) {
  const row = await checkPassword(db, userId, input.current_password);
  const validAfter = new Date(Math.floor(deps.now.getTime() / 1000) * 1000);
  await db
    .update(users)
    .set({
      passwordHash: await Bun.password.hash(input.new_password, { algorithm: 'argon2id' }),
      tokensValidAfter: validAfter,
      updatedAt: deps.now,
    })
    .where(eq(users.id, userId));
  const { token, expiresAt } = await signAccessToken(deps.jwtKey, userId, deps.ttlSeconds, deps.now);
  return {
    access_token: token,
    token_type: 'Bearer' as const,
    expires_at: expiresAt.toISOString(),
    user: toUserDto(row),
  };
}

/**
 * Deletes the account: first it leaves every project (see leaveAllProjects), then the user row
 * and, with it (cascade), every task they created and their API tokens; then a
 * user.deleted event tells the other services to remove what they keep (reminders, inbox,
 * webhooks, the audit log). What stays: see README, Security model.
 */
export async function deleteAccount(
  db: Db,
  ctx: { correlationId: string; at: Date },
  userId: string,
  password: string,
  writeEvent: (tx: Tx, event: AnyEvent) => Promise<void>,
) {
  await db.transaction(async (tx) => {
    await checkPassword(tx, userId, password);
    for (const event of await leaveAllProjects(tx, userId, { userId, correlationId: ctx.correlationId, at: ctx.at })) {
      await writeEvent(tx, event);
    }
    await tx.delete(seriesCancellations).where(eq(seriesCancellations.userId, userId));
    await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.scope, `user:${userId}`));
    await tx.delete(users).where(eq(users.id, userId));
    await writeEvent(
      tx,
      createEvent(
        'user.deleted',
        { deleted_at: ctx.at.toISOString() },
        { userId, correlationId: ctx.correlationId, at: ctx.at },
      ),
    );
  });
}

/**
 * Changes the display name and/or time zone. A new zone applies to what is shown and to new tasks
 * (existing tasks keep the zone they were created with: their recurrence is anchored in it).
 * user.updated records the change in the account's audit trail.
 */
export async function updateProfile(
  db: Db,
  ctx: { correlationId: string; at: Date },
  userId: string,
  input: UpdateMeInput,
  writeEvent: (tx: Tx, event: AnyEvent) => Promise<void>,
): Promise<UserDto> {
  if (input.timezone !== undefined) checkTimeZone(input.timezone);
  const displayName = input.display_name?.trim();
  if (input.display_name !== undefined && !displayName) {
    throw new AppError('validation_failed', '/display_name: must not be blank', {
      errors: [{ field: '/display_name', message: 'must not be blank' }],
    });
  }
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!before) throw new AppError('unauthenticated', 'The account no longer exists');
    const changes: Record<string, string> = {};
    if (displayName !== undefined && displayName !== before.displayName) changes.display_name = displayName;
    if (input.timezone !== undefined && input.timezone !== before.timezone) changes.timezone = input.timezone;
    if (!Object.keys(changes).length) return toUserDto(before);
    const [row] = await tx
      .update(users)
      .set({
        displayName: changes.display_name ?? before.displayName,
        timezone: changes.timezone ?? before.timezone,
        updatedAt: ctx.at,
      })
      .where(eq(users.id, userId))
      .returning();
    const after = row as UserRow;
    await writeEvent(
      tx,
      createEvent(
        'user.updated',
        { display_name: after.displayName, timezone: after.timezone, changes },
        { userId, correlationId: ctx.correlationId, at: ctx.at },
      ),
    );
    return toUserDto(after);
  });
}

export async function getUser(db: Db, userId: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!row) throw new AppError('unauthenticated', 'The account no longer exists');
  return row;
}
