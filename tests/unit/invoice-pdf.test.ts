import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/integrations/pdf/invoice-pdf.ts';
import { communeFromFile, invoiceFixture, invoiceLine } from '../support/invoice-fixtures.ts';

const address = { addressLine: '12 rue des Lilas', postcode: '38130', city: 'Échirolles' };

async function readBack(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const result = await new PDFParse({ data: pdf }).getText();
  // Amounts carry no-break spaces (« 42,50 € »): read them as plain spaces.
  return { text: result.text.replace(/[\u00a0\u202f]/g, ' '), pages: result.total };
}

describe('the invoice PDF', () => {
  it('is a PDF that reads back with the number, the family, the period, the dates, a line and its days, the total and the status', async () => {
    const pdf = await renderInvoicePdf({ invoice: invoiceFixture(), commune: communeFromFile('echirolles'), address });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text, pages } = await readBack(pdf);
    expect(pages).toBe(1);
    expect(text).toContain('Facture n° FAC-2026-000123');
    // The commune's identity and the family's address.
    expect(text).toContain("Ville d'Échirolles");
    expect(text).toContain('Hôtel de ville, 1 place des Cinq Fontaines, 38130 Échirolles');
    expect(text).toContain('04 76 20 63 40');
    expect(text).toContain('Famille Martin');
    expect(text).toContain('12 rue des Lilas');
    expect(text).toContain('Dossier n° F-0001');
    expect(text).toContain('Période : novembre 2026');
    expect(text).toContain("Date d'émission : mardi 1er décembre 2026");
    expect(text).toContain("Date d'échéance : mardi 15 décembre 2026");
    expect(text).toContain('Quotient familial : 620 €');
    expect(text).toMatch(/Léa Martin Restauration scolaire 4,25 € 10 – 42,50 €/);
    expect(text).toContain('Tranche 451 à 700 €');
    expect(text).toContain('Jours facturés : 2, 3, 5, 6, 9, 10, 12, 13, 16, 17 novembre');
    expect(text).toMatch(/Total à payer 42,50 €/);
    expect(text).toContain('À payer avant le mardi 15 décembre 2026');
    expect(text).toContain("auprès de l'Accueil Éducation");
    expect(text).toContain("Facture émise par la régie de la ville d'Échirolles");
  });

  it('says the top price applied without a quotient, and the day a settled invoice was paid', async () => {
    const invoice = invoiceFixture({ quotient: null, status: 'settled', settledAt: new Date('2026-12-04T10:00:00Z') });
    const { text } = await readBack(await renderInvoicePdf({ invoice, commune: communeFromFile('villennes'), address }));
    expect(text).toContain('Quotient familial : tarif maximum : quotient non fourni');
    expect(text).toContain('Soldée le vendredi 4 décembre 2026');
    expect(text).not.toContain('À payer avant');
    expect(text).toContain('auprès du Service Relations à la Population');
  });

  it('writes a credit note as an « Avoir » referring to the invoice it corrects, with its reason and no due date', async () => {
    const line = invoiceLine({ unitPriceCents: 425, quantity: 2, grossCents: -850, days: ['2026-11-03', '2026-11-04'] });
    const invoice = invoiceFixture({
      kind: 'credit_note',
      number: 'AV-2026-000004',
      creditFor: { id: 7, number: 'FAC-2026-000123' },
      reason: 'Sortie scolaire : repas non pris',
      status: 'settled',
      settledAt: null,
      lines: [line],
    });
    const { text } = await readBack(await renderInvoicePdf({ invoice, commune: communeFromFile('echirolles'), address }));
    expect(text).toContain('Avoir n° AV-2026-000004');
    expect(text).toContain('Corrige la facture : FAC-2026-000123');
    expect(text).toContain('Motif : Sortie scolaire : repas non pris');
    expect(text).toMatch(/Montant de l'avoir -8,50 €/);
    expect(text).not.toContain("Date d'échéance");
    expect(text).toContain('Avoir émis par la régie');
  });

  it('runs a long invoice onto further pages, repeating the table header, with the total on the last page', async () => {
    const lines = Array.from({ length: 40 }, (_, index) =>
      invoiceLine({ id: index + 1, childName: index % 2 ? 'Léa Martin' : 'Hugo Martin', activityName: `Atelier ${index + 1}`, siblingReductionPercent: 10, reductionCents: 170 }),
    );
    const invoice = invoiceFixture({ lines });
    const { text, pages } = await readBack(await renderInvoicePdf({ invoice, commune: communeFromFile('lemesnilsaintdenis'), address }));
    expect(pages).toBeGreaterThan(1);
    expect(text).toContain('Facture n° FAC-2026-000123 (suite)');
    expect(text.match(/Enfant Activité Prix unitaire Quantité Réduction Montant/g)).toHaveLength(pages);
    for (let index = 1; index <= 40; index += 1) expect(text).toContain(`Atelier ${index} `);
    expect(text).toContain(`page ${pages} sur ${pages}`);
    // 40 × (4 × 4,25 € − 1,70 €) = 612,00 €, after the last line.
    const lastPage = text.split(/-- \d+ of \d+ --/).at(-2)!;
    expect(lastPage).toMatch(/Montant brut 680,00 €\s+Réductions -68,00 €\s+Total à payer 612,00 €/);
    expect(text.indexOf('Atelier 40 ')).toBeLessThan(text.indexOf('Total à payer'));
  });
});
