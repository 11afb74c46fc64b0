import { afterAll, describe, expect, test } from 'bun:test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rowsOf } from '@tasktide/db';
import { createTestDb, dbKinds } from '@tasktide/db/testing';
import { sql } from 'drizzle-orm';
import { apiMigrations } from './migrations.ts';

/** The migrations folder as it was before `tag`: the database an upgrade starts from. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'api-migrations-'));
  cpSync(apiMigrations.migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
  const at = journal.entries.findIndex((e: { tag: string }) => e.tag === tag);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

describe.each(dbKinds())('migration 0008_projects on %s', (kind) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test("every existing user gets an Inbox they administer, and every task moves into its creator's Inbox", async () => {
    const db = await createTestDb(kind);
    try {
      const before = migrationsBefore('0008_projects');
      dirs.push(before);
      await db.migrate({ ...apiMigrations, migrationsFolder: before });
      const [ada, bob] = [Bun.randomUUIDv7(), Bun.randomUUIDv7()];
      for (const id of [ada, bob]) {
        await db.db.execute(sql`insert into api.users (id, email, password_hash, display_name, timezone)
          values (${id}, ${`${id}@x.local`}, 'x', 'x', 'UTC')`);
      }
      await db.db.execute(sql`insert into api.tasks (id, user_id, title, timezone)
        select gen_random_uuid(), ${ada}::uuid, 'ada ' || g, 'UTC' from generate_series(1, 3) g`);
      await db.db.execute(sql`insert into api.tasks (id, user_id, title, timezone)
        values (gen_random_uuid(), ${bob}::uuid, 'bob 1', 'UTC')`);

      await db.migrate(apiMigrations);

      const inboxes = rowsOf<{ created_by: string; id: string; role: string; status: string }>(
        await db.db.execute(sql`select p.id, p.created_by, m.role, m.status from api.projects p
          join api.project_members m on m.project_id = p.id and m.user_id = p.created_by
          where p.is_inbox order by p.created_by`),
      );
      expect(inboxes.map((i) => [i.created_by, i.role, i.status])).toEqual(
        [ada, bob].sort().map((id) => [id, 'admin', 'active']),
      );
      const misplaced = rowsOf<{ n: number }>(
        await db.db.execute(sql`select count(*)::int as n from api.tasks t
          where t.project_id <> (select id from api.projects p where p.is_inbox and p.created_by = t.user_id)`),
      );
      expect(misplaced[0]?.n).toBe(0);
      const count = rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from api.tasks`));
      expect(count[0]?.n).toBe(4);
    } finally {
      await db.close();
    }
  }, 120_000);
});
