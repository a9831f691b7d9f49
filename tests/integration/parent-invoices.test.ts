import PDFDocument from 'pdfkit';
import { PDFParse } from 'pdf-parse';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChild, demoAgent, freshFamily, type FreshFamily } from '../support/fresh-family.ts';
import { insertCreditNote, insertInvoice } from '../support/invoice-rows.ts';
import { buildTestApp, html, unique, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026: the October invoice (due Sunday 15 November) is late, November's is not.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const SLUG = 'echirolles';
const OCTOBER_DAYS = ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-08', '2026-10-09', '2026-10-12', '2026-10-13', '2026-10-15', '2026-10-16'];

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

interface Billed {
  family: FreshFamily;
  agent: request.Agent;
  childId: number;
  september: number;
  october: number;
  november: number;
  creditNote: number;
  numbers: { september: string; october: string; november: string; creditNote: string };
}

/**
 * A family with three months invoiced: September settled, October late (10 meals × 4,25 € =
 * 42,50 €, one of them credited back by an « avoir »), November due (2 × 4,25 € = 8,50 €).
 */
async function billedFamily(slug = SLUG): Promise<Billed> {
  const family = await freshFamily(t, slug, { prefix: 'Facture' });
  const childId = await addChild(t, family, 'Jade');
  const childName = `Jade ${family.name}`;
  const tag = unique('T').slice(2);
  const numbers = { september: `FAC-2026-S${tag}`, october: `FAC-2026-O${tag}`, november: `FAC-2026-N${tag}`, creditNote: `AV-2026-${tag}` };
  const september = await insertInvoice(t, family, {
    month: '2026-09',
    number: numbers.september,
    issuedAt: new Date('2026-10-01T08:00:00Z'),
    dueOn: '2026-10-15',
    settledAt: new Date('2026-10-10T10:00:00Z'),
    lines: [{ memberId: childId, childName, days: ['2026-09-03', '2026-09-04', '2026-09-07', '2026-09-08'], unitPriceCents: 425 }],
  });
  const october = await insertInvoice(t, family, {
    month: '2026-10',
    number: numbers.october,
    issuedAt: new Date('2026-11-02T08:00:00Z'),
    dueOn: '2026-11-15',
    lines: [{ memberId: childId, childName, days: OCTOBER_DAYS, unitPriceCents: 425 }],
  });
  const november = await insertInvoice(t, family, {
    month: '2026-11',
    number: numbers.november,
    issuedAt: new Date('2026-11-20T08:00:00Z'),
    dueOn: '2026-12-15',
    quotient: null,
    lines: [{ memberId: childId, childName, days: ['2026-11-02', '2026-11-03'], unitPriceCents: 425 }],
  });
  const creditNote = await insertCreditNote(t, family, october, {
    number: numbers.creditNote,
    month: '2026-10',
    issuedAt: new Date('2026-11-05T08:00:00Z'),
    reason: 'Sortie scolaire : repas non pris',
    lines: [{ memberId: childId, childName, days: ['2026-10-15'], unitPriceCents: 425 }],
  });
  return { family, agent: family.parents[0]!.agent, childId, september, october, november, creditNote, numbers };
}

/** Text as read: no-break spaces (in amounts) and line breaks as plain spaces. */
const words = (value: string) => value.replace(/[\s\u00a0\u202f]+/g, ' ');
const text = (page: string, selector = 'main') => words(html(page)(selector).text());
const rowsOf = (page: string) =>
  html(page)('table tbody tr')
    .toArray()
    .map((row) => words(html(page)(row).text()).trim());

/** Supertest buffers a binary body this way. */
const binary = (req: request.Test) =>
  req.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });

let billed: Billed;
beforeAll(async () => {
  billed = await billedFamily();
});

