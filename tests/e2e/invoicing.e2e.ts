import { describe, expect } from 'vitest';
import { DESKTOP, MOBILE, test } from './support/browser.ts';
import { follow, goto, signIn, title } from './support/journey.ts';

/*
 * Staff of Le Mesnil-Saint-Denis at « Facturation »: the last month over, its preview and its run
 * (the demo seeding invoiced the Martin family's two previous months through the same run, so
 * nothing is left to issue and the page says so), an issued invoice with its lines and days, and a
 * credit note that corrects it. Issuing a month with families to invoice is covered against
 * PostgreSQL in tests/integration/invoicing.test.ts.
 */
const COMMUNE = '/lemesnilsaintdenis';

for (const { label, viewport, month } of [
  { label: '360×740', viewport: MOBILE, month: 0 },
  { label: '1280×800', viewport: DESKTOP, month: 1 },
]) {
  describe(`invoicing at ${label}`, () => {
    test.override('viewport', viewport);

    test('an agent reads the preview of a month, opens an issued invoice and corrects it with a credit note', async ({ page }) => {
      await goto(page, `${COMMUNE}/connexion`);
      await signIn(page, 'agent', 'demo-agent-2026');
      await goto(page, `${COMMUNE}/admin/facturation`);
      expect(await title(page)).toMatch(/^Facturation – \S+ \d{4}$/);
      expect(await page.getByRole('heading', { level: 2, name: /^Aperçu/ }).count()).toBe(1);
      expect(await page.getByRole('main').textContent()).toContain('déjà facturée');

      // Each viewport takes its own demo month, so each corrects an invoice of its own.
      await page.locator('#field-mois-choisi').selectOption({ index: 1 + month });
      await follow(page, page.getByRole('button', { name: 'Afficher' }));
      const invoiceLink = page.locator('a[href*="/admin/facturation/factures/"]').first();
      expect(await invoiceLink.count()).toBe(1);
      await follow(page, invoiceLink);
      expect(await title(page)).toMatch(/^Facture n° FAC-\d{4}-\d{6}$/);
      expect(await page.getByRole('main').textContent()).toContain('Martin');

      // A reason is required: the error summary first, then the credit note.
      await follow(page, page.getByRole('button', { name: "Émettre l'avoir" }));
      expect(await page.locator('.error-summary').textContent()).toContain('Il y a un problème');
      await page.getByLabel(/^Motif de l'avoir/).fill('Repas du 3 comptés deux fois');
      await follow(page, page.getByRole('button', { name: "Émettre l'avoir" }));
      expect(await page.getByRole('main').textContent()).toMatch(/Avoir n° AV-\d{4}-\d{6}/);
    });
  });
}
