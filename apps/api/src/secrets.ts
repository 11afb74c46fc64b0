import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The JWT key: from config in production (required); in development a random key is generated once
 * and kept in the data dir so sessions survive restarts. Never committed, never logged.
 */
export function resolveJwtSecret(opts: { configured?: string; nodeEnv: string; dataDir: string }): string {
  if (opts.configured) return opts.configured;
  if (opts.nodeEnv === 'production') {
    throw new Error('JWT_SECRET is required in production (at least 32 characters)');
  }
  const file = join(opts.dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(opts.dataDir, { recursive: true });
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
