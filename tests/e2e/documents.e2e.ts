import { describe, expect } from 'vitest';
import { MOBILE, test } from './support/browser.ts';
import { checkPage, follow, goto, pathOf, signIn } from './support/journey.ts';

/*
 * Documents at 360 px (issue 13): a parent sends, from a phone-sized screen, the certificate the
 * dashboard says is missing (a photo, as a phone takes it), and an agent validates it; at
 * Villennes a parent keeps a file in the porte-documents and transmits it in one step. Every page
 * visited is checked with axe.
 */

/** A 1×1 PNG: what a phone's camera hands the file field, in miniature. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A small one-page PDF (objects, xref, trailer, %%EOF), as a scanner makes them. */
function pdf(text: string): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${`BT /F1 12 Tf 20 72 Td (${text}) Tj ET`.length} >>\nstream\nBT /F1 12 Tf 20 72 Td (${text}) Tj ET\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('documents at 360×740', () => {
  test.override('viewport', MOBILE);

  test('a parent sends the missing certificate from the dashboard, an agent validates it', async ({ page, browser }) => {
    await goto(page, '/echirolles/connexion');
    await signIn(page, 'martin-claire', 'demo-parent-2026');
    const missing = page.getByRole('region', { name: 'Documents à fournir' });
    expect(await missing.textContent()).toContain('Hugo');
    await follow(page, missing.getByRole('link', { name: 'Envoyer mes documents' }));
    expect(pathOf(page)).toBe('/echirolles/documents');

    const hugo = page.getByRole('region', { name: /Documents de Hugo/ });
    expect(await hugo.textContent()).toContain('À fournir');
    const hugosCertificate = await page.locator('#field-document option', { hasText: 'Hugo' }).first().getAttribute('value');
    await page.locator('#field-document').selectOption(hugosCertificate!);
    await page.locator('#field-fichiers').setInputFiles({ name: 'IMG_20261201_0915.png', mimeType: 'image/png', buffer: PHOTO });
    await follow(page, page.getByRole('button', { name: 'Envoyer' }));
    expect(pathOf(page)).toBe('/echirolles/documents');
    expect(await page.getByRole('status').textContent()).toContain('est envoyé');
    expect(await page.getByRole('region', { name: /Documents de Hugo/ }).textContent()).toContain('en cours de vérification');

    // The agent, on another device.
    const agentContext = await browser.newContext({ baseURL: new URL(page.url()).origin, viewport: MOBILE, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const agent = await agentContext.newPage();
    try {
      await goto(agent, '/echirolles/connexion');
      await signIn(agent, 'agent@echirolles.example.org', 'demo-agent-2026');
      await goto(agent, '/echirolles/admin/documents');
      await follow(agent, agent.getByRole('link', { name: /Hugo/ }).first());
      await agent.getByLabel(/^Fin de validité/).fill('2027-08-31');
      await follow(agent, agent.getByRole('button', { name: 'Valider le document' }));
      expect(await agent.getByRole('status').textContent()).toMatch(/valid/i);
    } finally {
      await agentContext.close();
    }

    await goto(page, '/echirolles/documents');
    expect(await page.getByRole('region', { name: /Documents de Hugo/ }).textContent()).toContain('Validé jusqu');
    await goto(page, '/echirolles/tableau-de-bord');
    expect(await page.getByRole('region', { name: 'Documents à fournir' }).count()).toBe(0);
  });

  test('a parent keeps a file in the porte-documents and transmits it to the service in one step', async ({ page }) => {
    await goto(page, '/villennes/connexion');
    await signIn(page, 'martin-claire', 'demo-parent-2026');
    await follow(page, page.getByRole('navigation').getByRole('link', { name: 'Porte-documents' }));
    await page.getByLabel(/^Nom du document/).fill('Facture EDF novembre');
    await page.getByLabel(/^Fichier/).setInputFiles({ name: 'edf.pdf', mimeType: 'application/pdf', buffer: pdf('Facture EDF, novembre 2026') });
    await follow(page, page.getByRole('button', { name: 'Enregistrer le document' }));
    expect(await page.getByRole('main').textContent()).toContain('Facture EDF novembre');

    await follow(page, page.getByRole('link', { name: /^Transmettre au service « Facture EDF novembre »/ }));
    await page.getByLabel(/^Pièce demandée/).selectOption({ value: 'justificatif-domicile' });
    await follow(page, page.getByRole('button', { name: 'Transmettre' }));
    expect(pathOf(page)).toBe('/villennes/documents');
    expect(await page.getByRole('status').textContent()).toContain('est transmis au service');
    expect(await page.getByRole('region', { name: 'Documents de la famille' }).textContent()).toContain('en cours de vérification');
    await goto(page, '/villennes/porte-documents');
    expect(await page.getByRole('main').textContent()).toContain('Facture EDF novembre');
    await checkPage(page);
  });
});
