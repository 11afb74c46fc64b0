import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A credential: from config in production (required); in development a random value is generated
 * once and kept in the data dir (git-ignored) so sessions and webhook secrets survive restarts and
 * every process of one checkout agrees on it. Never committed, never logged.
 */
export function resolveSecret(opts: { name: string; configured?: string; nodeEnv: string; dataDir: string }): string {
  if (opts.configured) return opts.configured;
  if (opts.nodeEnv === 'production') throw new Error(`${opts.name} is required in production`);
  const file = join(opts.dataDir, opts.name.toLowerCase().replaceAll('_', '-'));
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(opts.dataDir, { recursive: true });
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
