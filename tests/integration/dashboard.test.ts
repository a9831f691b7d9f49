import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgent, freshFamily, withFeatureOff, type FreshFamily } from '../support/fresh-family.ts';
import { buildTestApp, html, type TestApp } from '../support/test-app.ts';

const SLUG = 'lemesnilsaintdenis';
const DASHBOARD = `/${SLUG}/tableau-de-bord`;
const NOW = new Date('2026-11-23T09:00:00+01:00');

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

async function pendingOn(agent: request.Agent) {
  const $ = html((await agent.get(DASHBOARD).expect(200)).text);
  return $('section[aria-labelledby="pending-title"] .card')
    .map((_, card) => ({
      title: squash($(card).find('h3').text()),
      meta: squash($(card).find('.card__meta').text()),
      details: $(card)
        .find('.request-details li')
        .map((__, li) => squash($(li).text()))
        .get(),
    }))
    .get();
}

describe('GET /:commune/tableau-de-bord', () => {
  let family: FreshFamily;
  let anne: string;

  beforeAll(async () => {
    family = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Mercier' });
    anne = `Anne ${family.name}`;
    t.clock.set(new Date('2026-11-23T08:30:00+01:00'));
    await t.runtime.services.familyEdits.submitContactChanges(family.commune, family.parents[0]!.user, { city: 'Le Mesnil-Saint-Denis' });
    t.clock.set(NOW);
  });

  it('greets the parent and shows both guardians the request one of them sent: what, when, by whom', async () => {
    for (const parent of family.parents) {
      const page = html((await parent.agent.get(DASHBOARD).expect(200)).text);
      expect(page('h1')).toHaveLength(1);
      expect(page('h1').text()).toBe(`Bonjour ${parent.user.firstName} ${family.name}`);
      expect(await pendingOn(parent.agent)).toEqual([
        {
          title: `Modification des coordonnées : ${anne}`,
          meta: `Envoyée le lundi 23 novembre 2026 à 08h30 par ${anne} · En attente`,
          details: ['Ville : Non renseigné → Le Mesnil-Saint-Denis'],
        },
      ]);
    }
  });

  it('drops a request from the pending list once the service has decided it', async () => {
    const [request] = await t.runtime.services.familyEdits.listFamilyRequests(family.commune.id, family.familyId);
    const { user: agent } = await demoAgent(t, SLUG);
    await t.runtime.services.requestQueue.decideRequests(family.commune, agent, [request!.id], { accept: true });
    const $ = html((await family.parents[1]!.agent.get(DASHBOARD).expect(200)).text);
    expect(await pendingOn(family.parents[1]!.agent)).toEqual([]);
    expect($('section[aria-labelledby="pending-title"]').text()).toContain('Aucune démarche en attente.');
  });

  it("never shows another family's requests", async () => {
    const other = await freshFamily(t, SLUG, { prefix: 'Autre' });
    await t.runtime.services.familyEdits.requestNewChild(other.commune, other.parents[0]!.user, {
      firstName: 'Zoé',
      lastName: other.name,
      birthDate: '2020-02-02',
    });
    const page = await family.parents[0]!.agent.get(DASHBOARD).expect(200);
    expect(page.text).not.toContain(other.name);
    expect(await pendingOn(other.parents[0]!.agent)).toEqual([
      { title: `Ajout d'un enfant : Zoé ${other.name}`, meta: expect.stringContaining(`par Anne ${other.name}`), details: [`Nom : ${other.name}`, 'Prénom : Zoé', 'Date de naissance : dimanche 2 février 2020'] },
    ]);
  });

  it('offers shortcuts only to pages that exist and that the commune has switched on', async () => {
    const agent = family.parents[0]!.agent;
    const $ = html((await agent.get(DASHBOARD).expect(200)).text);
    const shortcuts = $('nav[aria-labelledby="shortcuts-title"] a')
      .map((_, a) => $(a).attr('href'))
      .get();
    expect(shortcuts).toEqual([
      `/${SLUG}/reservations`,
      `/${SLUG}/famille`,
      `/${SLUG}/famille/ajouter-un-enfant`,
      `/${SLUG}/coordonnees`,
      `/${SLUG}/messages`,
      `/${SLUG}/historique?vue=demarches&periode=mois`,
      `/${SLUG}/historique?vue=connexions&periode=mois`,
    ]);
    for (const href of shortcuts) await agent.get(href).expect(200);

    await withFeatureOff(t, SLUG, 'addChild', async () => {
      const without = html((await agent.get(DASHBOARD).expect(200)).text);
      expect(without(`nav[aria-labelledby="shortcuts-title"] a[href="/${SLUG}/famille/ajouter-un-enfant"]`)).toHaveLength(0);
    });
  });

  it('lists the family members with links to their pages and to the family page', async () => {
    const $ = html((await family.parents[0]!.agent.get(DASHBOARD).expect(200)).text);
    const members = $('section[aria-labelledby="members-title"]');
    expect(members.find('li a').map((_, a) => $(a).text()).get()).toEqual([anne, `Marc ${family.name}`]);
    expect(members.find(`a[href="/${SLUG}/famille"]`)).toHaveLength(1);
  });

  it('tells how many messages are unread, with a link to them', async () => {
    const $ = html((await family.parents[0]!.agent.get(DASHBOARD).expect(200)).text);
    const section = $('section[aria-labelledby="messages-title"]');
    expect(squash(section.find('p').text())).toBe('Aucun message non lu. Voir mes messages');
    expect(section.find('a').attr('href')).toBe(`/${SLUG}/messages`);
  });

  it('is for parents only', async () => {
    const { agent } = await demoAgent(t, SLUG);
    await agent.get(DASHBOARD).expect(403);
    const response = await request(t.app).get(DASHBOARD).expect(303);
    expect(response.headers.location).toContain(`/${SLUG}/connexion`);
  });
});
