import type { DbHandle } from '@tasktide/db';
import { createTestDb, type DbKind } from '@tasktide/db/testing';
import { type AnyEvent, createEvent, type EventType, type PayloadOf } from '@tasktide/events';
import { createEmbeddedRuntime, mountModule } from '@tasktide/platform';
import { createLogger, createMetrics, createService, jwtKey, signAccessToken } from '@tasktide/service-kit';
import { jsonClient, standInApiAuth } from '@tasktide/service-kit/testing';
import { auditMigrations } from './db/migrations.ts';
import { createAuditModule } from './module.ts';

export const TEST_JWT_SECRET = 'audit-test-secret-audit-test-secret-01';
export const TEST_OPERATOR_TOKEN = 'operator-token-for-audit-tests';

/** A valid event of any type for `userId` (payloads filled with plausible values). */
export function testEvent<T extends EventType>(
  type: T,
  userId: string,
  taskId: string = crypto.randomUUID(),
  overrides: Partial<PayloadOf<T>> = {},
): AnyEvent {
  const now = new Date().toISOString();
  const task = {
    task_id: taskId,
    title: 'audit me',
    description: '',
    priority: 'none' as const,
    tags: [],
    due_at: null,
    timezone: 'UTC',
    reminders: [],
    recurrence: null,
    status: 'open' as const,
    completed_at: null,
    series_id: null,
    parent_id: null,
    version: 1,
  };
  const payloads: { [K in EventType]: PayloadOf<K> } = {
    'task.created': task,
    'task.updated': { task_id: taskId, version: 2, changes: { title: 'renamed' }, task },
    'task.completed': { task_id: taskId, completed_at: now, version: 3, task: { ...task, status: 'completed' } },
    'task.deleted': { task_id: taskId, scope: 'occurrence', series_id: null },
    'task.recurrence': {
      parent_task_id: crypto.randomUUID(),
      task_id: taskId,
      series_id: crypto.randomUUID(),
      recurrence_rule: 'FREQ=DAILY',
      due_at: now,
    },
    'reminder.scheduled': { task_id: taskId, reminder_time: now, offset_minutes: 10, job_name: `r-${taskId}` },
    'reminder.due': {
      task_id: taskId,
      reminder_time: now,
      offset_minutes: 10,
      due_at: now,
      title: 'audit me',
      fired_at: now,
      late: false,
    },
    'notification.created': {
      notification_id: crypto.randomUUID(),
      task_id: taskId,
      kind: 'reminder',
      title: 't',
      body: 'b',
    },
    'notification.failed': {
      notification_id: crypto.randomUUID(),
      channel: 'webhook',
      delivery_id: crypto.randomUUID(),
      target_id: crypto.randomUUID(),
      kind: 'reminder',
      source_event_id: crypto.randomUUID(),
      attempts: 8,
      last_status: 503,
      reason: 'receiver answered 503',
      failed_at: now,
    },
    'task.overdue': { task_id: taskId, due_at: now, title: 'audit me', priority: 'none', fired_at: now, late: false },
    'user.deleted': { deleted_at: now },
    'user.updated': { display_name: 'Ada', timezone: 'UTC', changes: { timezone: 'UTC' } },
    ...projectPayloads(taskId, now),
  };
  return createEvent(type, { ...payloads[type], ...overrides } as PayloadOf<T>, {
    userId,
    correlationId: `test-${crypto.randomUUID().slice(0, 8)}`,
  });
}

/**
 * The audit service in process on a fresh database and the embedded runtime, with a stand-in api
 * that resolves the `tt_` tokens put in `apiTokens`. `consume: true` also starts its subscriptions.
 */
export async function createTestAudit(
  kind: DbKind,
  opts: { consume?: boolean; operatorToken?: string; db?: DbHandle } = {},
) {
  const db = opts.db ?? (await createTestDb(kind));
  await db.migrate(auditMigrations);
  const log = createLogger({ service: 'audit', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const runtime = await createEmbeddedRuntime({ db, log, bus: { pollMs: 100, backoffMs: 20, maxAttempts: 2 } });
  const apiTokens = new Map<string, string>();
  runtime.registerApp('api', standInApiAuth({ jwtSecret: TEST_JWT_SECRET, apiTokens }).handle);
  const platform = runtime.platform('audit');
  const metrics = createMetrics('audit');
  const module = createAuditModule({
    db: db.db,
    platform,
    registry: metrics.registry,
    jwtSecret: TEST_JWT_SECRET,
    operatorToken: 'operatorToken' in opts ? opts.operatorToken : TEST_OPERATOR_TOKEN,
    log,
  });
  const service = createService({ name: 'audit', logger: log, metrics });
  const app = opts.consume ? service.use(mountModule(module, platform, log).app) : service.use(module.routes);
  return {
    db,
    runtime,
    platform,
    app,
    metrics,
    apiTokens,
    call: jsonClient((r) => app.handle(r)),
    /** A JWT the api would have issued to `userId`. */
    tokenFor: async (userId: string) => (await signAccessToken(jwtKey(TEST_JWT_SECRET), userId, 600)).token,
    async close() {
      await runtime.close();
      if (!opts.db) await db.close();
    },
  };
}

export type TestAudit = Awaited<ReturnType<typeof createTestAudit>>;

/** Sample payloads of the project, membership and comment events (shared projects). */
function projectPayloads(taskId: string, now: string) {
  const projectId = crypto.randomUUID();
  const memberId = crypto.randomUUID();
  const project = { project_id: projectId, name: 'Home', color: null, archived_at: null, is_inbox: false };
  const comment = {
    comment_id: crypto.randomUUID(),
    task_id: taskId,
    project_id: projectId,
    author_id: memberId,
    body: 'on it',
    created_at: now,
    updated_at: now,
  };
  return {
    'project.created': project,
    'project.updated': { project_id: projectId, changes: { name: 'Home' }, project },
    'project.deleted': { project_id: projectId },
    'member.added': { project_id: projectId, member_id: memberId, role: 'editor' as const, invited_by: null },
    'member.role_changed': {
      project_id: projectId,
      member_id: memberId,
      role: 'admin' as const,
      previous_role: 'editor' as const,
    },
    'member.removed': { project_id: projectId, member_id: memberId, reason: 'left' as const },
    'comment.created': comment,
    'comment.updated': comment,
    'comment.deleted': { comment_id: comment.comment_id, task_id: taskId, project_id: projectId },
  };
}
