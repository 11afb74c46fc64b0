/**
 * The web app in real Chromium (Debian's, driven by playwright-core) against the whole system in
 * this process: the `bun dev` composition (createSystem, the web app included) on in-memory PGlite, listening
 * on 127.0.0.1. One user's journey, in order; screenshots of the main screens go to
 * test-artifacts/web/. Needs /usr/bin/chromium (scripts/platform/install-chromium.sh installs it).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiClient } from '@tasktide/api/testing';
import { createTestDb } from '@tasktide/db/testing';
import { createSystem, type System } from '@tasktide/dev/system';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seriousViolations, sharedBrowser } from './testing/browser.ts';

const ARTIFACTS = join(import.meta.dir, '../../../test-artifacts/web');
const ZONE = 'Europe/Berlin';
/** Per step: generous for a loaded 2-core CI machine (each screenshot also runs an axe audit). */
const STEP_MS = 90_000;
const EMAIL = `web-${crypto.randomUUID().slice(0, 8)}@example.com`;
const PASSWORD = 'correct horse battery';

let system: System;
let stopServer: () => void = () => {};
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let token: string;
const api = () => apiClient((r) => system.app.handle(r));
const call = (method: string, path: string, body?: unknown) => api().call(method, `/api/v1${path}`, { token, body });
/** Every screen photographed also passes axe-core: no serious or critical violation. */
const shot = async (name: string, p: Page = page) => {
  expect({ screen: name, violations: await seriousViolations(p) }).toEqual({ screen: name, violations: [] });
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
};
const task = (title: string, p: Page = page) =>
  p.locator('li.task', { has: p.getByRole('heading', { name: title, exact: true }) });

/** The local date `days` from now in ZONE, as YYYY-MM-DD (what a date input holds). */
const localDate = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(Date.now() + days * 86_400_000));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  system = await createSystem({
    db: await createTestDb('pglite'),
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      JWT_SECRET: 'web-secret-web-secret-web-secret-0000',
      WEBHOOK_SIGNING_KEY: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      REMINDER_SWEEP_EVERY_MS: '500',
      REMINDER_SWEEP_GRACE_MS: '1500',
    },
    bus: { pollMs: 50, backoffMs: 50 },
    jobsPollMs: 50,
  });
  const { server } = system.app.listen({ port: 0, hostname: '127.0.0.1' });
  stopServer = () => server?.stop(true);
  system.start();
  base = `http://127.0.0.1:${server?.port}`;
  // The first request bundles the app: let that run while Chromium starts.
  const warm = fetch(`${base}/`);
  browser = await sharedBrowser();
  context = await browser.newContext({ viewport: { width: 1200, height: 900 }, timezoneId: ZONE, locale: 'en-GB' });
  context.setDefaultTimeout(15_000);
  page = await context.newPage();
  expect((await warm).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await context?.close();
  stopServer();
  await system?.stop();
  await system?.db.close();
});

