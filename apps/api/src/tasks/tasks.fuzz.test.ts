import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { dbKinds } from '@tasktide/db/testing';
import fc from 'fast-check';
import { createTestApi, type TestApi } from '../testing.ts';

// Arbitrary JSON-ish values mixed with near-valid task fields: whatever comes in, the api answers
// 2xx or 4xx problem+json, never 5xx.
const anything = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 25 }),
);
const field = {
  title: fc.oneof(fc.string({ maxLength: 600 }), anything),
  description: fc.oneof(fc.string({ maxLength: 50 }), anything),
  priority: fc.oneof(fc.constantFrom('none', 'low', 'medium', 'high', 'HIGH', ''), anything),
  tags: fc.oneof(fc.array(fc.string({ maxLength: 60 }), { maxLength: 25 }), anything),
  due_at: fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constant('2030-01-01T09:00:00'),
    anything,
  ),
  timezone: fc.oneof(fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Nowhere/Zone'), anything),
  reminders: fc.oneof(fc.array(fc.integer({ min: -10, max: 600_000 }), { maxLength: 12 }), anything),
  recurrence: fc.oneof(
    fc.constantFrom('daily', 'weekly', 'FREQ=MONTHLY;BYMONTHDAY=31', 'FREQ=HOURLY', 'RRULE:FREQ=YEARLY;COUNT=3'),
    anything,
  ),
};
const body = fc.record(field, { requiredKeys: [] });

describe.each(dbKinds())('create/patch fuzz on %s', (kind) => {
  let api: TestApi;
  let token: string;
  let taskId: string;
  beforeAll(async () => {
    api = await createTestApi(kind);
    token = (await api.signUp()).token;
    taskId = (await api.call('POST', '/api/v1/tasks', { token, body: { title: 'fuzz target' } })).body.id;
  }, 120_000);
  afterAll(() => api.close());

  test('no create body yields a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await api.call('POST', '/api/v1/tasks', { token, body: b });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type')).toBe('application/problem+json');
      }),
      { numRuns: 150 },
    );
  });

  test('no patch body yields a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await api.call('PATCH', `/api/v1/tasks/${taskId}`, { token, body: b });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expect(res.headers.get('content-type')).toBe('application/problem+json');
      }),
      { numRuns: 150 },
    );
  });
});
