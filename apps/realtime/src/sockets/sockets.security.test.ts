import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import {
  createLogger,
  createMetrics,
  createService,
  jwtKey,
  remoteAuthenticator,
  signAccessToken,
} from '@tasktide/service-kit';
import { standInApiAuth } from '@tasktide/service-kit/testing';
import { Registry } from 'prom-client';
import { createRealtimeMetrics } from '../metrics.ts';
import { connectRealtime, stopListening } from '../testing.ts';
import { socketRoutes } from './index.ts';
import { createSocketHub } from './service.ts';

const SECRET = 'realtime-test-secret-realtime-test-0000';
const tokenOwner = crypto.randomUUID();
// The api answers token resolution over service invocation; here a stand-in knows one token.
const { invoker } = standInApiAuth({ jwtSecret: SECRET, apiTokens: new Map([['tt_known', tokenOwner]]) });

const hub = createSocketHub({
  buffer: { since: async () => ({ status: 'replay', events: [] }) },
  metrics: createRealtimeMetrics(new Registry()),
});
const app = createService({
  name: 'realtime-test',
  logger: createLogger({ service: 'realtime-test', level: 'silent' }),
  metrics: createMetrics('realtime-test'),
}).use(socketRoutes({ authenticate: remoteAuthenticator({ jwtSecret: SECRET, invoker }), hub }));

const upgrade = {
  upgrade: 'websocket',
  connection: 'Upgrade',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
};
const userId = crypto.randomUUID();
const token = async (ttlSeconds = 60, secret = SECRET) =>
  (await signAccessToken(jwtKey(secret), userId, ttlSeconds)).token;
describe('GET /ws rejects unauthenticated upgrades with 401 problem+json', () => {
  test.each([
    ['no credential', async () => ''],
    ['a token signed with another key', async () => `?access_token=${await token(60, 'x'.repeat(40))}`],
    ['an expired token', async () => `?access_token=${await token(-10)}`],
    ['garbage', async () => '?access_token=not-a-jwt'],
    ['an unknown API token', async () => '?access_token=tt_unknown'],
  ])('%s', async (_case, query) => {
    const res = await app.handle(new Request(`http://localhost/ws${await query()}`, { headers: upgrade }));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { code: string }).code).toBe('unauthenticated');
    expect(hub.count()).toBe(0);
  });

  test('a bad header is not rescued by a good query token', async () => {
    const res = await app.handle(
      new Request(`http://localhost/ws?access_token=${await token()}`, {
        headers: { ...upgrade, authorization: 'Bearer not-a-jwt' },
      }),
    );
    expect(res.status).toBe(401);
  });

  test('a malformed last_event_id is a 400, not a socket', async () => {
    const res = await app.handle(
      new Request(`http://localhost/ws?access_token=${await token()}&last_event_id=42`, { headers: upgrade }),
    );
    expect(res.status).toBe(400);
  });
});

describe('GET /ws accepts the same credentials as the api (real socket)', () => {
  let server: ReturnType<typeof app.listen>;
  let base: string;
  beforeAll(() => {
    server = app.listen({ port: 0, hostname: '127.0.0.1' });
    base = `ws://127.0.0.1:${server.server?.port}/ws`;
  });
  afterAll(() => stopListening(server.server));

  test('JWT in ?access_token= (browsers), JWT in the Authorization header, API token', async () => {
    const viaQuery = await connectRealtime(`${base}?access_token=${await token()}`);
    const viaHeader = await connectRealtime(base, { headers: { authorization: `Bearer ${await token()}` } });
    const viaApiToken = await connectRealtime(`${base}?access_token=tt_known`);
    expect(viaQuery.messages[0]?.data).toEqual({ type: 'ready', user_id: userId, replayed: 0 });
    expect(viaHeader.messages[0]?.data).toMatchObject({ type: 'ready', user_id: userId });
    expect(viaApiToken.messages[0]?.data).toMatchObject({ type: 'ready', user_id: tokenOwner });
    expect(hub.count(userId)).toBe(2);
    for (const c of [viaQuery, viaHeader, viaApiToken]) c.close();
    await Promise.all([viaQuery.closed, viaHeader.closed, viaApiToken.closed]);
    await Bun.sleep(20);
    expect(hub.count()).toBe(0);
  });

  test('the upgrade of an unauthenticated browser fails; the socket of an expiring token closes with 4401', async () => {
    await expect(connectRealtime(base)).rejects.toThrow('refused');
    const client = await connectRealtime(`${base}?access_token=${await token(1)}`);
    expect((await client.closed).code).toBe(4401);
  });
});
