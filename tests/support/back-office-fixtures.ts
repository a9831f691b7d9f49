import request from 'supertest';
import type { Commune } from '../../src/data/commune-repository.ts';
import type { NewMember } from '../../src/data/family-repository.ts';
import type { User } from '../../src/data/user-repository.ts';
import { communeOf, userByEmail } from './fresh-family.ts';
import { DEMO, lastMailTo, signIn, unique, type TestApp } from './test-app.ts';

export { communeOf };

export const PARENT_PASSWORD = 'une phrase assez longue pour le test';

export interface Guardian {
  email: string;
  user: User;
  memberId: number;
  /** Signed in as this guardian (only for an activated account). */
  agent?: request.Agent;
}

export interface BackOfficeFamily {
  commune: Commune;
  familyId: number;
  reference: string;
  name: string;
  guardians: Guardian[];
  childId: number;
}

/**
 * A family of its own at `slug`, created as staff do: `guardians` guardians of whom the first
 * `active` choose their password through their activation e-mail (the others stay pending), and
 * one child in CE2. Nothing is shared with the demo data or another suite.
 */
export async function backOfficeFamily(
  t: TestApp,
  slug: string,
  options: { guardians?: number; active?: number; prefix?: string; child?: Partial<NewMember> } = {},
): Promise<BackOfficeFamily> {
  const { guardians = 2, prefix = 'Fontaine', child = {} } = options;
  const active = options.active ?? guardians;
  const name = unique(prefix);
  const commune = await communeOf(t, slug);
  const people = ['Julie', 'Marc', 'Inès'].slice(0, guardians).map((firstName, index) => ({
    civility: index % 2 ? ('monsieur' as const) : ('madame' as const),
    firstName,
    lastName: name,
    email: `${name.toLowerCase()}-${firstName.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '')}@example.org`,
  }));
  const { familyId, reference } = await t.runtime.services.familyCreation.createFamilyWithGuardians(commune, { name, guardians: people });
  const childId = await t.runtime.repositories.families.insertMember(commune.id, familyId, {
    role: 'child',
    civility: null,
    lastName: name,
    birthName: null,
    firstName: 'Tom',
    birthDate: '2018-05-04',
    email: null,
    phone: null,
    school: 'École Jules-Ferry',
    schoolLevel: 'CE2',
    ...child,
  });
  const created: Guardian[] = [];
  for (const [index, person] of people.entries()) {
    let agent: request.Agent | undefined;
    if (index < active) {
      const { path } = await lastMailTo(t, person.email);
      const token = path!.split('/').pop()!;
      await t.runtime.services.activation.activate(commune, token, PARENT_PASSWORD, PARENT_PASSWORD);
      agent = request.agent(t.app);
      await signIn(agent, slug, person.email, PARENT_PASSWORD, 303);
    }
    const user = await userByEmail(t, commune, person.email);
    created.push({ email: person.email, user, memberId: user.memberId!, agent });
  }
  return { commune, familyId, reference, name, guardians: created, childId };
}

export async function staffAgent(t: TestApp, slug: string, role: 'agent' | 'admin' = 'agent'): Promise<{ agent: request.Agent; user: User }> {
  const commune = await communeOf(t, slug);
  const agent = request.agent(t.app);
  await signIn(agent, slug, `${role}@${slug}.example.org`, role === 'agent' ? DEMO.agentPassword : DEMO.adminPassword, 303);
  return { agent, user: await userByEmail(t, commune, `${role}@${slug}.example.org`) };
}
