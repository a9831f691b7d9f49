/**
 * The weekly booking grid on a phone (issue 6): a parent opens Léa's next changeable week, ticks
 * a day (the summary of pending changes appears), validates, sees the confirmation, comes back
 * and cancels that day. Uses martin-claire of Villennes, whom no other e2e file signs in as.
 * The app runs on the real clock: the journey looks for the first week that can still be changed.
 * E2E_SCREENSHOTS=<folder> keeps a screenshot of the grid before and after.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { MOBILE, expectNoAxeViolations, expectNoHorizontalScroll, test } from './support/browser.ts';

const COMMUNE = '/villennes';
const PARENT = { identifier: 'martin-claire', password: 'demo-parent-2026' };

async function checkPage(page: Page): Promise<void> {
  await expectNoAxeViolations(page);
  await expectNoHorizontalScroll(page);
}

async function follow(page: Page, target: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), target.click()]);
  await checkPage(page);
}

async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.E2E_SCREENSHOTS;
  if (folder) await page.screenshot({ path: path.join(folder, `${name}.png`), fullPage: true });
}

describe('weekly booking grid', () => {
  describe('at 360×740', () => {
    test.override('viewport', MOBILE);

    test('a parent books a day of the next changeable week, sees the confirmation, comes back and cancels it', async ({ page }) => {
      const response = await page.goto(`${COMMUNE}/connexion`);
      expect(response?.status()).toBe(200);
      await checkPage(page);
      await page.getByLabel(/^Identifiant/).fill(PARENT.identifier);
      await page.getByLabel(/^Mot de passe/).fill(PARENT.password);
      await follow(page, page.getByRole('button', { name: 'Se connecter' }));

      // The dashboard says, per child, the next deadline and whether next week is booked.
      const bookings = page.getByRole('region', { name: 'Réservations' });
      expect(await bookings.getByRole('heading', { name: 'Léa Martin' }).count()).toBe(1);
      expect(await bookings.innerText()).toMatch(/Semaine prochaine : /);

      await follow(page, page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Réservations' }));
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Réservations');
      await follow(page, page.getByRole('link', { name: 'Semaine prochaine de Léa' }));
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Réservations de Léa Martin');

      // At the Thursday rush the days come first: the first day starts at the end of the first
      // screen, below only the header, the deadline in words and the week links (it was 2.5 screens
      // down, below the rule, the week picker and the legend, which now follow the grid).
      const topOf = (locator: Locator) => locator.first().evaluate((element) => element.getBoundingClientRect().top + window.scrollY);
      const firstDay = await topOf(page.locator('.week-day'));
      expect(firstDay).toBeLessThanOrEqual(MOBILE.height * 1.2);
      expect(await topOf(page.locator('.week-deadline .deadline'))).toBeLessThan(firstDay);
      expect(await topOf(page.getByRole('heading', { name: 'Légende' }))).toBeGreaterThan(firstDay);

      // The first week from here on that still has a free day.
      const free = page.locator('.cell--available input[type="checkbox"]');
      for (let tries = 0; (await free.count()) === 0; tries += 1) {
        expect(tries, 'a week with a free day within 6 weeks').toBeLessThan(6);
        await follow(page, page.getByRole('link', { name: 'Semaine suivante' }));
      }
      const box = free.first();
      const value = (await box.getAttribute('value'))!;
      const label = (await box.getAttribute('data-day'))!;
      expect(await page.locator('.week-deadline .deadline').innerText()).toMatch(/modifiable jusqu'au/);
      await screenshot(page, 'grid-before');

      // With JavaScript, the pending change shows before « Valider ».
      await box.check();
      const pending = page.locator('[data-pending-changes]');
      await pending.waitFor({ state: 'visible' });
      expect(await pending.innerText()).toContain(`À réserver (1)`);
      expect(await pending.innerText()).toContain(label);
      await checkPage(page);

      await follow(page, page.getByRole('button', { name: 'Valider' }));
      const outcome = page.locator('.booking-outcome');
      expect(await outcome.innerText()).toContain('Semaine enregistrée : 1 changement fait.');
      expect(await outcome.innerText()).toMatch(/: réservé/);
      const booked = page.locator(`input[name="jours"][value="${value}"]`);
      expect(await booked.isChecked()).toBe(true);
      expect(await page.locator('li.cell', { has: booked }).getAttribute('class')).toContain('cell--booked');
      await screenshot(page, 'grid-booked');

      // Back later: the day is still booked; untick it and validate.
      const weekUrl = page.url();
      await page.goto(weekUrl);
      await checkPage(page);
      expect(await page.locator('.booking-outcome').count()).toBe(0);
      await page.locator(`input[name="jours"][value="${value}"]`).uncheck();
      expect(await pending.innerText()).toContain('À annuler (1)');
      await follow(page, page.getByRole('button', { name: 'Valider' }));
      expect(await page.locator('.booking-outcome').innerText()).toMatch(/: annulé/);
      expect(await page.locator(`input[name="jours"][value="${value}"]`).isChecked()).toBe(false);
      expect(await page.locator('li.cell', { has: page.locator(`input[name="jours"][value="${value}"]`) }).getAttribute('class')).toContain('cell--available');
    });
  });
});
