import { describe, expect, test } from 'bun:test';
import { CredentialError, credentialSources, readStoreCredentials, type SecretReader } from './credentials.ts';

const api = { appId: 'api', secrets: { required: ['JWT_SECRET'], optional: ['APP_API_TOKEN', 'EXTRA'] } };

/** A store as daprd serves it: secret name → keys, 403 for names outside `allowed`. */
function storeReader(store: Record<string, Record<string, string>>, allowed = Object.keys(store)) {
  const asked: string[] = [];
  const read: SecretReader = async (secret) => {
    asked.push(secret);
    if (!allowed.includes(secret)) return { status: 403, body: '{"errorCode":"ERR_PERMISSION_DENIED"}' };
    const data = store[secret];
    return data ? { status: 200, body: JSON.stringify(data) } : { status: 500, body: 'secret not found' };
  };
  return { read, asked };
}

describe('credentials in the Dapr secret store', () => {
  test('each credential has one place: shared secrets, else the service’s own', () => {
    expect(credentialSources(api).map(({ name, secret, key }) => [name, secret, key])).toEqual([
      ['DATABASE_URL', 'tasktide-database', 'DATABASE_URL'],
      ['JWT_SECRET', 'api-secrets', 'JWT_SECRET'],
      ['APP_API_TOKEN', 'tasktide-dapr-app-token', 'token'],
      ['EXTRA', 'api-secrets', 'EXTRA'],
    ]);
    expect(credentialSources({ appId: 'recurrence', database: 'none' })).toEqual([]);
  });

  test('reads every credential with one request per secret; an absent optional key is undefined', async () => {
    const { read, asked } = storeReader({
      'tasktide-database': { DATABASE_URL: 'postgres://db' },
      'api-secrets': { JWT_SECRET: 'jwt' },
      'tasktide-dapr-app-token': { token: 'app' },
    });
    expect(await readStoreCredentials(api, read)).toEqual({
      DATABASE_URL: 'postgres://db',
      JWT_SECRET: 'jwt',
      APP_API_TOKEN: 'app',
      EXTRA: undefined,
    });
    expect(asked).toEqual(['tasktide-database', 'api-secrets', 'tasktide-dapr-app-token']);
  });

  const full = {
    'tasktide-database': { DATABASE_URL: 'postgres://db' },
    'api-secrets': { JWT_SECRET: 'jwt' },
    'tasktide-dapr-app-token': { token: 'app' },
  };
  test.each([
    ['a required key missing', { ...full, 'api-secrets': {} }, undefined, ['JWT_SECRET'], /JWT_SECRET missing/],
    [
      'a secret outside the scope',
      full,
      ['tasktide-database'],
      ['JWT_SECRET', 'EXTRA'],
      /refused secret "api-secrets"/,
    ],
    [
      'a secret the store lacks',
      { 'tasktide-database': full['tasktide-database'] },
      ['tasktide-database', 'api-secrets'],
      ['JWT_SECRET', 'EXTRA'],
      /could not read secret "api-secrets".*500/,
    ],
  ] as const)('%s is an error naming the credentials', async (_, store, allowed, names, message) => {
    const { read } = storeReader(store as Record<string, Record<string, string>>, allowed as string[] | undefined);
    const err = await readStoreCredentials(api, read).catch((e) => e);
    expect(err).toBeInstanceOf(CredentialError);
    expect((err as CredentialError).names).toEqual([...names]);
    expect((err as CredentialError).message).toMatch(message);
  });
});
