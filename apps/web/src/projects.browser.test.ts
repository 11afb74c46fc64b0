/**
 * Projects and sharing in real Chromium against the embedded system: Ada makes a project and a
 * task in it, shares it with Bob (editor) and Cleo (viewer); they accept and see the task; Ada
 * assigns it to Bob, who finds it under "Assigned to me"; they discuss it in comments; Cleo gets
 * no edit affordance; the sidebar reorders by keyboard; rename, archive and delete (which says the
 * tasks go too). Every new screen passes axe at desktop and phone width without sideways scrolling.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { Page } from 'playwright-core';
import { PHONE, seriousViolations, shotBoth, sidewaysOverflow, startWeb, type WebHarness } from './testing/browser.ts';

const STEP_MS = 60_000;
type Account = Awaited<ReturnType<WebHarness['api']['signUp']>>;
let web: WebHarness;
const users: Record<'ada' | 'bob' | 'cleo', Account & { page: Page }> = {} as never;
const call = (who: Account, method: string, path: string, body?: unknown) =>
  web.api.call(method, `/api/v1${path}`, { token: who.token, body });
const task = (p: Page, title: string) =>
  p.locator('li.task', { has: p.getByRole('heading', { name: title, exact: true }) });
const sidebar = (p: Page) => p.getByRole('complementary', { name: 'Projects' });
/** The sidebar button that shows one project's tasks (its name, then the caller's role when not admin, or "(archived)"). */
const pick = (p: Page, name: string) =>
  sidebar(p).getByRole('button', { name: new RegExp(`^${name}( ·| \\(archived|$)`) });

/** The screen passes axe at desktop and phone width and does not scroll sideways; photographed. */
async function checkScreen(p: Page, name: string) {
  for (const width of ['desktop', 'phone'] as const) {
    if (width === 'phone') await p.setViewportSize(PHONE);
    expect({ screen: name, width, violations: await seriousViolations(p) }).toEqual({
      screen: name,
      width,
      violations: [],
    });
    expect({ screen: name, width, overflow: await sidewaysOverflow(p) }).toEqual({ screen: name, width, overflow: 0 });
  }
  await p.setViewportSize({ width: 1200, height: 900 });
  await shotBoth(p, name);
}

async function openAs(who: 'ada' | 'bob' | 'cleo', name: string) {
  const account = await web.api.signUp({ display_name: name });
  const login = await web.api.call('POST', '/api/v1/auth/login', {
    body: { email: account.email, password: account.password },
  });
  const context = await web.newContext();
  await context.addInitScript((session) => {
    if (!localStorage.getItem('tasktide.session')) localStorage.setItem('tasktide.session', session);
  }, JSON.stringify(login.body));
  const page = await context.newPage();
  await page.goto(`${web.base}/#tasks`);
  await sidebar(page).waitFor();
  users[who] = { ...account, page };
}

beforeAll(async () => {
  web = await startWeb();
  await openAs('ada', 'Ada');
  await openAs('bob', 'Bob');
  await openAs('cleo', 'Cleo');
}, 120_000);

afterAll(async () => {
  await web?.stop();
});

