import { afterAll, describe, expect, test } from 'bun:test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DbHandle } from '@tasktide/db';
import { rowsOf, sql } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import type { AnyEvent } from '@tasktide/events';
import { verifyChain } from '../chain/verify.ts';
import { auditMigrations } from '../db/migrations.ts';
import { testEvent } from '../testing.ts';
import { roleIn } from './service.ts';

/** The migrations as they were before the project log: 0000 only. */
function migrationsBeforeProjects(): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-before-'));
  cpSync(auditMigrations.migrationsFolder, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8'));
  journal.entries = journal.entries.filter((e: { tag: string }) => e.tag === '0000_init');
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  return dir;
}

describe.each(dbKinds())('0001_project_log fills what was stored before it (%s)', (kind) => {
  const dbs: DbHandle[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test("events keep verifying, gain their project_id, and their members become the projection's start", async () => {
    const db = await createTestDb(kind);
    dbs.push(db);
    const before = migrationsBeforeProjects();
    dirs.push(before);
    await db.migrate({ ...auditMigrations, migrationsFolder: before });
    const [ada, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    const project = crypto.randomUUID();
    const member = (type: 'member.added' | 'member.removed', actor: string, memberId: string) =>
      testEvent(type, actor, undefined, { project_id: project, member_id: memberId, role: 'editor' } as never);
    const stored: AnyEvent[] = [
      member('member.added', ada, ada),
      testEvent('comment.created', ada, undefined, { project_id: project } as never),
      member('member.added', bob, bob),
      member('member.removed', ada, bob),
    ];
    // Appended as the old code did (no project_id column yet): the chain rows by hand, via the old hash.
    const { logFieldsOf } = await import('../chain/append.ts');
    const { GENESIS_HASH, rowHash } = await import('../chain/hash.ts');
    const heads = new Map<string, { seq: number; hash: string }>();
    for (const [i, e] of stored.entries()) {
      const { projectId: _, ...fields } = logFieldsOf(e);
      const head = heads.get(e.user_id) ?? { seq: 0, hash: GENESIS_HASH };
      const row = {
        ...fields,
        occurredAt: new Date(Date.parse(e.timestamp) + i),
        seq: head.seq + 1,
        recordedAt: new Date(),
      };
      const hash = rowHash(head.hash, row);
      await db.db.execute(sql`insert into audit.events (user_id, seq, event_id, event_type, task_id, occurred_at, recorded_at, correlation_id, envelope, prev_hash, hash)
        values (${row.userId}, ${row.seq}, ${row.eventId}, ${row.eventType}, ${row.taskId}, ${row.occurredAt.toISOString()}, ${row.recordedAt.toISOString()}, ${row.correlationId}, ${JSON.stringify(row.envelope)}::jsonb, ${head.hash}, ${hash})`);
      await db.db.execute(sql`insert into audit.chain_heads (user_id, seq, hash) values (${row.userId}, ${row.seq}, ${hash})
        on conflict (user_id) do update set seq = excluded.seq, hash = excluded.hash`);
      heads.set(e.user_id, { seq: row.seq, hash });
    }

    await db.migrate(auditMigrations);

    const projects = rowsOf<{ project_id: string | null }>(
      await db.db.execute(sql`select project_id::text from audit.events order by occurred_at`),
    );
    expect(projects.map((r) => r.project_id)).toEqual(stored.map(() => project));
    expect(await roleIn(db.db, ada, project)).toBe('editor');
    expect(await roleIn(db.db, bob, project)).toBeNull();
    for (const user of [ada, bob]) expect((await verifyChain(db.db, user)).ok).toBe(true);
    // Still append-only after the one lifted statement.
    await expect((async () => db.db.execute(sql`update audit.events set project_id = null`))()).rejects.toThrow();
  });
});
