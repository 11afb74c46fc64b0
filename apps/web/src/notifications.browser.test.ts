/**
 * Notifications the user controls, in real Chromium against the embedded system on a test clock:
 * preferences set on the page, a live notification as a toast and a browser notification, and
 * quiet hours holding one back until they end (the clock moves; nothing waits on real hours).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createTestClock } from '@tasktide/service-kit';
import type { BrowserContext, Page } from 'playwright-core';
import { PHONE, seriousViolations, shotBoth, sidewaysOverflow, startWeb, type WebHarness } from './testing/browser.ts';

const STEP_MS = 60_000;
// Monday 2030-01-07, 21:00 in Berlin.
const clock = createTestClock(new Date('2030-01-07T20:00:00Z'));
let web: WebHarness;
let context: BrowserContext;
let page: Page;
let user: { token: string; userId: string; email: string; password: string };
const call = (method: string, path: string, body?: unknown) =>
  web.api.call(method, `/api/v1${path}`, { token: user.token, body });

/** Moves the system's clock to `iso` and waits until everything that time made due has happened. */
async function at(iso: string) {
  clock.advance(new Date(iso).getTime() - clock.now().getTime());
  await web.system.settle({ timeoutMs: 60_000 });
}
const toasts = () => page.locator('.toast .toast-title').allTextContents();
const shown = () => page.evaluate(() => (window as unknown as { __shown: string[] }).__shown);

beforeAll(async () => {
  web = await startWeb({ clock, env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
  user = await web.api.signUp({ display_name: 'Robin' });
  const login = await web.api.call('POST', '/api/v1/auth/login', {
    body: { email: user.email, password: user.password },
  });
  context = await web.newContext({ permissions: ['notifications'] });
  await context.addInitScript((session) => {
    if (!localStorage.getItem('tasktide.session')) localStorage.setItem('tasktide.session', session);
    // Records every system notification the page raises (headless Chromium shows none).
    const w = window as unknown as { __shown: string[]; Notification: typeof Notification };
    w.__shown = [];
    w.Notification = new Proxy(w.Notification, {
      construct(target, args: [string, NotificationOptions?]) {
        w.__shown.push(args[0]);
        return new target(...args);
      },
    });
  }, JSON.stringify(login.body));
  page = await context.newPage();
  await page.goto(`${web.base}/#settings/notifications`);
  await page.locator('.live--live').waitFor();
}, 120_000);

afterAll(async () => {
  await web?.stop();
});

describe('notifications in Chromium', () => {
  test(
    'preferences: kinds per channel and quiet hours are saved; browser notifications are turned on',
    async () => {
      await page.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();
      expect(await page.getByLabel('Reminders in the inbox').isChecked()).toBe(true);
      expect(await page.getByLabel('Next occurrence created in the inbox').isChecked()).toBe(false);
      await page.getByLabel('Next occurrence created in the inbox').check();
      await page.getByLabel('Hold notifications back during quiet hours').check();
      await page.getByLabel('From').fill('23:30');
      await page.getByLabel('Until').fill('07:00');
      await page.getByRole('button', { name: 'Save preferences' }).click();
      await page.getByText('Saved.').waitFor();
      expect((await call('GET', '/notifications/preferences')).body).toMatchObject({
        in_app: ['reminder', 'overdue', 'next_occurrence'],
        quiet_hours: { start: '23:30', end: '07:00' },
      });
      await page.getByRole('button', { name: 'Turn on browser notifications' }).click();
      await page.getByText(/^On in this browser/).waitFor();
      for (const width of ['desktop', 'phone']) {
        if (width === 'phone') await page.setViewportSize(PHONE);
        expect({ width, violations: await seriousViolations(page) }).toEqual({ width, violations: [] });
        expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      }
      await page.setViewportSize({ width: 1200, height: 900 });
      await shotBoth(page, '17-settings-notifications');
    },
    STEP_MS,
  );

  test(
    'a reminder that fires while the page is open is a toast and a browser notification',
    async () => {
      await page.getByRole('link', { name: 'Tasks' }).click();
      // Due 22:00 Berlin, reminded at 21:50.
      await call('POST', '/tasks', { title: 'stretch', due_at: '2030-01-07T21:00:00Z', reminders: [10] });
      await web.system.settle();
      await at('2030-01-07T20:51:00Z');
      await page.locator('.toast', { hasText: 'Reminder: stretch' }).waitFor();
      await page.waitForFunction(() => (window as unknown as { __shown: string[] }).__shown.length > 0);
      expect(await shown()).toEqual(['Reminder: stretch']);
      expect({ violations: await seriousViolations(page) }).toEqual({ violations: [] });
      await shotBoth(page, '18-toast');
      await page.getByRole('button', { name: 'Dismiss “Reminder: stretch”' }).click();
      await page.locator('.toast').waitFor({ state: 'detached' });
    },
    STEP_MS,
  );

  test(
    'during quiet hours nothing pops up; when they end, what waited arrives once',
    async () => {
      // Due 23:50 Berlin, reminded at 23:40 — inside 23:30–07:00.
      await call('POST', '/tasks', { title: 'calm', due_at: '2030-01-07T22:50:00Z', reminders: [10] });
      await web.system.settle();
      await at('2030-01-07T22:45:00Z'); // 23:45: the reminder fired, and waits
      const before = (await call('GET', '/notifications?limit=100')).body.items.map((n: { title: string }) => n.title);
      expect(before).not.toContain('Reminder: calm');
      expect(await toasts()).toEqual([]);

      await at('2030-01-08T06:00:00Z'); // 07:00: quiet hours end
      await page.locator('.toast', { hasText: 'Reminder: calm' }).waitFor();
      const after = (await call('GET', '/notifications?limit=100')).body.items.map((n: { title: string }) => n.title);
      expect(after.filter((t: string) => t === 'Reminder: calm')).toHaveLength(1);
      expect(after.filter((t: string) => t === 'Overdue: calm')).toHaveLength(1);
      expect((await shown()).filter((t) => t === 'Reminder: calm')).toHaveLength(1);
    },
    STEP_MS,
  );
});
