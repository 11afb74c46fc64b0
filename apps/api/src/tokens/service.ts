import type { Db, Executor } from '@tasktide/db';
import { API_TOKEN_PREFIX, AppError, type Principal } from '@tasktide/service-kit';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { type ApiTokenRow, apiTokens } from '../db/schema.ts';
import type { ApiTokenDto, CreateTokenInput } from './model.ts';

const sha256 = (value: string) => new Bun.CryptoHasher('sha256').update(value).digest('hex');

function toDto(row: ApiTokenRow): ApiTokenDto {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
    expires_at: row.expiresAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
  };
}

/** Creates a personal API token; the plaintext is returned once and only its hash is stored. */
export async function createToken(db: Executor, userId: string, input: CreateTokenInput) {
  const token = `${API_TOKEN_PREFIX}${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`;
  const [row] = await db
    .insert(apiTokens)
    .values({
      id: Bun.randomUUIDv7(),
      userId,
      name: input.name.trim(),
      tokenHash: sha256(token),
      prefix: token.slice(0, 10),
      expiresAt: input.expires_in_days ? new Date(Date.now() + input.expires_in_days * 86_400_000) : null,
    })
    .returning();
  return { ...toDto(row as ApiTokenRow), token };
}

export async function listTokens(db: Db, userId: string): Promise<ApiTokenDto[]> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(toDto);
}

export async function revokeToken(db: Db, userId: string, id: string): Promise<void> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (!rows.length) throw new AppError('not_found', 'No such API token');
}

/** Resolves a presented `tt_…` token to its owner; null when unknown, revoked or expired. */
export async function resolveApiToken(db: Db, token: string): Promise<Principal | null> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, sha256(token)))
    .limit(1);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) return null;
  // Last-used is informational: a coarse update (at most once a minute) keeps writes off the hot path.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.id));
  }
  return { userId: row.userId, via: 'api_token', tokenId: row.id };
}
