import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page, type ViewportSize } from 'playwright-core';
import { test as baseTest, inject } from 'vitest';

const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Debian's Chromium (`apt-get install chromium`): CHROMIUM_PATH, or `chromium` found on PATH. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'chromium');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  throw new Error('Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH');
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Containers and CI: no sandbox, no GPU, a small /dev/shm, and no calls home.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Main-frame navigations of each page not yet checked by axe: every page visited must be checked. */
const unchecked = new WeakMap<Page, string[]>();

/** Runs axe (WCAG 2.1 A and AA) on the current page and fails with one line per offending element. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_AA_TAGS).analyze();
  unchecked.set(page, []);
  if (violations.length === 0) return;
  const indent = (text: string, spaces: number) => text.replace(/^/gm, ' '.repeat(spaces));
  const lines = violations.flatMap((violation) => [
    `- ${violation.id} (${violation.impact ?? 'unknown impact'}): ${violation.help}`,
    ...violation.nodes.flatMap((node) => [
      indent(`at ${node.target.join(' ')}`, 4),
      ...(node.failureSummary ? [indent(node.failureSummary, 6)] : []),
    ]),
    indent(violation.helpUrl, 4),
  ]);
  throw new Error(`${violations.length} accessibility violation(s) on ${page.url()}:\n${lines.join('\n')}`);
}

/** Content wider than the viewport makes the whole page scroll sideways: unusable on a phone. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (scrollWidth > innerWidth) {
    throw new Error(`${page.url()} scrolls horizontally: content is ${scrollWidth} px wide in a ${innerWidth} px window`);
  }
}

export const MOBILE: ViewportSize = { width: 360, height: 740 };
export const DESKTOP: ViewportSize = { width: 1280, height: 800 };

/**
 * vitest's `test` with a browser per file and, per test, a fresh page (own cookies) at `viewport`
 * (override it in a describe block with `test.override('viewport', MOBILE)`). Relative URLs in
 * `page.goto('/echirolles')` resolve against the app started by the global setup.
 */
export const test = baseTest
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }) => {
    const browser = await launchBrowser();
    onCleanup(() => browser.close());
    return browser;
  })
  .extend('viewport', DESKTOP)
  .extend('page', async ({ browser, viewport, task }, { onCleanup }) => {
    const context = await browser.newContext({
      baseURL: inject('baseUrl'),
      viewport,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
    });
    const page = await context.newPage();
    unchecked.set(page, []);
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) unchecked.get(page)?.push(frame.url());
    });
    onCleanup(async () => {
      await context.close();
      const missed = unchecked.get(page) ?? [];
      // A test that already failed may have stopped before its checks: only its own error matters.
      if (missed.length && task.result?.state !== 'fail') {
        throw new Error(`Pages visited without an accessibility check (call expectNoAxeViolations): ${missed.join(', ')}`);
      }
    });
    return page;
  });
