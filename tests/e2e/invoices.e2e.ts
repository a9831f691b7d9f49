/**
 * A parent's invoices on a phone (issue 11 items 5 and 6): from the dashboard's amount due, the
 * parent opens « Factures », the invoice left to pay, the days of one of its lines, downloads its
 * PDF, then looks at the settled ones and at « Mon compte ». Relies on the demo invoices (the
 * Martin family's two months before the current one: the older « soldée », the newer « à payer »).
 * Uses martin-paul of Échirolles, whom no other e2e file signs in as, in a family no journey pays for
 * (the payment journeys pay at Villennes and Le Mesnil-Saint-Denis, in whatever order the files run).
 */
import fs from 'node:fs';
import { describe, expect } from 'vitest';
import { MOBILE, test } from './support/browser.ts';
import { checkPage, follow, goto, pathOf, signIn, title } from './support/journey.ts';

const COMMUNE = '/echirolles';
const PARENT = { identifier: 'martin-paul', password: 'demo-parent-2026' };
const MONTHS = 'janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre';

const words = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

describe('invoices', () => {
  describe('at 360×740', () => {
    test.override('viewport', MOBILE);

    test('a parent opens « Factures », reads the days of a line, downloads the PDF, then the settled ones and « Mon compte »', async ({ page }) => {
      await goto(page, `${COMMUNE}/connexion`);
      await signIn(page, PARENT.identifier, PARENT.password);
      expect(pathOf(page)).toBe(`${COMMUNE}/tableau-de-bord`);

      // The dashboard says what is due and leads to the invoices.
      const due = page.getByRole('region', { name: 'Montant à payer' });
      expect(words(await due.innerText())).toMatch(/\d+,\d\d € à payer/);

      await follow(page, page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Factures' }));
      expect(pathOf(page)).toBe(`${COMMUNE}/factures`);
      expect(await title(page)).toBe('Factures');
      const list = page.getByRole('table', { name: /Factures à payer/ });
      const firstRow = list.getByRole('row').filter({ has: page.getByRole('link', { name: /^FAC-/ }) }).first();
      expect(words(await firstRow.innerText())).toMatch(/À payer|En retard/);
      const number = (await firstRow.getByRole('link').innerText()).trim();

      await follow(page, firstRow.getByRole('link', { name: number }));
      expect(await title(page)).toBe(`Facture ${number}`);
      const lines = page.getByRole('table', { name: `Lignes de la facture ${number}` });
      const days = lines.locator('details').first();
      expect(await days.getByRole('listitem').first().isVisible()).toBe(false);
      await days.locator('summary').click();
      await expect.poll(() => days.getByRole('listitem').first().isVisible()).toBe(true);
      expect(words(await days.getByRole('listitem').first().innerText())).toMatch(new RegExp(`^(1er|\\d{1,2})(, \\d{1,2})* (${MONTHS})$`));
      // The open <details> is a new state of the page: checked again.
      await checkPage(page);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Télécharger la facture ${number} (PDF)` }).click()]);
      expect(download.suggestedFilename()).toBe(`facture-${number}.pdf`);
      const pdf = fs.readFileSync((await download.path())!);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      await follow(page, page.getByRole('link', { name: 'Toutes mes factures' }));
      await follow(page, page.getByRole('navigation', { name: 'Quelles factures afficher' }).getByRole('link', { name: 'Soldées' }));
      const settled = page.getByRole('table', { name: /Factures soldées/ });
      expect(words(await settled.innerText())).toContain('Soldée');

      await follow(page, page.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Mon compte' }));
      expect(await title(page)).toBe('Mon compte');
      expect(words(await page.getByRole('region', { name: 'Solde' }).innerText())).toMatch(/\d+,\d\d € à payer/);
      const costs = page.getByRole('table', { name: /Montants facturés par enfant et par activité/ });
      expect(await costs.getByRole('row').count()).toBeGreaterThan(1);
      expect(await page.getByRole('table', { name: /Factures et avoirs de l'année scolaire/ }).getByRole('link', { name: number }).count()).toBe(1);
    });
  });
});
