import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import type { User } from '../../src/data/user-repository.ts';
import { daysOfMonth } from '../../src/domain/invoicing.ts';
import { invoicingService, type InvoicingHooks } from '../../src/services/billing/invoicing-service.ts';
import { communeOf, demoAgent, userByEmail } from '../support/fresh-family.ts';
import { buildTestApp, csrfTokenFrom, DEMO, html, signIn, unique, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026. The months invoiced here are those of the school year 2025-2026, one
// per test, so no other suite's bookings fall in them (the demo data invoices autumn 2026).
const NOW = new Date('2026-11-23T09:00:00+01:00');
const SLUG = 'echirolles';
const SCHOOL_YEAR = { schoolYear: '2025-2026', startsOn: '2025-09-01', endsOn: '2026-07-03' };

let t: TestApp;
let commune: Commune;
let agent: { agent: request.Agent; user: User };
let admin: User;
beforeAll(async () => {
  t = buildTestApp(NOW);
  commune = await communeOf(t, SLUG);
  agent = await demoAgent(t, SLUG);
  admin = await userByEmail(t, commune, `admin@${SLUG}.example.org`);
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(NOW));

const db = () => t.runtime.db;
const repos = () => t.runtime.repositories;

async function activity(code: string) {
  const found = await repos().activities.findByCode(commune.id, code);
  if (!found) throw new Error(`no activity ${code}`);
  return found;
}

/** The open days of an activity in a month (the commune's calendar), the first `count` of them. */
async function openDays(code: string, month: string, count = Infinity): Promise<string[]> {
  const found = await activity(code);
  return daysOfMonth(month)
    .filter((day) => t.runtime.services.calendars.dayStatus(commune, found, day).open)
    .slice(0, count);
}

interface Child {
  id: number;
  firstName: string;
}

/** A family of the commune with children registered (validated) to activities for 2025-2026. */
async function family(children: { firstName: string; birthDate: string; activities: string[] }[], city: string | null = commune.name) {
  const name = unique('Facture');
  const familyId = await repos().families.insertFamily(commune.id, { reference: unique('F'), name, addressLine: '1 rue de la Paix', postcode: '38130', city });
  const made: Child[] = [];
  for (const child of children) {
    const id = await repos().families.insertMember(commune.id, familyId, {
      role: 'child',
      civility: null,
      lastName: name,
      birthName: null,
      firstName: child.firstName,
      birthDate: child.birthDate,
      email: null,
      phone: null,
      school: null,
      schoolLevel: null,
    });
    for (const code of child.activities) {
      const registrationId = await repos().registrations.insert(commune.id, {
        familyId,
        memberId: id,
        activityId: (await activity(code)).id,
        ...SCHOOL_YEAR,
        requestId: null,
        createdAt: NOW,
      });
      await repos().registrations.recordDecision(
        commune.id,
        registrationId,
        { status: 'validated', reference: `INS-TEST-${registrationId}`, decidedBy: agent.user.id, decidedAt: NOW, reason: null },
        db(),
      );
    }
    made.push({ id, firstName: child.firstName });
  }
  return { familyId, name, children: made };
}

async function book(familyId: number, child: Child, code: string, days: string[], status: 'booked' | 'cancelled' = 'booked', at = new Date('2025-08-20T10:00:00+02:00')) {
  const activityId = (await activity(code)).id;
  for (const day of days) {
    await repos().bookings.upsert(commune.id, { familyId, memberId: child.id, activityId, day, status, waitingPosition: null, by: null, at }, db());
  }
}

async function mark(familyId: number, child: Child, code: string, day: string, status: 'present' | 'absent') {
  await repos().attendance.upsert(commune.id, (await activity(code)).id, day, { memberId: child.id, familyId, status, by: agent.user.id, at: NOW }, db());
}

async function setQuotient(familyId: number, value: number, validFrom: string, validUntil: string | null = '2026-12-31') {
  await t.runtime.services.quotients.setByStaff(commune, agent.user, familyId, { value, validFrom, validUntil });
}

const counter = async (series = 'invoice', year = 2026) =>
  ((await db()('counters').where({ commune_id: commune.id, series, year }).first())?.value as number | undefined) ?? 0;

const sequenceOf = (number: string) => Number(number.slice(-6));

const invoicesOfMonth = (month: string) => db()('invoices').where({ commune_id: commune.id, kind: 'invoice', period_start: month }).orderBy('number');

/** Lines as the database gives them back, without their ids: comparable with the preview's. */
async function issuedLines(invoiceId: number) {
  const invoice = await repos().invoices.findForCommune(commune.id, invoiceId, '2026-11-23');
  return { total: invoice!.totalCents, quotient: invoice!.quotient, lines: invoice!.lines.map(({ id: _id, ...line }) => line) };
}

/** A posted form of the « Facturation » pages, its CSRF token and form key read from the page. */
async function postFrom(agentOf: request.Agent, page: string, action: string, fields: Record<string, string>) {
  const $ = html((await agentOf.get(page).expect(200)).text);
  const form = $(`form[method="post"][action="${action}"]`).first();
  const hidden = Object.fromEntries(form.find('input[type="hidden"]').map((_i, el) => [[$(el).attr('name')!, $(el).val() as string]]).get());
  return agentOf.post(action).type('form').send({ ...hidden, ...fields });
}

describe('the invoicing run of a month (January 2026)', () => {
  const MONTH = '2026-01-01';
  let families: Awaited<ReturnType<typeof family>>[];

  beforeAll(async () => {
    t.clock.set(NOW);
    // Two children (Léa the eldest), a QF of 620 €: restauration for both, mercredi for Hugo.
    const martin = await family([
      { firstName: 'Léa', birthDate: '2017-04-12', activities: ['restauration'] },
      { firstName: 'Hugo', birthDate: '2020-09-03', activities: ['restauration', 'mercredi'] },
    ]);
    await setQuotient(martin.familyId, 620, '2026-01-01');
    const [lea, hugo] = martin.children as [Child, Child];
    const meals = await openDays('restauration', MONTH, 6);
    await book(martin.familyId, lea, 'restauration', meals.slice(0, 5));
    await book(martin.familyId, hugo, 'restauration', meals.slice(0, 3));
    await mark(martin.familyId, hugo, 'restauration', meals[1]!, 'absent');
    await mark(martin.familyId, lea, 'restauration', meals[5]!, 'present');
    // Cancelled after the cutoff (the Thursday before at 11:00): still billed.
    await book(martin.familyId, hugo, 'restauration', [meals[4]!], 'cancelled', new Date(`${meals[4]}T08:00:00+01:00`));
    await book(martin.familyId, hugo, 'mercredi', await openDays('mercredi', MONTH, 3));
    // One child, no QF: the top price.
    const bernard = await family([{ firstName: 'Nina', birthDate: '2018-01-30', activities: ['restauration'] }]);
    await book(bernard.familyId, bernard.children[0]!, 'restauration', await openDays('restauration', MONTH, 4));
    families = [martin, bernard];
  });

  it('previews per family its lines and total, and the totals per activity', async () => {
    const preview = await t.runtime.services.invoicing.preview(commune, MONTH);
    const [martin, bernard] = families.map((f) => preview.families.find((p) => p.familyId === f.familyId)!);
    expect(martin!.quotient).toBe(620);
    // Léa: 5 booked + 1 unbooked (2,20 € + 50 % = 3,30 €); Hugo: 2 booked + 1 late-cancelled, 1 no-show, 3 Wednesdays at 7,00 € less 10 %.
    expect(martin!.lines.map((line) => [line.childName.split(' ')[0], line.charge, line.quantity, line.unitPriceCents, line.amountCents])).toEqual([
      ['Léa', 'booked', 5, 220, 1100],
      ['Léa', 'unbooked', 1, 330, 330],
      ['Hugo', 'booked', 3, 220, 660],
      ['Hugo', 'no_show', 1, 220, 220],
      ['Hugo', 'booked', 3, 700, 1890],
    ]);
    expect(martin!.totalCents).toBe(4200);
    expect(bernard!.lines.map((line) => [line.quantity, line.unitPriceCents, line.rule])).toEqual([[4, 560, { kind: 'no_qf', basis: 'top_bracket' }]]);
    expect(preview.totals.reduce((sum, total) => sum + total.amountCents, 0)).toBe(preview.totalCents);
  });

  it('shows the preview to staff, then issues through the form exactly what it previewed, with gap-free numbers', async () => {
    const preview = await t.runtime.services.invoicing.preview(commune, MONTH);
    const page = html((await agent.agent.get(`/${SLUG}/admin/facturation?mois=2026-01`).expect(200)).text);
    expect(page('h1').text()).toBe('Facturation – janvier 2026');
    expect(page('#preview-title').text()).toContain(`${preview.families.length} famille`);
    expect(page(`#family-${families[0]!.familyId}`).text()).toContain('42,00');
    const before = await counter();

    const response = await postFrom(agent.agent, `/${SLUG}/admin/facturation?mois=2026-01`, `/${SLUG}/admin/facturation`, { mois: '2026-01' });
    expect(response.status).toBe(303);
    const after = html((await agent.agent.get(response.headers.location!).expect(200)).text);
    expect(after('.notice').text()).toMatch(new RegExp(`${preview.families.length} factures émises pour janvier 2026`));

    const issued = await invoicesOfMonth(MONTH);
    expect(issued).toHaveLength(preview.families.length);
    expect(issued.map((row) => sequenceOf(row.number))).toEqual(preview.families.map((_f, index) => before + 1 + index));
    expect(await counter()).toBe(before + preview.families.length);
    for (const previewed of preview.families) {
      const row = issued.find((invoice) => invoice.family_id === previewed.familyId)!;
      expect(await issuedLines(row.id)).toEqual({ total: previewed.totalCents, quotient: previewed.quotient, lines: previewed.lines });
      expect(row).toMatchObject({ period_end: '2026-01-31', due_on: '2026-12-23', issued_by: agent.user.id });
    }
    // The invoices are listed on the month's page, with a link to each.
    const list = html((await agent.agent.get(`/${SLUG}/admin/facturation?mois=2026-01`).expect(200)).text);
    expect(list(`a[href="/${SLUG}/admin/facturation/factures/${issued[0]!.id}"]`).text()).toBe(issued[0]!.number);
  });

  it('issues nothing on a re-run, and says so', async () => {
    const before = await invoicesOfMonth(MONTH);
    const outcome = await t.runtime.services.invoicing.issue(commune, admin, MONTH);
    expect(outcome).toMatchObject({ issued: 0, firstNumber: null });
    expect(outcome.alreadyInvoiced).toBeGreaterThanOrEqual(families.length);
    expect(await invoicesOfMonth(MONTH)).toEqual(before);
    // The page offers no « Émettre » any more; a form posted from an older page says so.
    expect(html((await agent.agent.get(`/${SLUG}/admin/facturation?mois=2026-01`)).text)('form[method="post"][action$="/admin/facturation"]')).toHaveLength(0);
    const _csrf = await csrfTokenFrom(agent.agent, `/${SLUG}/admin/facturation?mois=2026-01`);
    // That older page's form carried its one-time key, as every invoicing form does.
    const response = await agent.agent.post(`/${SLUG}/admin/facturation`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), mois: '2026-01' }).expect(303);
    const page = html((await agent.agent.get(response.headers.location!).expect(200)).text);
    expect(page('.notice').text()).toContain('Déjà facturé : rien de nouveau pour janvier 2026.');
    expect((await t.runtime.services.invoicing.preview(commune, MONTH)).families.filter((f) => families.some((mine) => mine.familyId === f.familyId))).toEqual([]);
  });

  it('shows staff an invoice with its lines and their days', async () => {
    const [row] = await db()('invoices').where({ commune_id: commune.id, family_id: families[0]!.familyId, kind: 'invoice' });
    const page = html((await agent.agent.get(`/${SLUG}/admin/facturation/factures/${row.id}`).expect(200)).text);
    expect(page('h1').text()).toBe(`Facture n° ${row.number}`);
    expect(page('#lines-caption').closest('table').find('tbody tr')).toHaveLength(5);
    expect(page('details').first().find('li')).toHaveLength(5);
    expect(page('tfoot').text()).toContain('42,00');
  });

  it('corrects an invoice by a credit note that references it; the invoice keeps its number, lines and total', async () => {
    const [row] = await db()('invoices').where({ commune_id: commune.id, family_id: families[1]!.familyId, kind: 'invoice' });
    const before = await issuedLines(row.id);
    const invoicePage = `/${SLUG}/admin/facturation/factures/${row.id}`;

    const refused = await postFrom(agent.agent, invoicePage, `${invoicePage}/avoir`, { motif: '  ' });
    expect(refused.status).toBe(400);
    expect(html(refused.text)('#error-motif').text()).toContain('Indiquez le motif de l’avoir');
    expect(await db()('invoices').where({ credit_for_invoice_id: row.id })).toEqual([]);

    const response = await postFrom(agent.agent, invoicePage, `${invoicePage}/avoir`, { motif: 'Repas comptés en double' });
    expect(response.status).toBe(303);
    const [note] = await db()('invoices').where({ commune_id: commune.id, credit_for_invoice_id: row.id });
    expect(note).toMatchObject({ kind: 'credit_note', family_id: row.family_id, total_cents: -row.total_cents, reason: 'Repas comptés en double' });
    expect(note.number).toMatch(/^AV-2026-\d{6}$/);
    const noteLines = await db()('invoice_lines').where({ invoice_id: note.id }).orderBy('position');
    const invoiceLines = await db()('invoice_lines').where({ invoice_id: row.id }).orderBy('position');
    expect(noteLines.map((line) => [line.credit_for_line_id, line.amount_cents])).toEqual(invoiceLines.map((line) => [line.id, -line.amount_cents]));
    // Unchanged but for its settlement: nothing is left to pay on it.
    expect(await issuedLines(row.id)).toEqual(before);
    const after = await db()('invoices').where({ id: row.id }).first();
    expect({ ...after, settled_at: null }).toEqual({ ...row, settled_at: null });
    expect(after.settled_at).not.toBeNull();
    expect(await repos().invoices.balance(commune.id, row.family_id, '2026-11-23')).toEqual({ dueCents: 0, overdueCents: 0 });
    const audit = await db()('audit_log').where({ commune_id: commune.id, action: 'credit_note_issued', entity_id: note.id }).first();
    expect(audit).toMatchObject({ staff_id: agent.user.id, family_id: row.family_id });

    const page = html((await agent.agent.get(response.headers.location!).expect(200)).text);
    expect(page('.notice').text()).toContain(`Avoir n° ${note.number} émis pour la facture n° ${row.number}`);
    expect(page('#credit-notes-title').text()).toContain('(1)');
    // Fully credited: no second credit note.
    expect(page(`form[action$="/avoir"]`)).toHaveLength(0);
    await expect(t.runtime.services.invoicing.creditNote(commune, agent.user, row.id, { reason: 'encore', lineIds: 'all' })).rejects.toThrow(/invoice_fully_credited/);
  });

  it('credits one line only: the invoice stays due, less the credit', async () => {
    const [row] = await db()('invoices').where({ commune_id: commune.id, family_id: families[0]!.familyId, kind: 'invoice' });
    const [firstLine] = await db()('invoice_lines').where({ invoice_id: row.id }).orderBy('position');
    const outcome = await t.runtime.services.invoicing.creditNote(commune, agent.user, row.id, { reason: 'Sortie scolaire', lineIds: [firstLine.id] });
    expect(outcome.totalCents).toBe(-firstLine.amount_cents);
    expect((await db()('invoices').where({ id: row.id }).first()).settled_at).toBeNull();
    expect((await repos().invoices.balance(commune.id, row.family_id, '2026-11-23')).dueCents).toBe(row.total_cents - firstLine.amount_cents);
    await expect(
      t.runtime.services.invoicing.creditNote(commune, agent.user, row.id, { reason: 'encore', lineIds: [firstLine.id] }),
    ).rejects.toThrow(/credit_note_line_unavailable/);
  });

  it('refuses, in the database, to change a line or an issued invoice', async () => {
    const [row] = await db()('invoices').where({ commune_id: commune.id, family_id: families[0]!.familyId, kind: 'invoice' });
    await expect(db()('invoice_lines').where({ invoice_id: row.id }).update({ amount_cents: 0, gross_cents: 0, reduction_cents: 0 })).rejects.toThrow(
      /cannot be changed/,
    );
    await expect(db()('invoices').where({ id: row.id }).update({ total_cents: 1 })).rejects.toThrow(/cannot be changed/);
    expect(await issuedLines(row.id)).toMatchObject({ total: row.total_cents });
  });

  it('answers 404 to the staff of another commune, and refuses parents', async () => {
    const [row] = await db()('invoices').where({ commune_id: commune.id, family_id: families[0]!.familyId, kind: 'invoice' });
    const villennes = await demoAgent(t, 'villennes');
    await villennes.agent.get(`/villennes/admin/facturation/factures/${row.id}`).expect(404);
    const villennesAgent = villennes.user;
    await expect(t.runtime.services.invoicing.invoiceForStaff(await communeOf(t, 'villennes'), row.id)).rejects.toThrow(/not in commune/);
    await expect(
      t.runtime.services.invoicing.creditNote(await communeOf(t, 'villennes'), villennesAgent, row.id, { reason: 'x', lineIds: 'all' }),
    ).rejects.toThrow(/not in commune/);
    const parent = request.agent(t.app);
    await signIn(parent, SLUG, `parent@${SLUG}.example.org`, DEMO.parentPassword, 303);
    await parent.get(`/${SLUG}/admin/facturation`).expect(403);
    await parent.get(`/${SLUG}/admin/facturation/factures/${row.id}`).expect(403);
  });
});

