import { describe, expect } from 'vitest';
import { MOBILE, test } from './support/browser.ts';
import { checkPage, follow, goto, pathOf, signIn } from './support/journey.ts';

/*
 * A parent pays online at 360 px: ticks the unpaid invoice on « Factures », goes through the
 * PayFiP simulator's three steps (started by the set-up, as `npm start` starts it), comes back to
 * the portal, finds the invoice « soldée » and downloads the receipt. Our pages are checked with
 * axe; the payment site is PayFiP's, not ours. The demo Martin family of Échirolles has one invoice
 * to pay (its older month is settled).
 */
describe('paying online at 360×740', () => {
  test.override('viewport', MOBILE);

  test('a parent ticks the invoice to pay, pays it on the payment site, and comes back to a receipt', async ({ page }) => {
    await goto(page, '/echirolles/connexion');
    await signIn(page, 'martin-claire', 'demo-parent-2026');
    await goto(page, '/echirolles/factures');
    const invoice = page.locator('main input[type="checkbox"]').first();
    expect(await invoice.count()).toBe(1);
    await invoice.check();
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Payer en ligne/ }).click()]);

    // PayFiP's three steps (the simulator): e-mail, card, ticket.
    expect(await page.locator('h1').textContent()).toContain('Paiement de votre facture');
    const mail = page.locator('#mel');
    if (!(await mail.inputValue())) await mail.fill('parent@echirolles.example.org');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continuer' }).click()]);
    await page.locator('#cardType').check();
    await page.locator('#cardNumber').fill('1111 2222 3333 4444');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: /^Payer / }).click()]);
    expect(await page.locator('[role="status"]').textContent()).toContain('Votre paiement est accepté');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Retourner sur le site de la commune' }).click()]);

    // Back on the portal: the outcome in words, and the receipt.
    expect(pathOf(page)).toBe('/echirolles/paiement/retour');
    await checkPage(page);
    const outcome = (await page.getByRole('main').textContent()) ?? '';
    expect(outcome).toMatch(/REC-\d{4}-\d{6}/);
    const receiptLink = page.locator('main a[href$="/recu.pdf"]').first();
    const receipt = await page.request.get(new URL((await receiptLink.getAttribute('href'))!, page.url()).toString());
    expect(receipt.status()).toBe(200);
    expect((await receipt.body()).subarray(0, 4).toString()).toBe('%PDF');

    await follow(page, page.getByRole('navigation').getByRole('link', { name: 'Factures' }));
    await follow(page, page.getByRole('link', { name: 'Soldées' }));
    expect(await page.getByRole('main').textContent()).toContain('FAC-2026-');
  });
});
