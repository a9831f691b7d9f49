import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, DEMO, html, signIn, type TestApp } from '../support/test-app.ts';

// The clock stands on Monday 23 November 2026: the months offered run from December 2026.
const SIMULATOR = '/echirolles/simulateur';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Spaces as a reader hears them: Intl puts no-break spaces in amounts. */
const words = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The query of the form as a browser sends it (repeated checkboxes included). */
function query(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
  }
  return `?${params.toString()}`;
}

/** The estimate table: each row's header and cells, and the total. */
function estimateOf(text: string) {
  const $ = html(text);
  const table = $('table').filter((_, element) => $(element).find('caption').text().includes('Estimation mensuelle')).first();
  return {
    caption: words(table.find('caption').text()),
    columns: table.find('thead th[scope="col"]').map((_, cell) => words($(cell).text())).get(),
    rows: table
      .find('tbody tr')
      .map((_, row) => [[words($(row).find('th[scope="row"]').text()), ...$(row).find('td').map((__, cell) => words($(cell).text())).get()]])
      .get() as string[][],
    total: words(table.find('tfoot td').text()),
    totalHeader: words(table.find('tfoot th[scope="row"]').text()),
  };
}

/** The unit prices table: activity → [price, rule]. */
function pricesOf(text: string): Record<string, [string, string]> {
  const $ = html(text);
  const table = $('table').filter((_, element) => $(element).find('caption').text().includes("Prix à l'unité")).first();
  return Object.fromEntries(
    table
      .find('tbody tr')
      .map((_, row) => [[words($(row).find('th').text()), $(row).find('td').map((__, cell) => words($(cell).text())).get()]])
      .get() as [string, [string, string]][],
  );
}

const canteenMondaysAndThursdays = { restauration: ['lundi', 'jeudi'] };
const weekFields = (week: Record<string, string[]>) => Object.fromEntries(Object.entries(week).map(([code, days]) => [`jours_${code}`, days]));