describe('two runs of the same month started at once (February 2026)', () => {
  it('issue one set of invoices with consecutive numbers; the other run issues nothing and says so', async () => {
    const MONTH = '2026-02-01';
    const mine = [];
    for (const firstName of ['Alix', 'Basile', 'Côme']) {
      const f = await family([{ firstName, birthDate: '2018-05-05', activities: ['restauration'] }]);
      await book(f.familyId, f.children[0]!, 'restauration', await openDays('restauration', MONTH, 3));
      mine.push(f);
    }
    const before = await counter();
    const outcomes = await Promise.all([
      t.runtime.services.invoicing.issue(commune, agent.user, MONTH),
      t.runtime.services.invoicing.issue(commune, admin, MONTH),
    ]);
    const issued = outcomes.map((outcome) => outcome.issued).sort();
    expect(issued).toEqual([0, mine.length]);
    const rows = await invoicesOfMonth(MONTH);
    expect(rows).toHaveLength(mine.length);
    expect(rows.map((row) => sequenceOf(row.number))).toEqual(mine.map((_f, index) => before + 1 + index));
    expect(await counter()).toBe(before + mine.length);
    const runs = await db()('invoicing_runs').where({ commune_id: commune.id, month: MONTH }).orderBy('id');
    expect(runs.map((run) => [run.status, run.invoices_issued]).sort()).toEqual([
      ['issued', 0],
      ['issued', mine.length],
    ]);
  });
});

