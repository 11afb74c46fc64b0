/**
 * What the Chromium tests share: the whole embedded system (the `bun dev` composition) listening on
 * 127.0.0.1, Debian's Chromium driven by playwright-core, screenshots under test-artifacts/web/, and
 * an axe-core audit of the page as it is.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiClient } from '@tasktide/api/testing';
import { createTestDb } from '@tasktide/db/testing';
import { createSystem, type System } from '@tasktide/dev/system';
import type { Clock } from '@tasktide/service-kit';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TASKTIDE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dir, '../../../../test-artifacts/web');
export const DESKTOP = { width: 1200, height: 900 };
export const PHONE = { width: 375, height: 812 };

export interface WebHarness {
  system: System;
  base: string;
  browser: Browser;
  api: ReturnType<typeof apiClient>;
  newContext(opts?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  stop(): Promise<void>;
}

let launched: Promise<Browser> | undefined;

/**
 * One Chromium per test process, shared by every browser test file. Bun 1.3.14's child_process
 * intermittently fails a spawn with extra stdio pipes (Playwright's --remote-debugging-pipe) after
 * earlier ones — "connect ENOENT" in #createStdioObject, oven-sh/bun#34785 — so the suite launches
 * once instead of once per file. It ends with the process: Chromium exits when its debugging pipe
 * closes, and scripts/test-all.sh reaps anything left under the run's directory.
 */
export function sharedBrowser(): Promise<Browser> {
  launched ??= chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
  return launched;
}

/** Starts the system (optionally on a test clock) and the shared Chromium; `stop()` ends the system. */
export async function startWeb(
  opts: { clock?: Clock; env?: Record<string, string>; zone?: string } = {},
): Promise<WebHarness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const system = await createSystem({
    db: await createTestDb('pglite'),
    clock: opts.clock,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      JWT_SECRET: 'web-secret-web-secret-web-secret-0000',
      WEBHOOK_SIGNING_KEY: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      REMINDER_SWEEP_EVERY_MS: '500',
      REMINDER_SWEEP_GRACE_MS: '1500',
      WEBHOOK_BACKOFF_MS: '200',
      ...opts.env,
    },
    bus: { pollMs: 50, backoffMs: 50 },
    jobsPollMs: 50,
  });
  const { server } = system.app.listen({ port: 0, hostname: '127.0.0.1' });
  system.start();
  const base = `http://127.0.0.1:${server?.port}`;
  const warm = fetch(`${base}/`); // the first request bundles the app: let it run while Chromium starts
  const browser = await sharedBrowser();
  if ((await warm).status !== 200) throw new Error('the web app did not build');
  return {
    system,
    base,
    browser,
    api: apiClient((r) => system.app.handle(r)),
    async newContext(o = {}) {
      const context = await browser.newContext({
        viewport: DESKTOP,
        timezoneId: opts.zone ?? 'Europe/Berlin',
        locale: 'en-GB',
        ...o,
      });
      context.setDefaultTimeout(15_000);
      return context;
    },
    async stop() {
      // Its contexts close; the browser stays for the next file (see sharedBrowser).
      for (const context of browser.contexts()) await context.close();
      server?.stop(true);
      await system.stop();
      await system.db.close();
    },
  };
}

/** Saves a full-page screenshot as test-artifacts/web/<name>.png. */
export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Screenshots at desktop and at phone width (`<name>-desktop`, `<name>-phone`), back to desktop after. */
export async function shotBoth(page: Page, name: string) {
  await shot(page, `${name}-desktop`);
  await page.setViewportSize(PHONE);
  await shot(page, `${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

const axeSource = Bun.file(Bun.resolveSync('axe-core/axe.min.js', import.meta.dir)).text();

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core (WCAG 2.0–2.2 A/AA rules and best practices) on the page as it is now, and returns
 * the serious and critical violations. Injected through the DevTools protocol (page.evaluate), which
 * the page's strict CSP does not govern — no inline script is added to the page.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<unknown> } }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  );
  const violations = (
    result as { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }
  ).violations;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Whether the page scrolls sideways (it must not, at any width). */
export const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The elements reaching past the right edge (at most 12): what to fix when the page scrolls sideways. */
export const elementsPastRightEdge = (page: Page) =>
  page.evaluate(() => {
    const past: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 1) {
        past.push(
          `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)} width=${Math.round(box.width)}`,
        );
      }
    }
    return past.slice(0, 12);
  });
