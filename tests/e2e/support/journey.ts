import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { MOBILE, expectNoAxeViolations, expectNoHorizontalScroll } from './browser.ts';

/** Every page visited: WCAG 2.1 AA, and on a phone no sideways scrolling. */
export async function checkPage(page: Page): Promise<void> {
  await expectNoAxeViolations(page);
  if (page.viewportSize()!.width <= MOBILE.width) await expectNoHorizontalScroll(page);
}

export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

export async function goto(page: Page, path: string, status = 200): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), `GET ${path}`).toBe(status);
  await checkPage(page);
}

/** Clicks a link or a submit button, waits for the page it leads to and checks that page. */
export async function follow(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), target.click()]);
  await checkPage(page);
}

/** Fills the sign-in form of the current page and sends it. */
export async function signIn(page: Page, identifier: string, password: string): Promise<void> {
  await page.getByLabel(/^Identifiant/).fill(identifier);
  await page.getByLabel(/^Mot de passe/).fill(password);
  await follow(page, page.getByRole('button', { name: 'Se connecter' }));
}

/** The page's heading of `level`, trimmed. */
export async function title(page: Page, level = 1): Promise<string> {
  return ((await page.getByRole('heading', { level }).first().textContent()) ?? '').trim();
}