describe('a failure in the middle of a run (March 2026)', () => {
  it('issues nothing, leaves the counter where it was, shows the progress made meanwhile and marks the run failed', async () => {
    const MONTH = '2026-03-01';
    for (const firstName of ['Dan', 'Eve', 'Fanny', 'Gus']) {
      const f = await family([{ firstName, birthDate: '2018-05-05', activities: ['restauration'] }]);
      await book(f.familyId, f.children[0]!, 'restauration', await openDays('restauration', MONTH, 2));
    }
    const before = await counter();
    const seen: { done: number; status: string }[] = [];
    const hooks: InvoicingHooks = {
      async afterFamily(done, total) {
        // Read through another connection, as the page does, while the run's transaction is open.
        const run = await db()('invoicing_runs').where({ commune_id: commune.id, month: MONTH }).orderBy('id', 'desc').first();
        seen.push({ done: run.families_done, status: run.status });
        if (done === total / 2) throw new Error('injected failure after half the families');
      },
    };
    const failing = invoicingService(t.runtime.repositories, t.clock, t.runtime.services.calendars, t.runtime.services.quotients, hooks);
    await expect(failing.issue(commune, agent.user, MONTH)).rejects.toThrow(/injected failure/);
    expect(seen).toEqual([
      { done: 1, status: 'running' },
      { done: 2, status: 'running' },
    ]);
    expect(await invoicesOfMonth(MONTH)).toEqual([]);
    expect(await counter()).toBe(before);
    expect(await db()('invoicing_runs').where({ commune_id: commune.id, month: MONTH }).first()).toMatchObject({ status: 'failed', invoices_issued: 0 });

    // Run again: the numbers continue where they stood, without a gap.
    const outcome = await t.runtime.services.invoicing.issue(commune, agent.user, MONTH);
    expect(outcome.issued).toBe(4);
    expect((await invoicesOfMonth(MONTH)).map((row) => sequenceOf(row.number))).toEqual([before + 1, before + 2, before + 3, before + 4]);
  });
});

