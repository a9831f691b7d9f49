/**
 * The tariff simulator on a phone (issue 11), signed out: from Échirolles' home, a person enters a
 * QF and a typical week, reads the estimate table, then sends a QF that is not a number and reads
 * the error summary. The app runs on the real clock: the journey takes the month offered first.
 */
import { describe, expect } from 'vitest';
import { MOBILE, test } from './support/browser.ts';
import { checkPage, follow, goto, title } from './support/journey.ts';

describe('tariff simulator', () => {
  describe('at 360×740', () => {
    test.override('viewport', MOBILE);

    test('a person signed out estimates a month, then corrects a mistyped quotient', async ({ page }) => {
      await goto(page, '/echirolles');
      await follow(page, page.getByRole('link', { name: /simulateur de tarifs/ }));
      expect(await title(page)).toBe('Simulateur de tarifs');

      await page.getByLabel(/^Quotient familial/).fill('600');
      const canteen = page.getByRole('group', { name: /Restauration scolaire/ });
      await canteen.getByLabel('Lundi').check();
      await canteen.getByLabel('Jeudi').check();
      await follow(page, page.getByRole('button', { name: 'Estimer' }));

      const estimate = page.getByRole('table', { name: /Estimation mensuelle/ });
      await expect.poll(() => estimate.isVisible()).toBe(true);
      const canteenRow = estimate.getByRole('row', { name: /Restauration scolaire/ });
      expect((await canteenRow.innerText()).replace(/\s+/g, ' ')).toMatch(/Lundi et jeudi \d+ repas.*2,20 € Tranche 451 à 700 €/);
      expect((await estimate.getByRole('row', { name: /Total estimé/ }).innerText()).replace(/\s+/g, ' ')).toMatch(/\d+,\d\d €/);

      await page.getByLabel(/^Quotient familial/).fill('six cents');
      await follow(page, page.getByRole('button', { name: 'Estimer' }));
      const summary = page.getByRole('alert');
      expect(await summary.getByRole('heading').innerText()).toBe('Il y a un problème');
      await summary.getByRole('link', { name: /doit être un nombre/ }).click();
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('field-quotient');
      expect(await page.getByLabel(/^Quotient familial/).inputValue()).toBe('six cents');
      // The jump within the page is a navigation too: one check covers the page as it now is.
      await checkPage(page);
    });
  });
});
