import { describe, expect } from 'vitest';
import { MOBILE, test } from './support/browser.ts';
import { checkPage, follow, goto, pathOf, signIn } from './support/journey.ts';

/*
 * A parent pays two invoices online at 360 px: from the dashboard's « Payer », ticks both unpaid
 * invoices on « Factures », goes through the PayFiP simulator's three steps (started by the
 * set-up, as `npm start` starts it), comes back to the portal, finds both invoices « soldées » and
 * downloads the one receipt. Our pages are checked with axe; the payment site is PayFiP's, not
 * ours. At Villennes the set-up gave the demo Martin family a second month to pay (September).
 */
describe('paying online at 360×740', () => {
  test.override('viewport', MOBILE);

  test('a parent ticks two invoices, pays them on the payment site, and comes back to one receipt', async ({ page }) => {
    await goto(page, '/villennes/connexion');
    await signIn(page, 'martin-claire', 'demo-parent-2026');
    await follow(page, page.getByRole('link', { name: /^Payer/ }));
    expect(pathOf(page)).toBe('/villennes/factures');

    const invoices = page.locator('main input[type="checkbox"][name="factures"]');
    expect(await invoices.count()).toBe(2);
    const numbers: string[] = [];
    for (const invoice of await invoices.all()) {
      await invoice.check();
      numbers.push(/FAC-\d{4}-\d{6}/.exec((await page.locator(`label[for="${await invoice.getAttribute('id')}"]`).textContent()) ?? '')![0]);
    }
    expect(await page.locator('[data-pay-total]').textContent()).toMatch(/^Total des 2 factures cochées : \d+,\d{2}\s€/);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Payer en ligne/ }).click()]);

    // PayFiP's three steps (the simulator): e-mail, card, ticket.
    expect(await page.locator('h1').textContent()).toContain('Paiement de votre facture');
    const mail = page.locator('#mel');
    if (!(await mail.inputValue())) await mail.fill('parent@villennes.example.org');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continuer' }).click()]);
    await page.locator('#cardType').check();
    await page.locator('#cardNumber').fill('1111 2222 3333 4444');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Payer / }).click()]);
    expect(await page.locator('[role="status"]').textContent()).toContain('Votre paiement est accepté');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Retourner sur le site de la commune' }).click()]);

    // Back on the portal: the outcome in words, both invoices, one receipt.
    expect(pathOf(page)).toBe('/villennes/paiement/retour');
    await checkPage(page);
    const outcome = (await page.getByRole('main').textContent()) ?? '';
    expect(outcome.match(/REC-\d{4}-\d{6}/g)?.length ?? 0).toBeGreaterThan(0);
    expect(new Set(outcome.match(/REC-\d{4}-\d{6}/g)).size).toBe(1);
    for (const number of numbers) expect(outcome).toContain(number);
    const receiptLink = page.locator('main a[href$="/recu.pdf"]').first();
    const receipt = await page.request.get(new URL((await receiptLink.getAttribute('href'))!, page.url()).toString());
    expect(receipt.status()).toBe(200);
    expect(receipt.headers()['content-disposition']).toMatch(/^attachment/);
    expect((await receipt.body()).subarray(0, 4).toString()).toBe('%PDF');

    await follow(page, page.getByRole('navigation').getByRole('link', { name: 'Factures' }));
    expect(await page.locator('main input[type="checkbox"][name="factures"]').count()).toBe(0);
    await follow(page, page.getByRole('link', { name: 'Soldées' }));
    const settled = (await page.getByRole('main').textContent()) ?? '';
    for (const number of numbers) expect(settled).toContain(number);

    // One line in the payments' history.
    await goto(page, '/villennes/historique?vue=paiements&periode=semaine');
    await checkPage(page);
    const history = page.getByRole('main').getByRole('row').filter({ hasText: numbers[0]! });
    expect(await history.count()).toBe(1);
    expect(await history.textContent()).toContain(numbers[1]!);
  });

  /*
   * Issue 18: at Le Mesnil-Saint-Denis, the demo Martin family's unpaid invoice. The parent starts
   * paying, presses Back on the payment site, comes back to « Factures »: the page says the payment
   * is unfinished and offers « Reprendre le paiement », which takes them to the same PayFiP
   * operation (never a second one) where they pay.
   */
  test('a parent leaves the payment site, comes back, resumes the same payment and pays', async ({ page }) => {
    await goto(page, '/lemesnilsaintdenis/connexion');
    await signIn(page, 'martin-claire', 'demo-parent-2026');
    await goto(page, '/lemesnilsaintdenis/factures');
    const invoice = page.locator('main input[type="checkbox"][name="factures"]').first();
    const number = /FAC-\d{4}-\d{6}/.exec((await page.locator(`label[for="${await invoice.getAttribute('id')}"]`).textContent()) ?? '')![0];
    await invoice.check();
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Payer en ligne/ }).click()]);
    const paymentSite = page.url();
    expect(await page.locator('h1').textContent()).toContain('Paiement de votre facture');

    // Back, then « Factures » again: what happened, and the way on.
    await page.goBack();
    await follow(page, page.getByRole('navigation').getByRole('link', { name: 'Factures' }));
    const notice = page.getByRole('region', { name: 'Paiement en ligne non terminé' });
    const said = ((await notice.textContent()) ?? '').replace(/[\s\u00a0\u202f]+/g, ' ');
    expect(said).toContain(`de la facture ${number}, sans le terminer : aucune somme n’a été débitée`);
    expect(said).toMatch(/Vous pouvez le reprendre là où vous l’aviez laissé jusqu’à \d{2}h\d{2}/);
    expect(await notice.getByRole('button', { name: 'Annuler ce paiement' }).count()).toBe(0);
    expect(await page.locator('main input[type="checkbox"][name="factures"]').count()).toBe(0);

    await Promise.all([page.waitForEvent('load'), notice.getByRole('button', { name: 'Reprendre le paiement' }).click()]);
    expect(page.url()).toBe(paymentSite);
    const mail = page.locator('#mel');
    if (!(await mail.inputValue())) await mail.fill('parent@lemesnilsaintdenis.example.org');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continuer' }).click()]);
    await page.locator('#cardType').check();
    await page.locator('#cardNumber').fill('1111 2222 3333 4444');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Payer / }).click()]);
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Retourner sur le site de la commune' }).click()]);

    expect(pathOf(page)).toBe('/lemesnilsaintdenis/paiement/retour');
    await checkPage(page);
    expect(await page.locator('h1').textContent()).toBe('Paiement accepté');
    expect(await page.getByRole('main').textContent()).toContain(number);
    await follow(page, page.getByRole('navigation').getByRole('link', { name: 'Factures' }));
    expect(await page.getByRole('region', { name: 'Paiement en ligne non terminé' }).count()).toBe(0);
  });
});