describe('tasktide in Chromium', () => {
  test(
    'sign up: the server says what is wrong, then the account is made and signed in',
    async () => {
      await page.goto(base);
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await shot('01-sign-in');
      await page.getByRole('button', { name: 'Create an account' }).click();
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill('short');
      await page.getByLabel('Display name').fill('Robin');
      expect(await page.getByLabel('Time zone').inputValue()).toBe(ZONE);
      await page.getByRole('button', { name: 'Create account' }).click();
      // problem+json: the detail on top, the field's message under the password field.
      await page.getByRole('alert').waitFor();
      expect(await page.locator('#auth-password-error').textContent()).toMatch(/10/);
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');

      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByLabel('Quick add').waitFor();
      // The page's own session: the test acts through the api as the same user.
      token = await page.evaluate(() => JSON.parse(localStorage.getItem('tasktide.session') ?? '{}').access_token);
      await page.locator('.live--live').waitFor();
    },
    STEP_MS,
  );

  test(
    'quick add: one line becomes a monthly task with due date, tag, priority and reminder',
    async () => {
      await page
        .getByLabel('Quick add')
        .fill('pay rent every month on the 1st at 9am #bills !high remind me 1 day before');
      const understood = page.getByRole('list', { name: 'Understood' });
      await understood.getByText('every month on the 1st').waitFor();
      await shot('02-quick-add-preview');
      await page.getByLabel('Quick add').press('Enter');
      const row = task('pay rent');
      await row.waitFor();
      expect(await row.textContent()).toContain('#bills');
      expect(await row.textContent()).toContain('high priority');
      expect(await row.textContent()).toContain('every month on day 1');

      const [rent] = (await call('GET', '/tasks?q=rent')).body.items;
      expect(rent).toMatchObject({
        recurrence: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1',
        tags: ['bills'],
        priority: 'high',
        reminders: [1440],
      });
      const local = (options: Intl.DateTimeFormatOptions) =>
        new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hourCycle: 'h23', ...options }).format(
          new Date(rent.due_at),
        );
      expect([local({ day: 'numeric' }), local({ hour: '2-digit', minute: '2-digit' })]).toEqual(['1', '09:00']);
    },
    STEP_MS,
  );

  test(
    'the form: a custom rule shows its next five dates; the task is saved with its reminders, then edited',
    async () => {
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title', { exact: true }).fill('Water plants');
      await dialog.getByLabel('Date', { exact: true }).fill(localDate(1));
      await dialog.getByLabel('Time', { exact: true }).fill('08:00');
      await dialog.getByLabel('1 hour before').check();
      await dialog.getByLabel('Custom: minutes before').fill('15');
      await dialog.getByRole('button', { name: 'Add reminder' }).click();
      await dialog.getByLabel('Repeats').selectOption('custom');
      await dialog.getByLabel('Every', { exact: true }).fill('2');
      await dialog.getByLabel('Tuesday', { exact: true }).check();
      await dialog.getByLabel('Friday', { exact: true }).check();
      await dialog.getByLabel('Next occurrence').selectOption('on_schedule');
      const next = dialog.getByRole('list', { name: 'Next five due dates' }).locator('li');
      await next.nth(4).waitFor();
      expect(await next.count()).toBe(5);
      await shot('03-task-form-custom-rule');
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await task('Water plants').waitFor();
      const [plants] = (await call('GET', '/tasks?q=water')).body.items;
      expect(plants).toMatchObject({
        recurrence: 'RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR',
        recurrence_mode: 'on_schedule',
        reminders: [60, 15],
      });

      // Edit: the form opens with the task's values (the custom rule in the builder) and saves a change.
      await page.getByRole('button', { name: 'Edit “Water plants”' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit task' });
      expect(await edit.getByLabel('Time', { exact: true }).inputValue()).toBe('08:00');
      expect(await edit.getByLabel('Friday', { exact: true }).isChecked()).toBe(true);
      expect(await edit.getByLabel('Next occurrence').inputValue()).toBe('on_schedule');
      await edit.getByLabel('Title', { exact: true }).fill('Water the plants');
      await edit.getByLabel('Remove reminder 15 minutes before').click();
      await edit.getByRole('button', { name: 'Save changes' }).click();
      await task('Water the plants').waitFor();
      const [edited] = (await call('GET', '/tasks?q=water')).body.items;
      expect(edited).toMatchObject({ title: 'Water the plants', reminders: [60], version: 2 });
    },
    STEP_MS,
  );

  test(
    "an invalid form shows the server's detail on top and each message next to its field",
    async () => {
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Title', { exact: true }).fill('   ');
      await dialog.getByLabel('1 hour before').check();
      await dialog.getByRole('button', { name: 'Create task' }).click();
      await dialog.getByRole('alert').waitFor();
      expect(await dialog.getByRole('alert').textContent()).toContain('reminders need a due date');
      expect(await dialog.locator('#task-title-error').textContent()).toBe('must not be blank');
      expect(await dialog.locator('#reminders-error').textContent()).toBe('reminders need a due date (due_at)');
      await shot('04-task-form-server-errors');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
    },
    STEP_MS,
  );

  test(
    'search, filters, sort and paging',
    async () => {
      await Promise.all(
        Array.from({ length: 11 }, (_, i) =>
          call('POST', '/tasks', {
            title: `errand ${String(i + 1).padStart(2, '0')}`,
            tags: ['errands'],
            priority: 'low',
          }),
        ),
      );
      await page.getByLabel('Search tasks').fill('rent');
      await page.getByText('1 task shown').waitFor();
      expect(await task('pay rent').isVisible()).toBe(true);
      await page.getByLabel('Search tasks').fill('');

      await page.getByText('More filters').click();
      await page.getByLabel('Repeating').selectOption('true');
      await page.getByText('2 tasks shown').waitFor();
      await page.getByLabel('high', { exact: true }).check();
      await page.getByText('1 task shown').waitFor();
      await shot('05-filtered');
      await page.getByRole('button', { name: 'Reset filters' }).click();

      await page.getByLabel('Tags', { exact: true }).fill('errands');
      await page.getByLabel('Sort by').selectOption('title');
      await page.getByLabel('Per page').selectOption('10');
      await page.getByText('10 tasks shown').waitFor();
      expect(await page.locator('li.task h3').first().textContent()).toBe('errand 01');
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText('1 task shown').waitFor();
      expect(await page.locator('li.task h3').allTextContents()).toEqual(['errand 11']);
      await page.getByRole('button', { name: 'Previous page' }).click();
      await page.getByText('10 tasks shown').waitFor();
      await page.getByRole('button', { name: 'Reset filters' }).click();
      await page.getByLabel('Per page').selectOption('20');
    },
    STEP_MS,
  );

  test(
    'completing a recurring task brings its next occurrence into the list',
    async () => {
      const [rent] = (await call('GET', '/tasks?q=rent')).body.items;
      await page.getByLabel('Search tasks').fill('rent');
      await page.getByRole('checkbox', { name: 'Complete “pay rent”' }).click();
      // The open list shows the next occurrence (created by the recurrence service, pushed live).
      // Wait for a "pay rent" row with another due time: other rows (or the list before the search
      // applies) must not satisfy the wait.
      const otherDue = (first: string) =>
        [...document.querySelectorAll('li.task')]
          .filter((li) => li.textContent?.includes('pay rent'))
          .map((li) => li.querySelector('time')?.getAttribute('datetime'))
          .find((d) => d && d !== first) ?? null;
      await page.waitForFunction(otherDue, rent.due_at, { timeout: 20_000 });
      const nextDue = await page.evaluate(otherDue, rent.due_at);
      expect(Date.parse(nextDue as string)).toBeGreaterThan(Date.parse(rent.due_at));
      await page.getByLabel('Status').selectOption('completed');
      await task('pay rent').waitFor();
      expect(await page.getByRole('checkbox', { name: 'Reopen “pay rent”' }).isChecked()).toBe(true);
      await page.getByLabel('Status').selectOption('open');
      await page.getByLabel('Search tasks').fill('');
      await shot('06-next-occurrence');
    },
    STEP_MS,
  );

  test(
    'a change made in a second tab appears in the first without a reload',
    async () => {
      const second = await context.newPage();
      await second.goto(base);
      await second.locator('.live--live').waitFor();
      await second.getByLabel('Quick add').fill('call the plumber tomorrow at 10 #home');
      await second.getByLabel('Quick add').press('Enter');
      await task('call the plumber').waitFor(); // in the first tab

      await page.getByRole('button', { name: 'Delete “call the plumber”' }).click();
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await task('call the plumber', second).waitFor({ state: 'detached' });

      // A recurring task offers both scopes.
      await second.getByRole('button', { name: 'Delete “Water the plants”' }).click();
      await second.getByRole('button', { name: 'Delete the whole series' }).click();
      await task('Water the plants').waitFor({ state: 'detached' });
      await second.close();
    },
    STEP_MS,
  );

  test(
    'a reminder that fires lands in the inbox live; it can be marked read',
    async () => {
      await call('POST', '/tasks', {
        title: 'Stretch',
        // Reminded in 2 s; due (and so overdue, another notification) only an hour later.
        due_at: new Date(Date.now() + 3_602_000).toISOString(),
        reminders: [60],
      });
      await page.locator('nav .count', { hasText: '1' }).waitFor({ timeout: 15_000 });
      await page.getByRole('link', { name: /Inbox/ }).click();
      await page.getByText('1 unread', { exact: true }).waitFor();
      await shot('07-inbox');
      await page.getByRole('button', { name: /^Mark read: “.*”$/ }).click();
      await page.getByText('0 unread', { exact: true }).waitFor();
      await page.locator('nav .count', { hasText: '0' }).waitFor();
      await page.getByRole('link', { name: 'Tasks' }).click();
    },
    STEP_MS,
  );

  test(
    'keyboard: the skip link and quick add are reachable, and focus is visible',
    async () => {
      await page.goto(`${base}/#tasks`);
      await page.reload();
      await page.getByLabel('Quick add').waitFor();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
      expect(outline).not.toBe('none');
      await page.getByLabel('Quick add').focus();
      await page.keyboard.type('read a book tonight');
      await page.keyboard.press('Enter');
      await task('read a book').waitFor();
    },
    STEP_MS,
  );

  test(
    'at 375 px wide nothing scrolls sideways: list, form and inbox',
    async () => {
      await page.setViewportSize({ width: 375, height: 812 });
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      await page.getByLabel('Quick add').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot('08-mobile-tasks');
      await page.getByRole('button', { name: 'New task' }).click();
      const dialog = page.getByRole('dialog', { name: 'New task' });
      await dialog.getByLabel('Repeats').selectOption('custom');
      const box = await dialog.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot('09-mobile-form');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('link', { name: /Inbox/ }).click();
      await page.getByText('0 unread', { exact: true }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot('09b-mobile-inbox');
      const signedOut = await browser.newContext({ viewport: { width: 375, height: 812 }, timezoneId: ZONE });
      const signIn = await signedOut.newPage();
      await signIn.goto(base);
      await signIn.getByRole('heading', { name: 'Sign in' }).waitFor();
      await shot('01b-mobile-sign-in', signIn);
      await signedOut.close();
    },
    STEP_MS,
  );
});