describe('projects and sharing in Chromium', () => {
  test(
    'create a project with a colour and a task in it; the sidebar lists the Inbox first',
    async () => {
      const { page } = users.ada;
      await page.getByLabel('Project name').fill('Release Q3');
      await page.getByLabel('Project colour').fill('#2e7d32');
      await page.getByRole('button', { name: 'Add project' }).click();
      await page.getByRole('heading', { name: 'Release Q3', level: 2 }).waitFor();
      expect(await pick(page, 'Release Q3').getAttribute('aria-pressed')).toBe('true');
      const names = await sidebar(page).locator('.project-pick').allTextContents();
      expect(names.slice(0, 3)).toEqual(['All projects', 'Inbox', 'Release Q3']);

      await page.getByRole('button', { name: 'New task' }).click();
      await page.getByLabel('Title').fill('Write release notes');
      // The form offers the project shown, chosen already.
      expect(await page.locator('#task-project option:checked').textContent()).toBe('Release Q3');
      await page.getByRole('button', { name: 'Create task' }).click();
      await task(page, 'Write release notes').waitFor();

      const projects = (await call(users.ada, 'GET', '/projects')).body as {
        items: { id: string; name: string; color: string }[];
      };
      const release = projects.items.find((p) => p.name === 'Release Q3');
      expect(release?.color).toBe('#2e7d32');
      const tasks = (await call(users.ada, 'GET', `/tasks?project_id=${release?.id}`)).body as {
        items: { title: string }[];
      };
      expect(tasks.items.map((t) => t.title)).toEqual(['Write release notes']);
      // The Inbox filter does not show it.
      await pick(page, 'Inbox').click();
      await page.getByText('No tasks match.').waitFor();
      await pick(page, 'Release Q3').click();
      await task(page, 'Write release notes').waitFor();
      // Quick add puts a line without +project into the project shown.
      await page.getByLabel('Quick add').fill('Book the venue');
      await page.getByLabel('Quick add').press('Enter');
      await task(page, 'Book the venue').waitFor();
      const venue = (await call(users.ada, 'GET', `/tasks/${await taskId(page, 'Book the venue')}`)).body as {
        project_id: string;
      };
      expect(venue.project_id).toBe(release?.id as string);
      await checkScreen(page, 'projects-01-sidebar');
    },
    STEP_MS,
  );

  test(
    'share: Ada invites Bob as editor and Cleo as viewer; the member list shows them invited',
    async () => {
      const { page } = users.ada;
      await page.getByRole('button', { name: 'Share “Release Q3”' }).click();
      const dialog = page.getByRole('dialog', { name: 'Share “Release Q3”' });
      await dialog.waitFor();
      expect(await page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true);
      await dialog.getByLabel('Email').fill(users.bob.email);
      await dialog.getByLabel('Role', { exact: true }).selectOption('editor');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await dialog.getByText(`Invited ${users.bob.email} as editor.`).waitFor();
      await dialog.getByLabel('Email').fill(users.cleo.email);
      await dialog.getByLabel('Role', { exact: true }).selectOption('viewer');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await dialog.getByText(`Invited ${users.cleo.email} as viewer.`).waitFor();
      const bobRow = dialog.locator('li', { hasText: users.bob.email });
      await bobRow.getByText('invited').waitFor();
      expect(await dialog.getByLabel('Role of Bob').inputValue()).toBe('editor');
      // An unknown email: the server's word, shown in the dialog.
      await dialog.getByLabel('Email').fill('nobody-here@example.com');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await dialog.getByRole('alert').waitFor();
      await checkScreen(page, 'projects-02-share-dialog');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      // Focus returns to the button that opened the dialog.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Share “Release Q3”');
    },
    STEP_MS,
  );

  test(
    'the invitees see the invitation, accept it and see the shared task',
    async () => {
      for (const who of ['bob', 'cleo'] as const) {
        const { page } = users[who];
        await page.reload();
        const invitations = page.getByRole('region', { name: 'Invitations' });
        await invitations.getByText('Release Q3').waitFor();
        if (who === 'bob') await checkScreen(page, 'projects-03-invitation');
        await invitations.getByRole('button', { name: 'Accept “Release Q3”' }).click();
        await invitations.waitFor({ state: 'hidden' });
        await pick(page, 'Release Q3').click();
        await task(page, 'Write release notes').waitFor();
      }
      expect(await pick(users.cleo.page, 'Release Q3').textContent()).toContain('viewer');
      const members = users.ada.page;
      await members.reload();
      await pick(members, 'Release Q3').waitFor();
    },
    STEP_MS,
  );

  test(
    'assign: Ada picks Bob from the members; Bob finds it under "Assigned to me"',
    async () => {
      const { page } = users.ada;
      await pick(page, 'Release Q3').click();
      await task(page, 'Write release notes')
        .getByRole('button', { name: /^Comments and assignee/ })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Write release notes' });
      const options = await dialog.getByLabel('Assignee').locator('option').allTextContents();
      expect(options).toEqual(['Nobody', 'Ada (me)', 'Bob', 'Cleo']);
      await dialog.getByLabel('Assignee').selectOption({ label: 'Bob' });
      await dialog.getByText('Assigned to Bob.').waitFor();
      await page.keyboard.press('Escape');
      await task(page, 'Write release notes').getByText('Assigned to Bob').waitFor();

      const bob = users.bob.page;
      await pick(bob, 'All projects').click();
      await bob.getByLabel('Assigned to me').check();
      // The filtered list has loaded (the row may say "Assigned to me" earlier: the change came live).
      await bob.getByText('1 task shown').waitFor();
      await task(bob, 'Write release notes').getByText('Assigned to me').waitFor();
      expect(await bob.locator('li.task').count()).toBe(1);
      const mine = (await call(users.bob, 'GET', '/tasks?assignee=me')).body as { items: { title: string }[] };
      expect(mine.items.map((t) => t.title)).toEqual(['Write release notes']);
      await bob.getByLabel('Assigned to me').uncheck();
    },
    STEP_MS,
  );

  test(
    'comments: Bob writes and edits his; Ada sees it and, as admin, may delete it but not edit it',
    async () => {
      const bob = users.bob.page;
      await task(bob, 'Write release notes')
        .getByRole('button', { name: /^Comments and assignee/ })
        .click();
      let dialog = bob.getByRole('dialog', { name: 'Write release notes' });
      await dialog.getByText('No comments yet.').waitFor();
      await dialog.getByLabel('Add a comment').fill('On it — draft by Friday');
      await dialog.getByRole('button', { name: 'Post comment' }).click();
      await dialog.getByText('On it — draft by Friday').waitFor();
      await dialog.getByRole('button', { name: 'Edit comment' }).click();
      await dialog.getByLabel('Edit comment').fill('On it — draft by Thursday');
      await dialog.getByRole('button', { name: 'Save comment' }).click();
      await dialog.getByText('On it — draft by Thursday').waitFor();
      await dialog.getByText('(edited)').waitFor();
      await checkScreen(bob, 'projects-04-comments');
      await bob.keyboard.press('Escape');

      const ada = users.ada.page;
      await task(ada, 'Write release notes')
        .getByRole('button', { name: /^Comments and assignee/ })
        .click();
      dialog = ada.getByRole('dialog', { name: 'Write release notes' });
      const comment = dialog.locator('li.comment', { hasText: 'draft by Thursday' });
      await comment.getByText('Bob').waitFor();
      expect(await comment.getByRole('button', { name: 'Edit comment' }).count()).toBe(0);
      await dialog.getByLabel('Add a comment').fill('Thanks!');
      await dialog.getByRole('button', { name: 'Post comment' }).click();
      await dialog.getByText('Thanks!').waitFor();
      await comment.getByRole('button', { name: 'Delete comment' }).click();
      await comment.waitFor({ state: 'detached' });
      await ada.keyboard.press('Escape');
      const { items } = (await call(users.ada, 'GET', `/tasks/${await taskId(ada, 'Write release notes')}/comments`))
        .body as { items: { body: string }[] };
      expect(items.map((c) => c.body)).toEqual(['Thanks!']);
    },
    STEP_MS,
  );

  test(
    'comments page by cursor: the first 20, then "Show more comments" for the rest',
    async () => {
      const page = users.ada.page;
      const id = await taskId(page, 'Book the venue');
      for (let n = 1; n <= 23; n++) await call(users.bob, 'POST', `/tasks/${id}/comments`, { body: `Note ${n}` });
      await task(page, 'Book the venue')
        .getByRole('button', { name: /^Comments and assignee/ })
        .click();
      const dialog = page.getByRole('dialog', { name: 'Book the venue' });
      await dialog.getByText('Note 20', { exact: true }).waitFor();
      expect(await dialog.locator('li.comment').count()).toBe(20);
      await dialog.getByRole('button', { name: 'Show more comments' }).click();
      await dialog.getByText('Note 23', { exact: true }).waitFor();
      expect(await dialog.locator('li.comment').count()).toBe(23);
      expect(await dialog.getByRole('button', { name: 'Show more comments' }).count()).toBe(0);
      await page.keyboard.press('Escape');
    },
    STEP_MS,
  );

  test(
    'a viewer sees the task read-only: no complete, edit or delete, no assignee picker — but may comment',
    async () => {
      const { page } = users.cleo;
      // A fresh load shows the task as a viewer first sees it (live updates have their own test below).
      await page.reload();
      const row = task(page, 'Write release notes');
      await row.waitFor();
      expect(await row.getByRole('checkbox').count()).toBe(0);
      expect(await row.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
      expect(await row.getByRole('button', { name: /^Delete/ }).count()).toBe(0);
      await row.getByText('Assigned to Bob').waitFor();
      // The New task form offers only projects she may write in: her Inbox.
      await page.getByRole('button', { name: 'New task' }).click();
      expect(await page.locator('#task-project option').allTextContents()).toEqual(['Inbox']);
      await page.keyboard.press('Escape');

      await row.getByRole('button', { name: /^Comments and assignee/ }).click();
      const dialog = page.getByRole('dialog', { name: 'Write release notes' });
      await dialog.getByText('Assignee: Bob').waitFor();
      expect(await dialog.getByLabel('Assignee').count()).toBe(0);
      await dialog.getByLabel('Add a comment').fill('Viewer here, looks good');
      await dialog.getByRole('button', { name: 'Post comment' }).click();
      await dialog.getByText('Viewer here, looks good').waitFor();
      await checkScreen(page, 'projects-05-viewer');
      await page.keyboard.press('Escape');

      // Her share dialog lists members without role controls and has no settings.
      await page.getByRole('button', { name: 'Share “Release Q3”' }).click();
      const share = page.getByRole('dialog', { name: 'Share “Release Q3”' });
      await share.getByText(users.bob.email).waitFor();
      expect(await share.getByRole('combobox').count()).toBe(0);
      expect(await share.getByRole('button', { name: 'Send invitation' }).count()).toBe(0);
      expect(await share.getByRole('button', { name: 'Delete project' }).count()).toBe(0);
      await page.keyboard.press('Escape');
    },
    STEP_MS,
  );

  test(
    'admin: change a role, reorder by keyboard, rename, archive, and delete with its tasks after a warning',
    async () => {
      const { page } = users.ada;
      await page.getByRole('button', { name: 'Share “Release Q3”' }).click();
      let dialog = page.getByRole('dialog', { name: 'Share “Release Q3”' });
      await dialog.getByLabel('Role of Cleo').selectOption('editor');
      await dialog.getByText('Cleo is now editor.').waitFor();
      await page.keyboard.press('Escape');

      for (const name of ['Garden', 'Taxes']) {
        await page.getByLabel('Project name').fill(name);
        await page.getByRole('button', { name: 'Add project' }).click();
        await pick(page, name).waitFor();
      }
      const order = () => sidebar(page).locator('.project-pick').allTextContents();
      expect((await order()).slice(1)).toEqual(['Inbox', 'Release Q3', 'Garden', 'Taxes']);
      await page.getByRole('button', { name: 'Move “Taxes” up' }).focus();
      await page.keyboard.press('Enter');
      await sidebar(page).getByText('“Taxes” moved up.').waitFor();
      expect((await order()).slice(1)).toEqual(['Inbox', 'Release Q3', 'Taxes', 'Garden']);
      await page.reload();
      await pick(page, 'Garden').waitFor();
      expect((await order()).slice(1)).toEqual(['Inbox', 'Release Q3', 'Taxes', 'Garden']);

      await page.getByRole('button', { name: 'Share “Garden”' }).click();
      dialog = page.getByRole('dialog', { name: 'Share “Garden”' });
      await dialog.getByLabel('Name').fill('Garden 2027');
      await dialog.getByRole('button', { name: 'Save project' }).click();
      await pick(page, 'Garden 2027').waitFor();
      dialog = page.getByRole('dialog', { name: 'Share “Garden 2027”' });
      await dialog.getByRole('button', { name: 'Archive project' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await pick(page, 'Garden 2027').textContent()).toContain('(archived)');

      await page.getByRole('button', { name: 'Share “Release Q3”' }).click();
      dialog = page.getByRole('dialog', { name: 'Share “Release Q3”' });
      await dialog.getByRole('button', { name: 'Delete project' }).click();
      const confirm = dialog.getByRole('group', { name: 'Delete “Release Q3”?' });
      await confirm.getByText(/Every task in this project is deleted too/).waitFor();
      // Focus moves to the destructive choice, which says what it deletes.
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete project and its tasks');
      await checkScreen(page, 'projects-06-delete-confirm');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      expect(await pick(page, 'Release Q3').count()).toBe(0);
      const bobTasks = (await call(users.bob, 'GET', '/tasks')).body as { items: unknown[] };
      expect(bobTasks.items).toEqual([]);
    },
    STEP_MS,
  );

  // Issue #20's "done when": each member sees the other's changes without reloading — realtime fans
  // a shared project's task and comment events out to every active member (merged from `consumers`).
  test(
    'two users share a project and each sees the other’s changes live',
    async () => {
      const ada = users.ada.page;
      const bob = users.bob.page;
      const created = (await call(users.ada, 'POST', '/projects', { name: 'Household' })).body as { id: string };
      await call(users.ada, 'POST', `/projects/${created.id}/invitations`, { email: users.bob.email, role: 'editor' });
      await call(users.bob, 'POST', `/invitations/${created.id}/accept`);
      await web.system.settle({ timeoutMs: 30_000 });
      for (const p of [ada, bob]) {
        await p.reload();
        await p.locator('.live--live').waitFor();
        await pick(p, 'Household').click();
        await p.getByText('No tasks match.').waitFor();
      }
      // Ada adds a task: Bob's page shows it without a reload.
      await ada.getByRole('button', { name: 'New task' }).click();
      await ada.getByLabel('Title').fill('Buy milk');
      await ada.getByRole('button', { name: 'Create task' }).click();
      await task(bob, 'Buy milk').waitFor();
      // Bob comments with Ada's thread open: it appears there.
      await task(ada, 'Buy milk')
        .getByRole('button', { name: /^Comments and assignee/ })
        .click();
      const thread = ada.getByRole('dialog', { name: 'Buy milk' });
      await thread.getByText('No comments yet.').waitFor();
      await call(users.bob, 'POST', `/tasks/${await taskId(bob, 'Buy milk')}/comments`, { body: 'Oat or dairy?' });
      await thread.getByText('Oat or dairy?').waitFor();
      await ada.keyboard.press('Escape');
      // Bob completes it: it leaves Ada's list of open tasks.
      // (click, not check: the completed task leaves Bob's open list at once)
      await task(bob, 'Buy milk').getByRole('checkbox').click();
      await task(ada, 'Buy milk').waitFor({ state: 'detached' });
      // Ada removes Bob: the project leaves his sidebar without a reload.
      await call(users.ada, 'DELETE', `/projects/${created.id}/members/${users.bob.userId}`);
      await pick(bob, 'Household').waitFor({ state: 'detached' });
    },
    STEP_MS,
  );
});

async function taskId(p: Page, title: string): Promise<string> {
  return (await task(p, title).getAttribute('data-task-id')) ?? '';
}