describe('GET /:commune/simulateur, signed out', () => {
  it('is linked from the commune home and shows the form, with the months to come', async () => {
    const home = html((await request(t.app).get('/echirolles/').expect(200)).text);
    expect(home(`a[href="${SIMULATOR}"]`).length).toBe(1);

    const page = await request(t.app).get(SIMULATOR).expect(200);
    const $ = html(page.text);
    expect(words($('h1').text())).toBe('Simulateur de tarifs');
    expect($('form#simulation').attr('method')).toBe('get');
    expect($('#field-quotient').length).toBe(1);
    expect($('#field-inconnu').attr('type')).toBe('checkbox');
    expect($('#field-mois option').map((_, option) => $(option).attr('value')).get()).toEqual([
      '2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06', '2027-07',
    ]);
    expect($('#field-mois option[selected]').attr('value')).toBe('2026-12');
    expect($('#field-mois option').first().text()).toBe('Décembre 2026');
    expect($('input[name="jours_restauration"]').map((_, box) => $(box).attr('value')).get()).toEqual(['lundi', 'mardi', 'jeudi', 'vendredi']);
    expect($('input[name="jours_mercredi"]').map((_, box) => $(box).attr('value')).get()).toEqual(['mercredi']);
    expect($('table').length).toBe(0);
  });

  it('estimates a month line by line in a table a screen reader reads, naming the rule', async () => {
    const page = await request(t.app)
      .get(SIMULATOR + query({ quotient: '600', mois: '2027-01', ...weekFields({ restauration: ['lundi', 'jeudi'], mercredi: ['mercredi'] }) }))
      .expect(200);
    const estimate = estimateOf(page.text);
    expect(estimate.caption).toBe('Estimation mensuelle pour janvier 2027, activité par activité');
    expect(estimate.columns).toEqual(['Activité', 'Jours de la semaine', 'Quantité dans le mois', 'Prix unitaire', 'Montant']);
    // January 2027: Mondays 4, 11, 18, 25 and Thursdays 7, 14, 21, 28; Wednesdays 6, 13, 20, 27.
    expect(estimate.rows).toEqual([
      ['Restauration scolaire', 'Lundi et jeudi', '8 repas', '2,20 € Tranche 451 à 700 €', '17,60 €'],
      ['Mercredi – accueil de loisirs', 'Mercredi', '4 journées', '7,00 € Tranche 451 à 700 €', '28,00 €'],
    ]);
    expect(estimate.totalHeader).toBe('Total estimé pour janvier 2027');
    expect(estimate.total).toBe('45,60 €');
    expect(pricesOf(page.text)['Accueil périscolaire du soir']).toEqual(['1,40 € par soirée', 'Tranche 451 à 700 €']);
    // What was chosen stays in the form, for a new simulation.
    const $ = html(page.text);
    expect($('#field-quotient').val()).toBe('600');
    expect($('#field-jours_restauration-jeudi').is('[checked]')).toBe(true);
    expect($('#field-jours_restauration-mardi').is('[checked]')).toBe(false);
    expect($('#field-mois option[selected]').attr('value')).toBe('2027-01');
  });

  it.each([
    ['450', '1,00 €', "Tranche jusqu'à 450 €"],
    ['451', '2,20 €', 'Tranche 451 à 700 €'],
    ['1400', '4,50 €', 'Tranche 1 001 à 1 400 €'],
    ['1 401', '5,60 €', 'Tranche au-delà de 1 400 €'],
  ])('prices a QF of %s € at %s (%s)', async (quotient, price, rule) => {
    const page = await request(t.app)
      .get(SIMULATOR + query({ quotient, mois: '2027-01', ...weekFields(canteenMondaysAndThursdays) }))
      .expect(200);
    expect(pricesOf(page.text)['Restauration scolaire']).toEqual([`${price} par repas`, rule]);
  });

  it('prices « je ne connais pas mon quotient » at the top price, whatever is typed', async () => {
    const page = await request(t.app)
      .get(SIMULATOR + query({ quotient: '', inconnu: 'oui', mois: '2027-01', ...weekFields(canteenMondaysAndThursdays) }))
      .expect(200);
    expect(estimateOf(page.text).rows[0]).toEqual(['Restauration scolaire', 'Lundi et jeudi', '8 repas', '5,60 € Tarif maximum : quotient non connu', '44,80 €']);
    expect(words(html(page.text)('#result-title').text())).toBe('Votre estimation pour janvier 2027');
  });

  it('makes a month with holidays cheaper than one without, and says which days are not counted', async () => {
    const estimate = async (mois: string) =>
      estimateOf((await request(t.app).get(SIMULATOR + query({ quotient: '600', mois, ...weekFields(canteenMondaysAndThursdays) })).expect(200)).text);
    const december = await estimate('2026-12');
    const january = await estimate('2027-01');
    // December 2026: the Christmas holidays start on Saturday 19; Mondays 7, 14 and Thursdays 3, 10, 17 remain.
    expect(december.rows[0]).toEqual([
      'Restauration scolaire',
      'Lundi et jeudi',
      "5 repas Pas d'accueil : Vacances de Noël (4 jours)",
      '2,20 € Tranche 451 à 700 €',
      '11,00 €',
    ]);
    expect(december.total).toBe('11,00 €');
    expect(january.total).toBe('17,60 €');
  });

  it('names the taux d’effort where the commune prices by it (Le Mesnil-Saint-Denis)', async () => {
    const page = await request(t.app)
      .get(`/lemesnilsaintdenis/simulateur${query({ quotient: '1000', mois: '2027-01', ...weekFields(canteenMondaysAndThursdays) })}`)
      .expect(200);
    expect(pricesOf(page.text)['Restauration scolaire']).toEqual(['4,80 € par repas', "Taux d'effort 0,65 % du quotient, plafonné à 4,80 €"]);
  });

  describe('with bad input', () => {
    it.each([
      ['a QF that is not a number', { quotient: 'environ 700' }, [['quotient', "Le quotient familial doit être un nombre d'euros, par exemple 712"]]],
      ['a negative QF', { quotient: '-12' }, [['quotient', 'Le quotient familial ne peut pas être négatif']]],
      ['no QF and no « je ne connais pas »', { quotient: ' ' }, [['quotient', 'Saisissez votre quotient familial en euros, ou cochez « Je ne connais pas mon quotient »']]],
      ['a month not offered', { quotient: '600', mois: '2026-11' }, [['mois', 'Choisissez le mois à estimer']]],
    ])('refuses %s with 400, the error summary and the field’s message, the form filled in again', async (_label, fields, expected) => {
      const page = await request(t.app)
        .get(SIMULATOR + query({ mois: '2027-01', ...weekFields(canteenMondaysAndThursdays), ...fields }))
        .expect(400);
      const $ = html(page.text);
      expect($('title').text()).toMatch(/^Erreur : Simulateur de tarifs/);
      expect($('.error-summary a').map((_, link) => [[$(link).attr('href'), words($(link).text())]]).get()).toEqual(
        expected.map(([field, message]) => [`#field-${field}`, message]),
      );
      for (const [field, message] of expected) expect(words($(`#error-${field}`).text())).toBe(`Erreur : ${message}`);
      expect($('#field-jours_restauration-lundi').is('[checked]')).toBe(true);
      expect($('table').length).toBe(0);
    });

    it('lists every problem at once: a bad QF and no day chosen', async () => {
      const page = await request(t.app).get(SIMULATOR + query({ quotient: 'abc', mois: '2027-01' })).expect(400);
      const $ = html(page.text);
      expect($('.error-summary a').map((_, link) => $(link).attr('href')).get()).toEqual(['#field-quotient', '#field-semaine']);
      expect(words($('#error-semaine').text())).toBe('Erreur : Choisissez au moins un jour pour une activité');
      expect($('#field-quotient').val()).toBe('abc');
      expect($('#field-quotient').attr('aria-invalid')).toBe('true');
    });
  });
});

describe('GET /:commune/simulateur, signed in', () => {
  it('is in the parent navigation and estimates the same', async () => {
    const claire = request.agent(t.app);
    await signIn(claire, 'echirolles', 'martin-claire', DEMO.parentPassword, 303);
    const page = await claire.get(SIMULATOR + query({ quotient: '451', mois: '2027-01', ...weekFields(canteenMondaysAndThursdays) })).expect(200);
    const $ = html(page.text);
    expect(words($('nav.site-nav a[aria-current="page"]').text())).toBe('Simulateur de tarifs');
    expect(estimateOf(page.text).total).toBe('17,60 €');
  });
});

describe('where the commune does not enable the simulator (Villennes)', () => {
  it('answers 404, and the home does not link to it', async () => {
    await request(t.app).get('/villennes/simulateur').expect(404);
    await request(t.app).get(`/villennes/simulateur${query({ quotient: '600', mois: '2027-01', jours_restauration: 'lundi' })}`).expect(404);
    const home = html((await request(t.app).get('/villennes/').expect(200)).text);
    expect(home('a[href="/villennes/simulateur"]').length).toBe(0);
  });
});
