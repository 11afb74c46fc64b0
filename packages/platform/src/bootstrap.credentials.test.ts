import { afterAll, describe, expect, test } from 'bun:test';
import { parseConfig } from '@tasktide/service-kit';
import { bootstrapService } from './bootstrap.ts';
import { CredentialError } from './credentials.ts';
import { processConfigSchema } from './service.ts';

// bootstrapService's credential rules under Dapr, against a stand-in sidecar (the real daprd
// version of the production case is apps/api/src/credentials.stack.test.ts).
describe('bootstrapService credentials under Dapr', () => {
  let store: Record<string, { status: number; body?: unknown }> = {};
  let notReadyFor = 0;
  const sidecar = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === '/v1.0/healthz/outbound') {
        return new Response(null, { status: notReadyFor-- > 0 ? 500 : 204 });
      }
      const secret = decodeURIComponent(path.replace('/v1.0/secrets/secretstore/', ''));
      const answer = store[secret] ?? { status: 500, body: { message: `secret ${secret} not found` } };
      return Response.json(answer.body ?? {}, { status: answer.status });
    },
  });
  afterAll(() => sidecar.stop(true));

  const start = (nodeEnv: 'production' | 'development', env: Record<string, string> = {}) => {
    const processEnv = {
      TASKTIDE_BUS: 'dapr',
      DAPR_HTTP_PORT: String(sidecar.port),
      NODE_ENV: nodeEnv,
      LOG_LEVEL: 'silent',
      ...env,
    };
    return bootstrapService({
      appId: 'audit',
      config: parseConfig(processConfigSchema, processEnv),
      env: processEnv,
      migrations: [],
      database: 'none',
      secrets: { required: ['JWT_SECRET'], optional: ['OPERATOR_TOKEN'] },
    });
  };

  test('production: only the store counts; env credentials are ignored', async () => {
    store = { 'audit-secrets': { status: 200, body: { JWT_SECRET: 'from-store' } } };
    const rt = await start('production', { JWT_SECRET: 'from-env', OPERATOR_TOKEN: 'from-env' });
    expect(rt.secrets).toEqual({ JWT_SECRET: 'from-store', OPERATOR_TOKEN: undefined });
    await rt.close();
  });

  test('production: a secret the scope refuses stops the start, naming the credentials', async () => {
    store = { 'audit-secrets': { status: 403, body: { errorCode: 'ERR_PERMISSION_DENIED' } } };
    const err = await start('production', { JWT_SECRET: 'from-env' }).catch((e) => e);
    expect(err).toBeInstanceOf(CredentialError);
    expect((err as CredentialError).names).toEqual(['JWT_SECRET', 'OPERATOR_TOKEN']);
  });

  test('waits for a sidecar that is not ready yet', async () => {
    store = { 'audit-secrets': { status: 200, body: { JWT_SECRET: 'from-store' } } };
    notReadyFor = 3;
    const rt = await start('production');
    expect(notReadyFor).toBeLessThan(0);
    expect(rt.secrets.JWT_SECRET).toBe('from-store');
    await rt.close();
  });

  test('outside production (dev:dapr) env fills in what the store cannot give', async () => {
    store = {};
    const rt = await start('development', { JWT_SECRET: 'from-env' });
    expect(rt.secrets).toEqual({ JWT_SECRET: 'from-env', OPERATOR_TOKEN: undefined });
    await rt.close();
  });
});
