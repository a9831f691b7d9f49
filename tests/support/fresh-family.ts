import * as cheerio from 'cheerio';
import request from 'supertest';
import type { Commune } from '../../src/data/commune-repository.ts';
import type { User } from '../../src/data/user-repository.ts';
import { csrfTokenFrom, DEMO, lastMailTo, signIn, unique, type TestApp } from './test-app.ts';

export const FRESH_PASSWORD = 'une phrase assez longue';

export interface FreshParent {
  agent: request.Agent;
  email: string;
  user: User;
}

export interface FreshFamily {
  commune: Commune;
  familyId: number;
  name: string;
  parents: FreshParent[];
}

export async function communeOf(t: TestApp, slug: string): Promise<Commune> {
  const commune = await t.runtime.services.communes.findBySlug(slug);
  if (!commune) throw new Error(`no commune ${slug}`);
  return commune;
}

export async function userByEmail(t: TestApp, commune: Commune, email: string): Promise<User> {
  const row = await t.runtime.db('users').where({ commune_id: commune.id, email }).first();
  const user = row && (await t.runtime.services.auth.findSessionUser(commune.id, row.id as number));
  if (!user) throw new Error(`no user ${email}`);
  return user;
}

/**
 * A family of its own at `slug`, created as staff do, each guardian activated through the link
 * of their e-mail and signed in: nothing shared with the demo data or another suite.
 */
export async function freshFamily(t: TestApp, slug: string, { guardians = 1, prefix = 'Garnier' } = {}): Promise<FreshFamily> {
  const name = unique(prefix);
  const commune = await communeOf(t, slug);
  const people = [
    { civility: 'madame' as const, firstName: 'Anne', email: `${name.toLowerCase()}-anne@example.org` },
    { civility: 'monsieur' as const, firstName: 'Marc', email: `${name.toLowerCase()}-marc@example.org` },
  ].slice(0, guardians);
  const { familyId } = await t.runtime.services.familyCreation.createFamilyWithGuardians(commune, {
    name,
    guardians: people.map((person) => ({ ...person, lastName: name })),
  });
  const parents: FreshParent[] = [];
  for (const person of people) {
    const { path } = await lastMailTo(t, person.email);
    const agent = request.agent(t.app);
    const _csrf = await csrfTokenFrom(agent, path!);
    await agent.post(path!).type('form').send({ _csrf, motDePasse: FRESH_PASSWORD, confirmation: FRESH_PASSWORD }).expect(303);
    await signIn(agent, slug, person.email, FRESH_PASSWORD, 303);
    parents.push({ agent, email: person.email, user: await userByEmail(t, commune, person.email) });
  }
  return { commune, familyId, name, parents };
}

/** The demo agent of a commune, signed in, and their account for service calls. */
export async function demoAgent(t: TestApp, slug: string): Promise<{ agent: request.Agent; user: User }> {
  const commune = await communeOf(t, slug);
  const agent = request.agent(t.app);
  await signIn(agent, slug, `agent@${slug}.example.org`, DEMO.agentPassword, 303);
  return { agent, user: await userByEmail(t, commune, `agent@${slug}.example.org`) };
}

/** Posts a form as a browser would: the CSRF token comes from the page that shows it. */
export async function postForm(agent: request.Agent, formPage: string, action: string, fields: Record<string, string | string[]>) {
  return agent.post(action).type('form').send({ ...(await formTokensOf(agent, formPage, action)), ...fields });
}

/**
 * What a browser posts back of the form on `formPage` that posts to `action` (else of the page's
 * first form): its CSRF token and, for a form that acts once, its one-time key.
 */
async function formTokensOf(agent: request.Agent, formPage: string, action: string): Promise<Record<string, string>> {
  const page = await agent.get(formPage);
  const $ = cheerio.load(page.text);
  const path = (href: string) => href.split('?')[0];
  const forms = $('main form[method="post"]');
  // A form without an action posts to its own page.
  const form = forms.filter((_, element) => path($(element).attr('action') || formPage) === path(action)).first();
  const chosen = form.length ? form : forms.first();
  const tokens: Record<string, string> = {};
  for (const name of ['_csrf', 'idempotency_key']) {
    const value = chosen.find(`input[name="${name}"]`).val();
    if (typeof value === 'string' && value) tokens[name] = value;
  }
  if (!tokens._csrf) tokens._csrf = await csrfTokenFrom(agent, formPage);
  return tokens;
}

/**
 * Runs `body` with one feature of a commune switched off in its stored settings, then puts it
 * back as it was. The integration suites run one file at a time, so no other suite sees the change.
 */
export function withFeatureOff<T>(t: TestApp, slug: string, feature: string, body: () => Promise<T>): Promise<T> {
  return withFeature(t, slug, feature, false, body);
}

/** Runs `body` with one feature of a commune switched on or off, then puts it back as it was. */
export async function withFeature<T>(t: TestApp, slug: string, feature: string, on: boolean, body: () => Promise<T>): Promise<T> {
  const set = (value: boolean) =>
    t.runtime.db.raw(`UPDATE communes SET settings = jsonb_set(settings, ?::text[], ?::jsonb) WHERE slug = ?`, [
      `{features,${feature}}`,
      JSON.stringify(value),
      slug,
    ]);
  const before = await t.runtime.db('communes').where({ slug }).first(t.runtime.db.raw(`settings->'features'->? AS value`, [feature]));
  await set(on);
  try {
    return await body();
  } finally {
    await set(before.value as boolean);
  }
}

/** Adds a child (born 9 March 2018, CE2) to a family made by `freshFamily`; answers the child's id. */
export function addChild(t: TestApp, family: FreshFamily, firstName = 'Jade'): Promise<number> {
  return t.runtime.repositories.families.insertMember(family.commune.id, family.familyId, {
    role: 'child',
    civility: null,
    lastName: family.name,
    birthName: null,
    firstName,
    birthDate: '2018-03-09',
    email: null,
    phone: null,
    school: 'École des Tilleuls',
    schoolLevel: 'CE2',
  });
}
