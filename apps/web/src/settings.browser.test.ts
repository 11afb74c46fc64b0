/**
 * Everything the API offers besides tasks, done in real Chromium as a user would: account settings
 * (name, zone, password, deletion), API tokens, webhooks (secret, test delivery, log, redeliver),
 * the audit log of the account and of a task with its chain status, a series' history, and the
 * keyboard. Every screen is audited with axe-core (no serious or critical violations) and
 * photographed at desktop and phone width (test-artifacts/web/).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
  elementsPastRightEdge,
  PHONE,
  seriousViolations,
  shotBoth,
  sidewaysOverflow,
  startWeb,
  type WebHarness,
} from './testing/browser.ts';

const STEP_MS = 60_000;
let web: WebHarness;
let context: BrowserContext;
let page: Page;
let user: { token: string; userId: string; email: string; password: string };
const call = (method: string, path: string, body?: unknown, token = user.token) =>
  web.api.call(method, `/api/v1${path}`, { token, body });

/** A webhook receiver on 127.0.0.1 (private addresses are allowed outside production). */
const received: { id: string; body: string }[] = [];
const receiver = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    received.push({ id: req.headers.get('webhook-id') ?? '', body: await req.text() });
    return new Response('ok');
  },
});

/** The screen passes axe at desktop and phone width, does not scroll sideways, and is photographed. */
async function checkScreen(name: string) {
  for (const width of ['desktop', 'phone'] as const) {
    if (width === 'phone') await page.setViewportSize(PHONE);
    expect({ screen: name, width, violations: await seriousViolations(page) }).toEqual({
      screen: name,
      width,
      violations: [],
    });
    // On a failure the message names the elements that stick out.
    const overflow = await sidewaysOverflow(page);
    const past = overflow > 0 ? await elementsPastRightEdge(page) : [];
    expect({ screen: name, width, overflow: Math.max(0, overflow), past }).toEqual({
      screen: name,
      width,
      overflow: 0,
      past: [],
    });
  }
  await page.setViewportSize({ width: 1200, height: 900 });
  await shotBoth(page, name);
}

beforeAll(async () => {
  web = await startWeb();
  user = await web.api.signUp({ display_name: 'Robin' });
  const login = await web.api.call('POST', '/api/v1/auth/login', {
    body: { email: user.email, password: user.password },
  });
  context = await web.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  // Signed in as the page would be after the sign-in form (that form has its own test).
  await context.addInitScript((session) => {
    if (!localStorage.getItem('tasktide.session')) localStorage.setItem('tasktide.session', session);
  }, JSON.stringify(login.body));
  page = await context.newPage();
  await page.goto(`${web.base}/#tasks`);
  await page.locator('.live--live').waitFor();
}, 120_000);

afterAll(async () => {
  receiver.stop(true);
  await web?.stop();
});