describe('GET /:commune/factures', () => {
  it('lists the invoices left to pay by default, the latest first, with their status in words, and the total due', async () => {
    const page = await billed.agent.get(`/${SLUG}/factures`).expect(200);
    const $ = html(page.text);
    const rows = rowsOf(page.text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(billed.numbers.november);
    expect(rows[0]).toContain('novembre 2026');
    expect(rows[0]).toContain('8,50 €');
    expect(rows[0]).toContain('mardi 15 décembre 2026');
    expect(rows[0]).toContain('À payer');
    expect(rows[1]).toContain(billed.numbers.october);
    expect(rows[1]).toContain('42,50 €');
    expect(rows[1]).toContain('En retard');
    expect($('table tbody tr').eq(1).find('.tag').attr('class')).toContain('tag--late');
    expect(text(page.text)).not.toContain(billed.numbers.september);
    // 42,50 € − 4,25 € credited + 8,50 €; the October part is late.
    expect(text(page.text, '.balance')).toBe('46,75 € à payer, dont 38,25 € en retard.');
    expect($('.tabs a[aria-current="page"]').text()).toBe('À payer');
    expect($(`a[href="/${SLUG}/factures/${billed.october}"]`).text()).toBe(billed.numbers.october);
    expect($('.site-nav a[aria-current="page"]').text()).toBe('Factures');
  });

  it('lists the settled invoices and the credit notes with ?statut=soldees', async () => {
    const page = await billed.agent.get(`/${SLUG}/factures?statut=soldees`).expect(200);
    const rows = rowsOf(page.text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(billed.numbers.creditNote);
    expect(rows[0]).toContain('(avoir)');
    expect(rows[0]).toContain('-4,25 €');
    expect(rows[0]).toContain('Soldé');
    expect(rows[1]).toContain(billed.numbers.september);
    expect(rows[1]).toContain('Soldée');
    expect(html(page.text)('.tabs a[aria-current="page"]').text()).toBe('Soldées');
  });

  it('shows the default list for an unknown status', async () => {
    const page = await billed.agent.get(`/${SLUG}/factures?statut=toutes`).expect(200);
    expect(rowsOf(page.text)).toHaveLength(2);
    expect(html(page.text)('.tabs a[aria-current="page"]').text()).toBe('À payer');
  });

  it('says when nothing is left to pay', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Ajour' });
    const page = await family.parents[0]!.agent.get(`/${SLUG}/factures`).expect(200);
    expect(text(page.text)).toContain("Vous n'avez aucune facture à payer.");
    expect(text(page.text)).toContain('Aucune facture à payer : vous êtes à jour.');
    expect(html(page.text)('table')).toHaveLength(0);
  });

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const response = await request(t.app).get(`/${SLUG}/factures`).expect(303);
    expect(response.headers.location).toBe(`/${SLUG}/connexion?retour=${encodeURIComponent(`/${SLUG}/factures`)}`);
  });
});

describe('GET /:commune/factures/:id', () => {
  it('shows the lines, each with its days by month in a <details>, the totals, the status and the PDF link', async () => {
    const page = await billed.agent.get(`/${SLUG}/factures/${billed.october}`).expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe(`Facture ${billed.numbers.october}`);
    expect(text(page.text, '.invoice-status')).toBe('État : En retard');
    expect($('.invoice-status .tag').attr('class')).toContain('tag--late');
    const main = text(page.text);
    expect(main).toContain('À payer avant le dimanche 15 novembre 2026');
    expect(main).toContain('Période octobre 2026');
    expect(main).toContain('Quotient familial 620 €');
    const line = $('table').first().find('tbody tr');
    expect(line).toHaveLength(1);
    expect(words(line.text())).toContain(`Jade ${billed.family.name}`);
    expect(words(line.text())).toContain('4,25 €');
    expect(words(line.text())).toContain('tranche 451 à 700 €');
    expect(words(line.find('details summary').text())).toContain('10 jours');
    expect(line.find('details li').toArray().map((item) => $(item).text())).toEqual(['1er, 2, 5, 6, 8, 9, 12, 13, 15, 16 octobre']);
    expect(text(page.text, '.invoice-totals')).toContain('Total 42,50 €');
    expect($(`a[href="/${SLUG}/factures/${billed.october}.pdf"]`).attr('download')).toBeDefined();
    // The credit note that corrects it, linked.
    expect($(`a[href="/${SLUG}/factures/${billed.creditNote}"]`).text()).toBe(billed.numbers.creditNote);
  });

  it('shows a credit note with the invoice it corrects and its reason', async () => {
    const page = await billed.agent.get(`/${SLUG}/factures/${billed.creditNote}`).expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe(`Avoir ${billed.numbers.creditNote}`);
    expect($(`a[href="/${SLUG}/factures/${billed.october}"]`).text()).toBe(billed.numbers.october);
    expect(text(page.text)).toContain('Motif Sortie scolaire : repas non pris');
    expect(text(page.text)).toContain("Montant de l'avoir -4,25 €");
    expect($('details li').text()).toBe('15 octobre');
  });

  it('gives the day a settled invoice was paid', async () => {
    const page = await billed.agent.get(`/${SLUG}/factures/${billed.september}`).expect(200);
    expect(text(page.text, '.invoice-status')).toBe('État : Soldée');
    expect(text(page.text)).toContain('Soldée le samedi 10 octobre 2026');
  });

  it('says the top price applied when the invoice had no quotient', async () => {
    const page = await billed.agent.get(`/${SLUG}/factures/${billed.november}`).expect(200);
    expect(text(page.text)).toContain('Quotient familial tarif maximum : quotient non fourni');
    expect(text(page.text, '.invoice-status')).toBe('État : À payer');
    expect(text(page.text)).toContain('À payer avant le mardi 15 décembre 2026');
  });
});

