import { resolveSecret } from '@tasktide/service-kit';

export { resolveSecret };

export function resolveJwtSecret(opts: { configured?: string; nodeEnv: string; dataDir: string }): string {
  return resolveSecret({ name: 'JWT_SECRET', ...opts });
}
