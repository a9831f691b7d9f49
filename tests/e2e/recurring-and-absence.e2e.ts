/**
 * The « semaine type » wizard and the absence form on a phone (issue 6): every page checked by axe
 * and for sideways scrolling. Uses martin-paul of Échirolles, whom no other e2e file signs in as;
 * the recurring booking is previewed, not validated, so the family's bookings stay as seeded.
 */
import { describe, expect } from 'vitest';
import { MOBILE, test } from './support/browser.ts';
import { checkPage, follow } from './support/journey.ts';

const COMMUNE = '/echirolles';

describe('semaine type and absences', () => {
  describe('at 360×740', () => {
    test.override('viewport', MOBILE);

    test('a parent previews a recurring booking and opens the absence form', async ({ page }) => {
      await page.goto(`${COMMUNE}/connexion`);
      await checkPage(page);
      await page.getByLabel(/^Identifiant/).fill('martin-paul');
      await page.getByLabel(/^Mot de passe/).fill('demo-parent-2026');
      await follow(page, page.getByRole('button', { name: 'Se connecter' }));

      await page.goto(`${COMMUNE}/reservations`);
      await checkPage(page);
      await follow(page, page.locator('main a[href*="/reservations/"]').first());
      await follow(page, page.getByRole('link', { name: 'Réserver une semaine type' }));
      await expect.poll(() => page.locator('h1').textContent()).toContain('emaine type');

      // A first submission with nothing chosen lists the problems.
      await follow(page, page.getByRole('button', { name: 'Voir les dates' }));
      expect(await page.locator('.error-summary').textContent()).toContain('Il y a un problème');

      await page.locator('input[name="activite"]').first().check();
      await page.getByLabel('Jeudi', { exact: true }).check();
      await page.getByLabel(/^Jusqu'à la fin de l'année scolaire/).check();
      const rhythm = page.locator('input[name="rythme"]').first();
      await rhythm.check();
      await follow(page, page.getByRole('button', { name: 'Voir les dates' }));
      expect(await page.locator('main').textContent()).toMatch(/jeudi \d{1,2}(?:er)? \S+ 202\d/);

      // (Not Back: signed-in pages are never kept, so Back to a form's answer would post it again.)
      await page.goto(`${COMMUNE}/reservations`);
      await follow(page, page.locator('main a[href*="/reservations/"]').first());
      await follow(page, page.getByRole('link', { name: 'Justifier une absence' }));
      expect(await page.locator('h1').textContent()).toMatch(/absence/i);
      // Sending with nothing chosen: the problems are listed, nothing is sent.
      await follow(page, page.getByRole('button', { name: 'Envoyer la justification' }));
      expect(await page.locator('.error-summary').textContent()).toContain('Il y a un problème');
    });
  });
});