describe('a quotient familial accepted during a month (April and May 2026)', () => {
  it('prices from the next month on; the month it was accepted in keeps the value of its first day', async () => {
    const f = await family([{ firstName: 'Iris', birthDate: '2018-05-05', activities: ['restauration'] }]);
    await setQuotient(f.familyId, 400, '2026-01-01');
    await book(f.familyId, f.children[0]!, 'restauration', await openDays('restauration', '2026-04-01', 3));
    await book(f.familyId, f.children[0]!, 'restauration', await openDays('restauration', '2026-05-01', 3));
    // Accepted on 15 April: as an accepted declaration does, it is valid from the next month.
    t.clock.set(new Date('2026-04-15T10:00:00+02:00'));
    await setQuotient(f.familyId, 1200, '2026-05-01');

    t.clock.set(new Date('2026-06-02T10:00:00+02:00'));
    await t.runtime.services.invoicing.issue(commune, agent.user, '2026-04-01');
    await t.runtime.services.invoicing.issue(commune, agent.user, '2026-05-01');
    const [april, may] = await Promise.all(
      ['2026-04-01', '2026-05-01'].map(async (month) => {
        const row = await db()('invoices').where({ commune_id: commune.id, family_id: f.familyId, period_start: month }).first();
        return issuedLines(row.id);
      }),
    );
    expect(april).toMatchObject({ quotient: 400, total: 300, lines: [{ unitPriceCents: 100, rule: { kind: 'bracket', from: 0, upTo: 450 } }] });
    expect(may).toMatchObject({ quotient: 1200, total: 1350, lines: [{ unitPriceCents: 450, rule: { kind: 'bracket', from: 1001, upTo: 1400 } }] });
  });
});

