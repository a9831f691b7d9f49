import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { communeOf, demoAgent, freshFamily, postForm, withFeatureOff, type FreshFamily } from '../support/fresh-family.ts';
import { buildTestApp, csrfTokenFrom, html, unique, type TestApp } from '../support/test-app.ts';

const SLUG = 'villennes';
const NEWS = `/${SLUG}/admin/actualites`;
// Monday 23 November 2026, 09:00 in Paris: « today » is 2026-11-23.
const NOW = new Date('2026-11-23T09:00:00+01:00');

let t: TestApp;
let staff: request.Agent;
let family: FreshFamily;

beforeAll(async () => {
  t = buildTestApp(NOW);
  staff = (await demoAgent(t, SLUG)).agent;
  family = await freshFamily(t, SLUG, { prefix: 'Lambert' });
});
afterEach(() => t.clock.set(NOW));
afterAll(() => t.close());

async function publish(fields: { titre: string; texte?: string; publication: string; fin?: string }) {
  return postForm(staff, NEWS, NEWS, { texte: 'Le texte de l’actualité.', fin: '', ...fields });
}

async function newsIdOf(title: string): Promise<number> {
  const row = await t.runtime.db('news').where({ title }).first();
  if (!row) throw new Error(`no news « ${title} »`);
  return row.id as number;
}

const auditOf = (newsId: number) =>
  t.runtime.db('audit_log').where({ entity: 'news', entity_id: newsId }).orderBy('id');

async function countRows(table: string): Promise<number> {
  const [row] = await t.runtime.db(table).count<{ count: number }[]>('* as count');
  return row!.count;
}

const titlesOn = (text: string) =>
  html(text)('section[aria-labelledby="news-title"] h3')
    .map((_, el) => html(text)(el).text())
    .get();