describe('GET /:commune/factures/:id.pdf', () => {
  it('downloads the invoice as a PDF named after its number, which reads back with its number, total and due date', async () => {
    const response = await binary(billed.agent.get(`/${SLUG}/factures/${billed.october}.pdf`)).expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="facture-${billed.numbers.october}.pdf"`);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const body = response.body as Buffer;
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pdf = (await new PDFParse({ data: body }).getText()).text.replace(/[\u00a0\u202f]/g, ' ');
    expect(pdf).toContain(`Facture n° ${billed.numbers.october}`);
    expect(pdf).toMatch(/Total à payer 42,50 €/);
    expect(pdf).toContain("Date d'échéance : dimanche 15 novembre 2026");
    expect(pdf).toContain('En retard : à payer avant le dimanche 15 novembre 2026');
    expect(pdf).toContain('Jours facturés : 1er, 2, 5, 6, 8, 9, 12, 13, 15, 16 octobre');
    expect(pdf).toContain(`Famille ${billed.family.name}`);
    expect(pdf).toContain("Ville d'Échirolles");
  });
});

describe("another family's invoice, another commune, ids that name no row", () => {
  it("answers 404 for another family's invoice and its PDF, in the same commune", async () => {
    const other = await freshFamily(t, SLUG, { prefix: 'Voisin' });
    const agent = other.parents[0]!.agent;
    await agent.get(`/${SLUG}/factures/${billed.october}`).expect(404);
    await agent.get(`/${SLUG}/factures/${billed.october}.pdf`).expect(404);
    await agent.get(`/${SLUG}/factures/${billed.creditNote}`).expect(404);
    expect(rowsOf((await agent.get(`/${SLUG}/factures?statut=soldees`).expect(200)).text)).toHaveLength(0);
  });

  it('answers 404 to a parent of another commune asking for the same id', async () => {
    const elsewhere = await freshFamily(t, 'villennes', { prefix: 'Ailleurs' });
    const agent = elsewhere.parents[0]!.agent;
    await agent.get(`/villennes/factures/${billed.october}`).expect(404);
    await agent.get(`/villennes/factures/${billed.october}.pdf`).expect(404);
  });

  it('answers 404 for ids that name no row, some built on the real one, on the page and the PDF', async () => {
    const id = billed.october;
    const bad = ['abc', '0', '01', '-1', '1e3', '99999999999', '3000000000', `0${id}`, `${id}e0`, `${id}.0`, `%20${id}`, `-${id}`];
    for (const path of [...bad.map((value) => `/${SLUG}/factures/${value}`), ...bad.map((value) => `/${SLUG}/factures/${value}.pdf`), `/${SLUG}/factures/${id}.txt`]) {
      const response = await billed.agent.get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });

  it('refuses staff: the pages are the family’s', async () => {
    const { agent } = await demoAgent(t, SLUG);
    await agent.get(`/${SLUG}/factures`).expect(403);
  });
});

/** A real PDF, as the CAF's site gives it. */
function attestationPdf(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4' });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.text('Attestation de quotient familial : 620 euros.');
    doc.end();
  });
}

describe('GET /:commune/compte', () => {
  it('shows the balance, the children, the cost per activity this school year and its invoices', async () => {
    const page = await billed.agent.get(`/${SLUG}/compte`).expect(200);
    const $ = html(page.text);
    expect(text(page.text, '.balance')).toBe('46,75 € à payer, dont 38,25 € en retard.');
    expect(text(page.text, 'section[aria-labelledby="balance-title"] dl')).toBe(' À payer 46,75 € Dont en retard 38,25 € ');
    expect(text(page.text, 'section[aria-labelledby="children-title"]')).toContain(`Jade ${billed.family.name}`);
    // No QF: the top price; no declaration link (Échirolles takes no declarations).
    expect(text(page.text, 'section[aria-labelledby="quotient-title"]')).toContain("Aucun quotient familial n'est valable aujourd'hui pour votre famille : le tarif maximum s'applique.");
    expect($(`a[href="/${SLUG}/quotient-familial"]`)).toHaveLength(0);
    // 4 + 10 − 1 + 2 days; 17,00 + 42,50 − 4,25 + 8,50 €.
    const costs = text(page.text, 'section[aria-labelledby="costs-title"]');
    expect(costs).toContain('2026-2027');
    const cost = html(page.text)('section[aria-labelledby="costs-title"] tbody tr');
    expect(cost).toHaveLength(1);
    expect(cost.find('td').toArray().map((cell) => words(html(page.text)(cell).find('span:not(.stacked-table__label)').first().text()))).toEqual([
      'Restauration scolaire',
      '15 jours',
      '63,75 €',
    ]);
    expect(costs).toContain("Total de l'année scolaire : 63,75 €");
    const invoices = html(page.text)('section[aria-labelledby="invoices-title"] tbody tr');
    expect(invoices).toHaveLength(4);
    expect(invoices.first().text()).toContain(billed.numbers.november);
    expect($('.site-nav a[aria-current="page"]').text()).toBe('Mon compte');
  });

  it('shows the quotient valid today, the one to come, the last declared income, and the link to declare where the commune takes declarations', async () => {
    const slug = 'lemesnilsaintdenis';
    const family = await freshFamily(t, slug, { prefix: 'Compte' });
    const parent = family.parents[0]!;
    const { user: staff } = await demoAgent(t, slug);
    await t.runtime.services.quotients.setByStaff(family.commune, staff, family.familyId, { value: 800, validFrom: '2026-01-01', validUntil: '2026-12-31' });
    const requestId = await t.runtime.services.quotients.declare(family.commune, parent.user, {
      value: '620',
      annualIncome: '24000',
      attestedFrom: '2026-01-01',
      file: { content: await attestationPdf(), originalName: 'attestation-caf.pdf' },
    });
    await t.runtime.services.requestQueue.decideRequests(family.commune, staff, [requestId], { accept: true });

    const page = await parent.agent.get(`/${slug}/compte`).expect(200);
    const quotient = text(page.text, 'section[aria-labelledby="quotient-title"]');
    expect(quotient).toContain('Quotient familial 800 € Validité du jeudi 1er janvier 2026 au jeudi 31 décembre 2026');
    // Accepted on 23 November: it prices from 1 December.
    expect(quotient).toContain('À venir : 620 €, du mardi 1er décembre 2026 au jeudi 31 décembre 2026');
    expect(quotient).toContain('Dernier revenu annuel déclaré : 24 000 €, avec un quotient familial de 620 € valable du mardi 1er décembre 2026 au jeudi 31 décembre 2026.');
    expect(html(page.text)(`section[aria-labelledby="quotient-title"] a[href="/${slug}/quotient-familial"]`).text()).toBe('Déclarer un nouveau quotient familial');
    expect(text(page.text, '.balance')).toBe("Vous n'avez aucune facture à payer.");
    expect(text(page.text, 'section[aria-labelledby="costs-title"]')).toContain("Rien n'a encore été facturé pour l'année scolaire 2026-2027.");
  });
});

describe('GET /:commune/tableau-de-bord', () => {
  it('shows the amount due with « Payer » leading to the invoices', async () => {
    const page = await billed.agent.get(`/${SLUG}/tableau-de-bord`).expect(200);
    const section = html(page.text)('section[aria-labelledby="balance-title"]');
    expect(words(section.text())).toContain('46,75 € à payer, dont 38,25 € en retard.');
    const pay = section.find(`a[href="/${SLUG}/factures"]`);
    expect(pay).toHaveLength(1);
    expect(pay.hasClass('button')).toBe(true);
    expect(words(pay.text())).toBe('Payer mes factures à payer');
    expect(words(pay.clone().children('.visually-hidden').remove().end().text())).toBe('Payer');
  });
});
