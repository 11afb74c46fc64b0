import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestApi, type TestApi } from '../testing.ts';

/** The value of the series `name` carrying every label in `labels` (any order), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('task lifecycle counters (PGlite)', () => {
  let api: TestApi;
  let token: string;
  beforeAll(async () => {
    api = await createTestApi('pglite');
    token = (await api.signUp()).token;
  }, 120_000);
  afterAll(() => api.close());
  const scrape = async () => (await api.app.handle(new Request('http://localhost/metrics'))).text();

  test('count committed changes once: replays, no-ops and failures do not count', async () => {
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const first = await api.call('POST', '/api/v1/tasks', { token, body: { title: 'a' }, headers });
    const replay = await api.call('POST', '/api/v1/tasks', { token, body: { title: 'a' }, headers });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const invalid = await api.call('POST', '/api/v1/tasks', { token, body: { title: '' } });
    expect(invalid.status).toBe(400);
    const id = first.body.id as string;
    await api.call('POST', `/api/v1/tasks/${id}/complete`, { token });
    await api.call('POST', `/api/v1/tasks/${id}/complete`, { token }); // already completed: no event
    const stale = await api.call('PATCH', `/api/v1/tasks/${id}`, {
      token,
      body: { title: 'b' },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(412);
    await api.call('DELETE', `/api/v1/tasks/${id}`, { token });

    const text = await scrape();
    expect(sample(text, 'tasktide_tasks_created_total', { source: 'api' })).toBe(1);
    expect(sample(text, 'tasktide_tasks_completed_total')).toBe(1);
    expect(sample(text, 'tasktide_tasks_deleted_total')).toBe(1);
  });

  test('the pool gauges are exposed next to them, with no unbounded labels', async () => {
    const text = await scrape();
    expect(text).toContain('tasktide_db_pool_connections_in_use{service="api"} 0');
    expect(text).toContain('tasktide_db_pool_connections_max{service="api"} 1');
    expect(text).not.toMatch(/tasktide_tasks_\w+\{[^}]*(user|task)_id/);
  });
});
