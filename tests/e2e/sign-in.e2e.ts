import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { DESKTOP, MOBILE, expectNoAxeViolations, expectNoHorizontalScroll, test } from './support/browser.ts';

const COMMUNES = ['Échirolles', 'Le Mesnil-Saint-Denis', 'Villennes-sur-Seine'];
const PARENT = { identifier: 'martin-claire', password: 'demo-parent-2026' };

/** Every page visited: WCAG 2.1 AA, and on a phone no sideways scrolling. */
async function checkPage(page: Page): Promise<void> {
  await expectNoAxeViolations(page);
  if (page.viewportSize()!.width <= MOBILE.width) await expectNoHorizontalScroll(page);
}

async function goto(page: Page, path: string, status = 200): Promise<void> {
  const response = await page.goto(path);
  expect(response?.status(), `GET ${path}`).toBe(status);
  await checkPage(page);
}

async function signIn(page: Page, identifier: string, password: string): Promise<void> {
  await page.getByLabel('Identifiant').fill(identifier);
  await page.getByLabel('Mot de passe').fill(password);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Se connecter' }).click()]);
}

async function expectCommuneLinks(page: Page): Promise<void> {
  for (const name of COMMUNES) {
    expect(await page.getByRole('main').getByRole('link', { name }).count(), `link to ${name}`).toBe(1);
  }
}

const VIEWPORTS = [
  { label: '360×740', viewport: MOBILE },
  { label: '1280×800', viewport: DESKTOP },
];

for (const { label, viewport } of VIEWPORTS) {
  describe(`at ${label}`, () => {
    test.override('viewport', viewport);

    test('the home page lists the communes served', async ({ page }) => {
      await goto(page, '/');
      await expectCommuneLinks(page);
    });

    test('a parent signs in, sees the family and signs out', async ({ page }) => {
      await goto(page, '/echirolles');
      expect(await page.getByRole('banner').textContent()).toContain("Ville d'Échirolles");

      await signIn(page, PARENT.identifier, PARENT.password);
      expect(new URL(page.url()).pathname).toBe('/echirolles/tableau-de-bord');
      await checkPage(page);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Bonjour Claire Martin');
      const main = page.getByRole('main');
      expect(await main.getByText('Léa Martin').count()).toBeGreaterThan(0);
      expect(await main.getByText('Hugo Martin').count()).toBeGreaterThan(0);

      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Se déconnecter' }).click()]);
      expect(new URL(page.url()).pathname).toBe('/echirolles');
      await checkPage(page);
      expect(await page.getByRole('button', { name: 'Se déconnecter' }).count()).toBe(0);
      expect(await page.getByLabel('Identifiant').isVisible()).toBe(true);

      // The session is gone: the dashboard now asks to sign in again.
      await page.goto('/echirolles/tableau-de-bord');
      expect(new URL(page.url()).pathname).toBe('/echirolles/connexion');
      await checkPage(page);
    });

    test('Back after signing out on a shared computer shows nothing of the family', async ({ page }) => {
      await goto(page, '/echirolles');
      await signIn(page, PARENT.identifier, PARENT.password);
      await goto(page, '/echirolles/famille');
      expect(await page.getByRole('main').getByText('Léa Martin').count()).toBeGreaterThan(0);
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Se déconnecter' }).click()]);

      // The browser kept nothing: Back fetches the page again, and the server asks to sign in.
      await page.goBack();
      expect(new URL(page.url()).pathname).toBe('/echirolles/connexion');
      expect(await page.content()).not.toContain('Léa Martin');
      await checkPage(page);
    });

    test('a wrong password shows the error summary and keeps the identifier', async ({ page }) => {
      await goto(page, '/echirolles');
      await signIn(page, PARENT.identifier, 'not-the-password');
      await checkPage(page);
      expect(await page.getByRole('heading', { name: 'Il y a un problème' }).isVisible()).toBe(true);
      expect(await page.getByLabel('Identifiant').inputValue()).toBe(PARENT.identifier);
      expect(await page.getByLabel('Mot de passe').inputValue()).toBe('');
    });

    test('an unknown commune answers 404 with the communes served', async ({ page }) => {
      await goto(page, '/inconnue', 404);
      await expectCommuneLinks(page);
    });
  });
}