describe('a month not over yet', () => {
  it('is previewed but not issued: 409 with the reason next to the month', async () => {
    const page = html((await agent.agent.get(`/${SLUG}/admin/facturation?mois=2026-11`).expect(200)).text);
    expect(page('form[method="post"][action$="/admin/facturation"]')).toHaveLength(0);
    expect(page('main').text()).toContain("Ce mois n'est pas terminé");
    const before = await invoicesOfMonth('2026-11-01');
    const _csrf = await csrfTokenFrom(agent.agent, `/${SLUG}/admin/facturation`);
    const response = await agent.agent.post(`/${SLUG}/admin/facturation`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), mois: '2026-11' });
    expect(response.status).toBe(409);
    expect(html(response.text)('.error-summary, [role="alert"]').text()).toContain('Ce mois n’est pas terminé');
    expect(await invoicesOfMonth('2026-11-01')).toEqual(before);
  });

  it('refuses the form without its CSRF token', async () => {
    await agent.agent.post(`/${SLUG}/admin/facturation`).type('form').send({ mois: '2026-01' }).expect(403);
  });
});

describe('the preview of a large month (June 2026)', () => {
  it('reads in the same number of queries for one family as for six', async () => {
    const MONTH = '2026-06-01';
    const countQueries = async () => {
      let count = 0;
      const listener = () => {
        count += 1;
      };
      db().on('query', listener);
      try {
        await t.runtime.services.invoicing.preview(commune, MONTH);
      } finally {
        db().off('query', listener);
      }
      return count;
    };
    const addFamily = async () => {
      const f = await family([
        { firstName: 'Jules', birthDate: '2017-02-02', activities: ['restauration'] },
        { firstName: 'Lou', birthDate: '2019-03-03', activities: ['restauration', 'mercredi'] },
      ]);
      await book(f.familyId, f.children[0]!, 'restauration', await openDays('restauration', MONTH, 4));
      await book(f.familyId, f.children[1]!, 'mercredi', await openDays('mercredi', MONTH, 2));
      await setQuotient(f.familyId, 800, '2026-01-01');
    };
    await addFamily();
    const withOne = await countQueries();
    for (let i = 0; i < 5; i += 1) await addFamily();
    expect((await t.runtime.services.invoicing.preview(commune, MONTH)).families.length).toBeGreaterThanOrEqual(6);
    expect(await countQueries()).toBe(withOne);
    expect(withOne).toBeLessThanOrEqual(10);
  });
});