describe('settings, activity and series in Chromium', () => {
  test(
    'account: a new name and time zone show at once and survive a reload',
    async () => {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
      await checkScreen('10-settings-account');
      await page.getByLabel('Display name').fill('Robin Hood');
      await page.getByLabel('Time zone').fill('Mars/Olympus');
      await page.getByRole('button', { name: 'Save profile' }).click();
      expect(await page.locator('#profile-zone-error').textContent()).toBe('Unknown IANA time zone');
      await page.getByLabel('Time zone').fill('America/New_York');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Saved.').waitFor();
      expect(await page.locator('.top .user').textContent()).toBe('Robin Hood');
      expect((await call('GET', '/me')).body).toMatchObject({
        display_name: 'Robin Hood',
        timezone: 'America/New_York',
      });
      await page.reload();
      await page.getByRole('link', { name: 'Tasks' }).click();
      await page.getByText('Times are shown in America/New_York.').waitFor();
    },
    STEP_MS,
  );

  test(
    'account: the password changes with the current one; the page stays signed in with its new token',
    async () => {
      await page.goto(`${web.base}/#settings/account`);
      await page.getByLabel('Current password').fill('not my password');
      await page.getByLabel('New password').fill('an even better passphrase');
      await page.getByRole('button', { name: 'Change password' }).click();
      expect(await page.locator('#password-current-error').textContent()).toBe('does not match');
      await page.getByLabel('Current password').fill(user.password);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText(/Password changed/).waitFor();
      const token = await page.evaluate(
        () => JSON.parse(localStorage.getItem('tasktide.session') ?? '{}').access_token,
      );
      expect((await call('GET', '/me', undefined, token)).status).toBe(200);
      user = { ...user, token, password: 'an even better passphrase' };
      await page.reload();
      await page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
    },
    STEP_MS,
  );

  test(
    'API tokens: created and shown once with Copy, listed, working, revoked',
    async () => {
      await page.getByRole('link', { name: 'API tokens' }).click();
      await page.getByLabel('Name').fill('backup script');
      await page.getByLabel('Expires after (days)').fill('30');
      await page.getByRole('button', { name: 'Create token' }).click();
      const secret = page.getByLabel('New token “backup script”');
      await secret.waitFor();
      const value = await secret.inputValue();
      expect(value).toStartWith('tt_');
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByText('Copied to the clipboard.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);
      await checkScreen('11-settings-tokens');
      expect((await call('GET', '/me', undefined, value)).status).toBe(200);
      await page.getByRole('button', { name: 'Done' }).click();
      await secret.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Revoke “backup script”' }).click();
      await page.getByRole('button', { name: 'Revoke now' }).click();
      await page.getByText('0 active tokens').waitFor();
      expect((await call('GET', '/me', undefined, value)).status).toBe(401);
    },
    STEP_MS,
  );

  test(
    'webhooks: the secret is shown once; a test delivery lands, shows in the log, and can be redelivered',
    async () => {
      await page.goto(`${web.base}/#settings/webhooks`);
      await page.getByLabel('URL').fill('ftp://example.com/hook');
      await page.getByRole('button', { name: 'Add webhook' }).click();
      expect(await page.locator('#webhook-url-error').textContent()).toBe('must use https');
      const url = `http://127.0.0.1:${receiver.port}/hook`;
      await page.getByLabel('URL').fill(url);
      await page.getByLabel('Description').fill('home server');
      await page.getByRole('button', { name: 'Add webhook' }).click();
      expect(await page.getByLabel(`Signing secret for ${url}`).inputValue()).toStartWith('whsec_');
      await page.getByRole('button', { name: 'Done' }).click();

      await page.getByRole('button', { name: 'Send test to “home server”' }).click();
      const row = page.locator('tr[data-delivery-id]');
      await row.locator('.badge--succeeded').waitFor();
      expect(await row.locator('td').nth(1).textContent()).toBe('webhook.test');
      expect(received).toHaveLength(1);
      expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ type: 'webhook.test' });
      await checkScreen('12-settings-webhooks');

      await row.getByRole('button', { name: /^Redeliver webhook.test/ }).click();
      await page.waitForFunction(
        () => document.querySelector('tr[data-delivery-id] td:nth-child(4)')?.textContent === '2',
      );
      await row.locator('.badge--succeeded').waitFor();
      // The same delivery id both times: the receiver can tell it is the same message.
      const first = received[0]?.id as string;
      expect(received.map((r) => r.id)).toEqual([first, first]);
    },
    STEP_MS,
  );

  test(
    'activity: the account log and a task’s history, each with the chain verified',
    async () => {
      const created = await call('POST', '/tasks', { title: 'file taxes', priority: 'low' });
      await call('PATCH', `/tasks/${created.body.id}`, { priority: 'high' });
      await web.system.settle();
      await page.getByRole('link', { name: 'Activity' }).click();
      await page.getByText(/^Chain verified: \d+ entries intact/).waitFor();
      await page
        .getByRole('heading', { name: /Profile changed/ })
        .first()
        .waitFor();
      await checkScreen('13-activity');

      await page.getByRole('link', { name: 'Tasks' }).click();
      await page.getByRole('link', { name: 'History of “file taxes”' }).click();
      await page.getByRole('heading', { name: 'History of “file taxes”' }).waitFor();
      const entries = page.getByRole('list', { name: 'Audit entries' }).getByRole('heading');
      await page.getByText('2 entries shown').waitFor();
      expect((await entries.allTextContents()).map((t) => t.replace(/^#\d+\s*/, ''))).toEqual(['Changed', 'Created']);
      await page.getByText(/^Chain verified/).waitFor();
      await checkScreen('14-task-history');
    },
    STEP_MS,
  );

  test(
    'a series: next due, completed occurrences, and stopping it',
    async () => {
      const due = new Date(Date.now() + 3_600_000).toISOString();
      const first = await call('POST', '/tasks', { title: 'water plants', due_at: due, recurrence: 'daily' });
      await call('POST', `/tasks/${first.body.id}/complete`);
      await web.system.settle();
      await page.goto(`${web.base}/#tasks`);
      await page.getByRole('link', { name: 'Series of “water plants”' }).click();
      await page.getByRole('heading', { name: 'Series: “water plants”' }).waitFor();
      await page.getByRole('heading', { name: 'Completed occurrences (1)' }).waitFor();
      await checkScreen('15-series');
      await page.getByRole('button', { name: 'Stop series…' }).click();
      await page.getByRole('button', { name: 'Stop the series' }).click();
      await page.getByText('Nothing: the series has ended or was stopped.').waitFor();
      const open = await call('GET', `/tasks?series_id=${first.body.id}&status=open`);
      expect(open.body.items).toEqual([]);
      await page.getByRole('heading', { name: 'Completed occurrences (1)' }).waitFor();
    },
    STEP_MS,
  );

  test(
    'calendar feed: the secret URL is shown once and serves iCalendar; replacing and revoking end the old one',
    async () => {
      await call('POST', '/tasks', { title: 'dentist', due_at: new Date(Date.now() + 86_400_000).toISOString() });
      await page.goto(`${web.base}/#settings/calendar`);
      await page.getByText('You have no calendar URL.').waitFor();
      await page.getByRole('button', { name: 'Create calendar URL' }).click();
      const url = await page.getByLabel('Your calendar URL').inputValue();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/calendar\/ttc_.+\.ics$/);
      expect(await page.getByRole('link', { name: 'Open in my calendar app' }).getAttribute('href')).toBe(
        url.replace('http:', 'webcal:'),
      );
      const feed = await fetch(url);
      expect(feed.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      expect(await feed.text()).toContain('SUMMARY:dentist');
      await checkScreen('16-settings-calendar');
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByText(/^A calendar URL \(ttc_/).waitFor();
      await page.getByRole('button', { name: 'Replace URL…' }).click();
      await page.getByRole('button', { name: 'Replace the URL' }).click();
      const replaced = await page.getByLabel('Your calendar URL').inputValue();
      expect(replaced).not.toBe(url);
      expect((await fetch(url)).status).toBe(404);
      await page.getByRole('button', { name: 'Done' }).click();
      await page.getByRole('button', { name: 'Revoke URL…' }).click();
      await page.getByRole('button', { name: 'Revoke the URL' }).click();
      await page.getByText('You have no calendar URL.').waitFor();
      expect((await fetch(replaced)).status).toBe(404);
    },
    STEP_MS,
  );

  test(
    'keyboard: q jumps to quick add from any screen; Escape clears it, Enter adds',
    async () => {
      await page.goto(`${web.base}/#settings/webhooks`);
      await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
      await page.keyboard.press('q');
      await page.waitForFunction(() => document.activeElement?.id === 'quick-add');
      await page.keyboard.type('something I do not want');
      await page.keyboard.press('Escape');
      expect(await page.getByLabel('Quick add').inputValue()).toBe('');
      await page.keyboard.type('buy stamps #errands');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'buy stamps', exact: true }).waitFor();
    },
    STEP_MS,
  );

  test(
    'deleting the account says what it means, needs the password, and signs out',
    async () => {
      await page.goto(`${web.base}/#settings/account`);
      const button = page.getByRole('button', { name: 'Delete my account' });
      expect(await button.isDisabled()).toBe(true);
      expect(await page.locator('.card--danger').textContent()).toContain('kept: the audit log');
      await page.getByLabel('Password, to confirm').fill(user.password);
      await page.getByLabel('I understand this deletes my account for good').check();
      await button.click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      const login = await web.api.call('POST', '/api/v1/auth/login', {
        body: { email: user.email, password: user.password },
      });
      expect(login.status).toBe(401);
    },
    STEP_MS,
  );
});
