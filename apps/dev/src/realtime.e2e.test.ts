import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiClient } from '@tasktide/api/testing';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { connectRealtime, type RealtimeClient, stopListening } from '@tasktide/realtime/testing';
import { createSystem, type System } from './system.ts';

// Embedded mode end to end over a real socket: api → outbox → relay → in-process bus
// (task-updates) → realtime → WebSocket, all mounted on the one `bun dev` app.
describe.each(dbKinds())('realtime end to end (embedded, %s)', (kind) => {
  let system: System;
  let server: ReturnType<System['app']['listen']>;
  let client: ReturnType<typeof apiClient>;
  let wsBase: string;
  const sockets: RealtimeClient[] = [];
  const connect = async (query: string) => {
    const socket = await connectRealtime(`${wsBase}?${query}`);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    const db = await createTestDb(kind);
    system = await createSystem({
      db,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0000',
      },
      bus: { pollMs: 50, backoffMs: 50 },
    });
    server = system.app.listen({ port: 0, hostname: '127.0.0.1' });
    system.start();
    client = apiClient((r) => system.app.handle(r));
    wsBase = `ws://127.0.0.1:${server.server?.port}/ws`;
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all(sockets.map((s) => s.closed));
    await stopListening(server.server);
    await system.stop();
    await system.db.close();
  });

  test("a task changed through the api reaches every open socket of its owner, and nobody else's", async () => {
    const [alice, bob] = [await client.signUp(), await client.signUp()];
    const [phone, laptop] = [
      await connect(`access_token=${alice.token}`),
      await connect(`access_token=${alice.token}`),
    ];
    const bobs = await connect(`access_token=${bob.token}`);

    const { body: task } = await client.call('POST', '/api/v1/tasks', {
      token: alice.token,
      body: { title: 'buy milk' },
    });
    await client.call('PATCH', `/api/v1/tasks/${task.id}`, { token: alice.token, body: { priority: 'high' } });
    for (const socket of [phone, laptop]) {
      const created = await socket.waitFor((m) => m.event_type === 'task.created');
      expect(created).toMatchObject({ user_id: alice.userId, payload: { task_id: task.id, title: 'buy milk' } });
      expect(created.event_id).toEqual(expect.any(String));
      const updated = await socket.waitFor((m) => m.event_type === 'task.updated');
      expect(updated).toMatchObject({ payload: { task_id: task.id, changes: { priority: 'high' } } });
    }

    const { body: own } = await client.call('POST', '/api/v1/tasks', { token: bob.token, body: { title: 'bobs' } });
    await bobs.waitFor((m) => (m.payload as { task_id?: string } | undefined)?.task_id === own.id);
    expect(bobs.events().every((e) => e.user_id === bob.userId)).toBe(true);
    expect(phone.events().every((e) => e.user_id === alice.userId)).toBe(true);
  }, 30_000);

  test('a reconnect with last_event_id receives the changes made while the client was away', async () => {
    const user = await client.signUp();
    const first = await connect(`access_token=${user.token}`);
    const { body: task } = await client.call('POST', '/api/v1/tasks', { token: user.token, body: { title: 'draft' } });
    const seen = await first.waitFor((m) => m.event_type === 'task.created');
    first.close();
    await first.closed;

    await client.call('PATCH', `/api/v1/tasks/${task.id}`, { token: user.token, body: { title: 'final' } });
    await client.call('POST', `/api/v1/tasks/${task.id}/complete`, { token: user.token });
    // The sockets are gone; wait until the completion went through the bus before reconnecting.
    const watcher = await connect(`access_token=${user.token}&last_event_id=${seen.event_id}`);
    await watcher.waitFor((m) => m.event_type === 'task.completed');
    const again = await connect(`access_token=${user.token}&last_event_id=${seen.event_id}`);
    expect(again.messages.map((m) => m.data.event_type ?? m.data.type)).toEqual([
      'task.updated',
      'task.completed',
      'ready',
    ]);
  }, 30_000);

  test("two users share a project: Bob's socket gets Ada's changes and comments; after his removal, only the notice", async () => {
    const [ada, bob] = [await client.signUp(), await client.signUp()];
    const { body: project } = await client.call('POST', '/api/v1/projects', {
      token: ada.token,
      body: { name: 'Home' },
    });
    await client.call('POST', `/api/v1/projects/${project.id}/invitations`, {
      token: ada.token,
      body: { email: bob.email, role: 'editor' },
    });
    const accepted = await client.call('POST', `/api/v1/invitations/${project.id}/accept`, { token: bob.token });
    expect(accepted.status).toBe(204);
    // Realtime learns membership from member.added on task-events: wait until it has (the accept's
    // event reached every consumer), so Ada's change below is Bob's too.
    await system.settle({ timeoutMs: 30_000 });
    const [adas, bobs] = [await connect(`access_token=${ada.token}`), await connect(`access_token=${bob.token}`)];

    const { body: task } = await client.call('POST', '/api/v1/tasks', {
      token: ada.token,
      body: { title: 'water the plants', project_id: project.id },
    });
    const created = await bobs.waitFor((m) => m.event_type === 'task.created');
    expect(created).toMatchObject({ user_id: ada.userId, payload: { task_id: task.id, project_id: project.id } });
    const { body: comment } = await client.call('POST', `/api/v1/tasks/${task.id}/comments`, {
      token: ada.token,
      body: { body: 'Fridays?' },
    });
    await bobs.waitFor(
      (m) => m.event_type === 'comment.created' && (m.payload as { comment_id: string }).comment_id === comment.id,
    );

    const removed = await client.call('DELETE', `/api/v1/projects/${project.id}/members/${bob.userId}`, {
      token: ada.token,
    });
    expect(removed.status).toBe(204);
    expect(await bobs.waitFor((m) => m.type === 'project_removed')).toMatchObject({ project_id: project.id });
    await client.call('PATCH', `/api/v1/tasks/${task.id}`, { token: ada.token, body: { title: 'water them all' } });
    const after = await adas.waitFor((m) => m.event_type === 'task.updated');
    // Everything the system owed went out; a pong on Bob's socket comes after anything sent to it.
    await system.settle({ timeoutMs: 30_000 });
    bobs.socket.send(JSON.stringify({ type: 'ping' }));
    await bobs.waitFor((m) => m.type === 'pong');
    expect(bobs.events().map((e) => e.event_id)).not.toContain(after.event_id);
  }, 30_000);

  test('API tokens work (resolved by the api over service invocation); no credential is a 401', async () => {
    const user = await client.signUp();
    const { body: apiToken } = await client.call('POST', '/api/v1/tokens', {
      token: user.token,
      body: { name: 'ws client' },
    });
    const socket = await connect(`access_token=${apiToken.token}`);
    expect(socket.messages[0]?.data).toMatchObject({ type: 'ready', user_id: user.userId });
    const res = await fetch(wsBase.replace('ws:', 'http:'), {
      headers: {
        upgrade: 'websocket',
        connection: 'Upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    });
    expect(res.status).toBe(401);
  }, 30_000);
});