async function dashboardNews(agent: request.Agent) {
  return titlesOn((await agent.get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
}

async function homeNews() {
  return titlesOn((await request(t.app).get(`/${SLUG}`).expect(200)).text);
}

describe('POST /:commune/admin/actualites', () => {
  it('publishes a news item, lists it as « En ligne » and writes the action to the audit log', async () => {
    const title = unique('Fermeture exceptionnelle');
    const response = await publish({ titre: title, texte: 'Le centre de loisirs ferme le 11 décembre.\nMerci de votre compréhension.', publication: '2026-11-23' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(NEWS);

    const list = html((await staff.get(NEWS).expect(200)).text);
    expect(list('[role="status"]').text()).toContain(`Actualité « ${title} » enregistrée.`);
    const row = list(`main table tbody tr:has(th:contains("${title}"))`);
    expect(row.find('td').first().text()).toBe('à partir du lundi 23 novembre 2026, sans date de fin');
    expect(row.find('.tag').text()).toBe('En ligne');

    const id = await newsIdOf(title);
    const [entry] = await auditOf(id);
    expect(entry).toMatchObject({ action: 'news_published', before: null });
    expect(entry.after).toEqual({
      title,
      body: 'Le centre de loisirs ferme le 11 décembre.\nMerci de votre compréhension.',
      publishedOn: '2026-11-23',
      endsOn: null,
    });
  });

  it('offers today as the publication date', async () => {
    const $ = html((await staff.get(NEWS).expect(200)).text);
    expect($('#field-publication').val()).toBe('2026-11-23');
    expect($('#field-fin').val()).toBeUndefined();
  });

  it('refuses bad input with 400, a message next to each field and a summary, keeps the values and writes nothing', async () => {
    const before = await countRows('news');
    const auditBefore = await countRows('audit_log');
    const response = await publish({ titre: '   ', texte: 'Un texte à garder', publication: '31/02/2026', fin: 'demain' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : Actualités/);
    expect($('.error-summary h2').text()).toBe('Il y a un problème');
    expect($('.error-summary a').map((_, el) => $(el).attr('href')).get()).toEqual(['#field-titre', '#field-publication', '#field-fin']);
    expect($('#error-titre').text()).toContain("Saisissez le titre de l'actualité");
    expect($('#error-publication').text()).toContain('Saisissez une date valide, par exemple 01/12/2026');
    expect($('#error-fin').text()).toContain('Saisissez une date valide');
    expect($('#field-titre').attr('aria-invalid')).toBe('true');
    expect($('#field-texte').text()).toBe('Un texte à garder');
    expect($('#field-publication').val()).toBe('31/02/2026');
    expect($('#field-fin').val()).toBe('demain');
    expect($('h1')).toHaveLength(1);

    expect(await countRows('news')).toBe(before);
    expect(await countRows('audit_log')).toBe(auditBefore);
  });

  it('refuses an end date before the publication date', async () => {
    const title = unique('À l’envers');
    const response = await publish({ titre: title, publication: '2026-12-10', fin: '2026-12-01' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('#error-fin').text()).toContain('La date de fin doit être le jour de la publication ou un jour après');
    expect($('#field-titre').val()).toBe(title);
    expect(await t.runtime.db('news').where({ title }).first()).toBeUndefined();
  });

  it('refuses a post without the CSRF token and writes nothing', async () => {
    const title = unique('Sans jeton');
    await staff.post(NEWS).type('form').send({ titre: title, texte: 'x', publication: '2026-11-23' }).expect(403);
    expect(await t.runtime.db('news').where({ title }).first()).toBeUndefined();
  });
});

describe('news shown to families', () => {
  let titles: Record<'current' | 'endingToday' | 'future' | 'ended', string>;

  beforeAll(async () => {
    titles = {
      current: unique('Inscriptions ouvertes'),
      endingToday: unique('Dernier jour'),
      future: unique('Vacances de Noël'),
      ended: unique('Sortie passée'),
    };
    await publish({ titre: titles.current, publication: '2026-11-02' }).then((r) => expect(r.status).toBe(303));
    await publish({ titre: titles.endingToday, publication: '2026-11-16', fin: '2026-11-23' }).then((r) => expect(r.status).toBe(303));
    await publish({ titre: titles.future, publication: '2026-11-24' }).then((r) => expect(r.status).toBe(303));
    await publish({ titre: titles.ended, publication: '2026-11-01', fin: '22/11/2026' }).then((r) => expect(r.status).toBe(303));
  });

  it('shows current news on the dashboard and the home page, not future or ended ones', async () => {
    for (const shown of [await dashboardNews(family.parents[0]!.agent), await homeNews()]) {
      expect(shown).toContain(titles.current);
      expect(shown).toContain(titles.endingToday);
      expect(shown).not.toContain(titles.future);
      expect(shown).not.toContain(titles.ended);
    }
  });

  it('follows the Paris calendar day of the injected clock', async () => {
    // 23:30 UTC on the 23rd is already the 24th in Paris.
    t.clock.set(new Date('2026-11-23T23:30:00Z'));
    const shown = await homeNews();
    expect(shown).toContain(titles.future);
    expect(shown).not.toContain(titles.endingToday);
    expect(shown).toContain(titles.current);
  });

  it('labels each item for staff: programmée, en ligne, terminée', async () => {
    const $ = html((await staff.get(NEWS).expect(200)).text);
    const state = (title: string) => $(`main table tbody tr:has(th:contains("${title}")) .tag`).text();
    expect(state(titles.future)).toBe('Programmée');
    expect(state(titles.endingToday)).toBe('En ligne');
    expect(state(titles.ended)).toBe('Terminée');
    expect($(`main table tbody tr:has(th:contains("${titles.ended}")) td`).first().text()).toBe(
      'du dimanche 1er novembre 2026 au dimanche 22 novembre 2026 inclus',
    );
  });

  it('shows no news where the commune has switched them off, and closes the back-office page', async () => {
    await withFeatureOff(t, SLUG, 'news', async () => {
      expect(await homeNews()).toEqual([]);
      const dashboard = html((await family.parents[0]!.agent.get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
      expect(dashboard('#news-title')).toHaveLength(0);
      await staff.get(NEWS).expect(404);
    });
  });
});

describe('changing and removing a news item', () => {
  it('changes it and audits before → after', async () => {
    const title = unique('Menu de Noël');
    await publish({ titre: title, publication: '2026-11-20' });
    const id = await newsIdOf(title);
    const edit = `${NEWS}/${id}/modifier`;

    const form = html((await staff.get(edit).expect(200)).text);
    expect(form('#field-titre').val()).toBe(title);
    expect(form('#field-publication').val()).toBe('2026-11-20');

    const bad = await postForm(staff, edit, edit, { titre: 'Nouveau titre', texte: '', publication: '2026-11-20', fin: '' });
    expect(bad.status).toBe(400);
    expect(html(bad.text)('#error-texte').text()).toContain("Saisissez le texte de l'actualité");
    expect(html(bad.text)('#field-titre').val()).toBe('Nouveau titre');
    expect((await t.runtime.db('news').where({ id }).first()).title).toBe(title);

    const renamed = `${title} (modifié)`;
    const done = await postForm(staff, edit, edit, { titre: renamed, texte: 'Repas de fête le 17 décembre.', publication: '2026-11-20', fin: '2026-12-17' });
    expect(done.status).toBe(303);
    expect(await t.runtime.db('news').where({ id }).first()).toMatchObject({ title: renamed, ends_on: '2026-12-17' });
    const entries = await auditOf(id);
    expect(entries.map((entry) => entry.action)).toEqual(['news_published', 'news_updated']);
    expect(entries[1]!.before).toMatchObject({ title, endsOn: null });
    expect(entries[1]!.after).toMatchObject({ title: renamed, endsOn: '2026-12-17', body: 'Repas de fête le 17 décembre.' });
  });

  it('asks for confirmation, removes it and audits what was removed', async () => {
    const title = unique('Erreur de saisie');
    await publish({ titre: title, publication: '2026-11-23' });
    const id = await newsIdOf(title);
    const remove = `${NEWS}/${id}/supprimer`;

    const confirm = html((await staff.get(remove).expect(200)).text);
    expect(confirm('h1').text()).toBe(`Supprimer l'actualité « ${title} » ?`);
    expect((await postForm(staff, remove, remove, {})).status).toBe(303);

    expect(await t.runtime.db('news').where({ id }).first()).toBeUndefined();
    expect(await homeNews()).not.toContain(title);
    const entries = await auditOf(id);
    expect(entries.at(-1)).toMatchObject({ action: 'news_removed', after: null });
    expect(entries.at(-1)!.before).toMatchObject({ title });
    await staff.get(remove).expect(404);
  });

  it("answers 404 for another commune's news item, and leaves it alone", async () => {
    const echirolles = await demoAgent(t, 'echirolles');
    const title = unique('Seulement à Villennes');
    await publish({ titre: title, publication: '2026-11-23' });
    const id = await newsIdOf(title);
    const elsewhere = `/echirolles/admin/actualites/${id}`;
    await echirolles.agent.get(`${elsewhere}/modifier`).expect(404);
    await echirolles.agent.get(`${elsewhere}/supprimer`).expect(404);
    const _csrf = await csrfTokenFrom(echirolles.agent, '/echirolles/admin/actualites');
    await echirolles.agent.post(`${elsewhere}/supprimer`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID() }).expect(404);
    await echirolles.agent
      .post(`${elsewhere}/modifier`)
      .type('form')
      .send({ _csrf, idempotency_key: crypto.randomUUID(), titre: 'Piratée', texte: 'x', publication: '2026-11-23' })
      .expect(404);
    expect((await t.runtime.db('news').where({ id }).first()).title).toBe(title);
    const echirollesHome = titlesOn((await request(t.app).get('/echirolles').expect(200)).text);
    expect(echirollesHome).not.toContain(title);
  });
});

describe('GET /:commune/admin/actualites, not as staff', () => {
  it('is not for parents', async () => {
    await family.parents[0]!.agent.get(NEWS).expect(403);
  });

  it('sends an anonymous visitor to the sign-in page', async () => {
    const response = await request(t.app).get(NEWS).expect(303);
    expect(response.headers.location).toBe(`/${SLUG}/connexion?retour=${encodeURIComponent(NEWS)}`);
  });

  it('lists the page in the staff menu', async () => {
    const $ = html((await staff.get(NEWS).expect(200)).text);
    expect($(`.site-nav a[href="${NEWS}"]`).attr('aria-current')).toBe('page');
    expect((await communeOf(t, SLUG)).settings.features.news).toBe(true);
  });
});
