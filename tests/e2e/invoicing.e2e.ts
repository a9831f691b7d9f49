import { describe, expect } from 'vitest';
import { DESKTOP, MOBILE, test } from './support/browser.ts';
import { follow, goto, signIn, title } from './support/journey.ts';

/*
 * Staff at « Facturation ». At Échirolles, last month's canteen days of Nina Bernard are left to
 * invoice (tests/e2e/support/global-setup.ts): the agent reads the preview and issues the month. At
 * Le Mesnil-Saint-Denis, where the demo seeding invoiced everything, the page says so; the agent
 * opens an issued invoice with its lines and days, and corrects it with a credit note.
 */
const COMMUNE = '/lemesnilsaintdenis';

describe('issuing a month at 360×740', () => {
  test.override('viewport', MOBILE);

  test('an agent reads the preview of last month and issues its invoices, once', async ({ page }) => {
    await goto(page, '/echirolles/connexion');
    await signIn(page, 'agent', 'demo-agent-2026');
    await goto(page, '/echirolles/admin/facturation');
    const main = page.getByRole('main');
    expect(await page.getByRole('heading', { level: 2, name: /^Aperçu : 1 famille à facturer, \d+,\d{2}\s€$/ }).count()).toBe(1);
    expect(await main.textContent()).toContain('Bernard');

    await follow(page, page.getByRole('button', { name: /^Émettre les factures de/ }));
    expect(await main.textContent()).toMatch(/1 facture émise/);
    // Issued: the month has nothing left to invoice, and no button offers it again.
    expect(await page.getByRole('heading', { level: 2, name: /^Aperçu : 0 famille à facturer/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Émettre les factures de/ }).count()).toBe(0);
    const bernard = page.locator('a[href*="/admin/facturation/factures/"]', { hasText: /FAC-/ });
    expect(await bernard.count()).toBeGreaterThan(0);
  });
});

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
