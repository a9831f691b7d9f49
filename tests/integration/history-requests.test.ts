import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/data/user-repository.ts';
import { demoAgent, freshFamily, type FreshFamily } from '../support/fresh-family.ts';
import { buildTestApp, html, type TestApp } from '../support/test-app.ts';

const SLUG = 'lemesnilsaintdenis';
const HISTORY = `/${SLUG}/historique`;
const paris = (local: string) => new Date(`${local}+01:00`);

// Week of Monday 8 February 2027, viewed on Thursday 11 February.
const VIEWING = paris('2027-02-11T12:00');

let t: TestApp;
let family: FreshFamily;
let staff: User;
let anne: string;
let marc: string;

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Each row's cells in words, line breaks and list items read as spaces. */
function rowsOf(text: string) {
  const $ = html(text);
  $('main table tbody br').replaceWith(' ');
  $('main table tbody li').append(' ');
  return $('main table tbody tr')
    .map((_, row) => [
      $(row)
        .find('td')
        .map((__, cell) => squash($(cell).text()))
        .get(),
    ])
    .get() as string[][];
}

async function at<T>(instant: Date, action: () => Promise<T>): Promise<T> {
  t.clock.set(instant);
  return action();
}

async function newestRequestId(): Promise<number> {
  const [newest] = await t.runtime.services.familyEdits.listFamilyRequests(family.commune.id, family.familyId);
  return newest!.id;
}

beforeAll(async () => {
  t = buildTestApp(paris('2027-01-04T09:00'));
  family = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Chevalier' });
  staff = (await demoAgent(t, SLUG)).user;
  anne = `Anne ${family.name}`;
  marc = `Marc ${family.name}`;
  const [anneUser, marcUser] = family.parents.map((parent) => parent.user) as [User, User];
  const { familyEdits, requestQueue } = t.runtime.services;
  const decide = (id: number, decision: { accept: true } | { accept: false; reason: string }) =>
    requestQueue.decideRequests(family.commune, staff, [id], decision);

  // January: sent and refused in January — outside February's views.
  await at(paris('2027-01-12T10:00'), () => familyEdits.requestNewChild(family.commune, anneUser, { firstName: 'Tom', lastName: family.name, birthDate: '2019-05-04' }));
  await at(paris('2027-01-13T15:00'), async () => decide(await newestRequestId(), { accept: false, reason: 'Acte de naissance manquant' }));
  // Sent in January, accepted on Wednesday 10 February: news of this week.
  await at(paris('2027-01-26T10:00'), () => familyEdits.submitContactChanges(family.commune, anneUser, { city: 'Le Mesnil-Saint-Denis' }));
  const januaryChange = await newestRequestId();
  // Sent and refused early February: this month, not this week.
  await at(paris('2027-02-02T10:00'), () => familyEdits.requestNewChild(family.commune, anneUser, { firstName: 'Léna', lastName: family.name, birthDate: '2021-09-30' }));
  await at(paris('2027-02-03T11:00'), async () => decide(await newestRequestId(), { accept: false, reason: 'Merci de joindre le livret de famille' }));
  await at(paris('2027-02-10T16:00'), () => decide(januaryChange, { accept: true }));
  // Sent this week by the other guardian, still pending.
  await at(paris('2027-02-09T10:00'), () => familyEdits.submitContactChanges(family.commune, marcUser, { addressLine: '3 rue des Lilas' }));
  t.clock.set(VIEWING);
});
afterAll(() => t.close());

const get = (agent: request.Agent, query: string) => agent.get(`${HISTORY}${query}`).expect(200);

describe('GET /:commune/historique?vue=demarches', () => {
  const pendingThisWeek = () => [
    `le mardi 9 février 2027 à 10h00 par ${marc}`,
    `Modification des coordonnées : ${marc} Adresse : Non renseigné → 3 rue des Lilas`,
    'En attente',
  ];
  const acceptedThisWeek = () => [
    `le mardi 26 janvier 2027 à 10h00 par ${anne}`,
    `Modification des coordonnées : ${anne} Ville : Non renseigné → Le Mesnil-Saint-Denis`,
    'Acceptée le mercredi 10 février 2027',
  ];

  it('lists this week’s requests of the family, sent or decided, with their outcome, for both guardians', async () => {
    for (const parent of family.parents) {
      const page = await get(parent.agent, '?vue=demarches&periode=semaine');
      expect(rowsOf(page.text)).toEqual([pendingThisWeek(), acceptedThisWeek()]);
      const $ = html(page.text);
      expect($('main table caption').text()).toBe(
        'Cette semaine : démarches envoyées ou traitées du lundi 8 février 2027 au dimanche 14 février 2027, de la plus récente à la plus ancienne',
      );
    }
  });

  it('lists the whole month with « mois », refusals with their reason, and nothing of the month before', async () => {
    const page = await get(family.parents[0]!.agent, '?vue=demarches&periode=mois');
    expect(rowsOf(page.text)).toEqual([
      pendingThisWeek(),
      [
        `le mardi 2 février 2027 à 10h00 par ${anne}`,
        `Ajout d'un enfant : Léna ${family.name} Nom : ${family.name} Prénom : Léna Date de naissance : jeudi 30 septembre 2021`,
        'Refusée le mercredi 3 février 2027 Motif : Merci de joindre le livret de famille',
      ],
      acceptedThisWeek(),
    ]);
    expect(page.text).not.toContain('Tom');
    expect(html(page.text)('#periode-mois').is(':checked')).toBe(true);
  });

  it('shows an earlier month when that month is the current one', async () => {
    t.clock.set(paris('2027-01-31T12:00'));
    try {
      const rows = rowsOf((await get(family.parents[1]!.agent, '?vue=demarches&periode=mois')).text);
      expect(rows.map((row) => row[2])).toContain('Refusée le mercredi 13 janvier 2027 Motif : Acte de naissance manquant');
      expect(rows.map((row) => row[0])).toContain(`le mardi 12 janvier 2027 à 10h00 par ${anne}`);
    } finally {
      t.clock.set(VIEWING);
    }
  });

  it("never shows another family's requests", async () => {
    const other = await freshFamily(t, SLUG, { prefix: 'Ailleurs' });
    await t.runtime.services.familyEdits.requestNewChild(other.commune, other.parents[0]!.user, { firstName: 'Noé', lastName: other.name, birthDate: '2020-01-01' });
    const page = await get(family.parents[0]!.agent, '?vue=demarches&periode=semaine');
    expect(page.text).not.toContain(other.name);
    expect(rowsOf((await get(other.parents[0]!.agent, '?vue=demarches&periode=semaine')).text)).toHaveLength(1);
  });

  it('says so when the period holds no request', async () => {
    t.clock.set(paris('2027-03-10T12:00'));
    try {
      expect(rowsOf((await get(family.parents[0]!.agent, '?vue=demarches&periode=semaine')).text)).toEqual([
        ['Aucune démarche envoyée ni traitée sur cette période.'],
      ]);
    } finally {
      t.clock.set(VIEWING);
    }
  });

  it('switches between « Démarches » and « Connexions » with plain links that keep the period', async () => {
    const agent = family.parents[0]!.agent;
    const $ = html((await get(agent, '?vue=demarches&periode=mois')).text);
    expect($('h1')).toHaveLength(1);
    expect($('title').text()).toMatch(/^Historique – Mes démarches/);
    const tabs = $('main nav.tabs a');
    expect(tabs.map((_, a) => ({ text: $(a).text(), href: $(a).attr('href'), current: $(a).attr('aria-current') ?? null })).get()).toEqual([
      { text: 'Démarches', href: `${HISTORY}?vue=demarches&periode=mois`, current: 'page' },
      { text: 'Connexions', href: `${HISTORY}?vue=connexions&periode=mois`, current: null },
      { text: 'Paiements', href: `${HISTORY}?vue=paiements&periode=mois`, current: null },
    ]);
    expect($('main form[method="get"] input[name="vue"]').val()).toBe('demarches');
    expect($('main table thead th[scope="col"]').map((_, th) => $(th).text()).get()).toEqual(['Envoyée', 'Démarche', 'Réponse du service']);
    expect($('.table-scroll[role="region"][tabindex="0"]').attr('aria-labelledby')).toBe($('main table caption').attr('id'));

    const connections = html((await get(agent, '?vue=connexions&periode=mois')).text);
    expect(connections('h2#connections-title').text()).toBe('Mes connexions');
    expect(connections('main nav.tabs a[aria-current="page"]').text()).toBe('Connexions');
    expect(connections('main form[method="get"] input[name="vue"]').val()).toBe('connexions');
  });
});
