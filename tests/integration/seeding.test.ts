import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMUNE_FILES_DIR, createRuntime, prepareDatabase } from '../../src/bootstrap.ts';
import { fixedClock } from '../../src/integrations/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { adminSql } from '../support/admin-sql.ts';
import { DEFAULT_NOW } from '../support/test-clock.ts';
import { ProductionRefusedError } from '../../src/domain/errors.ts';
import { loadCommuneFiles } from '../../src/services/commune/seed-service.ts';
import { inject } from 'vitest';
import { buildTestApp, type TestApp } from '../support/test-app.ts';
import { testEnv } from '../support/test-env.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(() => t.close());

async function snapshot() {
  const db = t.runtime.db;
  return {
    communes: await db('communes').select('id', 'slug').orderBy('id'),
    families: await db('families').select('*').orderBy('id'),
    members: await db('members').select('*').orderBy('id'),
    users: await db('users').select('id', 'email', 'password_hash', 'updated_at').orderBy('id'),
    quotients: await db('family_quotients').select('*').orderBy('id'),
  };
}

describe('applying the commune files', () => {
  it('twice changes nothing: no commune duplicated, no family or account touched', async () => {
    const before = await snapshot();
    const files = loadCommuneFiles(COMMUNE_FILES_DIR);
    await t.runtime.services.seed.applyCommuneFiles(files);
    await t.runtime.services.seed.applyCommuneFiles(files);
    await t.runtime.services.seed.applyDemoData();
    expect(await snapshot()).toEqual(before);
    expect(before.communes).toHaveLength(3);
  });

  it('updates a commune in place when its file changes', async () => {
    const files = loadCommuneFiles(COMMUNE_FILES_DIR);
    const changed = files.map((file) =>
      file.slug === 'villennes' ? { ...file, contacts: { ...file.contacts, address: 'Nouvelle adresse, 78670 Villennes-sur-Seine' } } : file,
    );
    try {
      await t.runtime.services.seed.applyCommuneFiles(changed);
      const villennes = await t.runtime.services.communes.findBySlug('villennes');
      expect(villennes!.settings.contacts.address).toBe('Nouvelle adresse, 78670 Villennes-sur-Seine');
      expect(await t.runtime.db('communes').count<{ count: number }[]>('* as count')).toEqual([{ count: 3 }]);
    } finally {
      await t.runtime.services.seed.applyCommuneFiles(files);
    }
  });
});

describe('demo data', () => {
  it('is refused in production, before anything is written', async () => {
    const before = await snapshot();
    const production = createRuntime(inject('databaseUrl'), {
      ...testEnv(),
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(32),
    });
    try {
      await expect(production.services.seed.applyDemoData()).rejects.toBeInstanceOf(ProductionRefusedError);
    } finally {
      await production.close();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('gives every commune the Martin family with two guardian accounts, the Bernard family and two staff', async () => {
    const rows = await t.runtime
      .db('users as u')
      .join('communes as c', 'c.id', 'u.commune_id')
      .where('c.slug', 'villennes')
      .andWhere('u.email', 'like', '%@villennes.example.org')
      .orderBy('u.email')
      .select('u.email', 'u.identifier', 'u.role');
    expect(rows).toEqual([
      { email: 'admin@villennes.example.org', identifier: 'admin', role: 'admin' },
      { email: 'agent@villennes.example.org', identifier: 'agent', role: 'agent' },
      { email: 'parent2@villennes.example.org', identifier: 'martin-paul', role: 'parent' },
      { email: 'parent@villennes.example.org', identifier: 'martin-claire', role: 'parent' },
      { email: 'voisin@villennes.example.org', identifier: 'bernard-sophie', role: 'parent' },
    ]);
  });

  it('gives the Martin family a quotient familial of 620 € for the civil years 2026 and 2027, and the Bernard family none', async () => {
    const rows = await t.runtime
      .db('family_quotients as q')
      .join('families as f', function joinFamily() {
        this.on('f.commune_id', 'q.commune_id').andOn('f.id', 'q.family_id');
      })
      .join('communes as c', 'c.id', 'q.commune_id')
      .whereIn('f.name', ['Martin', 'Bernard'])
      .andWhere('f.reference', 'like', '%-0000_')
      .orderBy(['c.slug', 'q.valid_from'])
      .select('c.slug', 'f.name', 'q.value', 'q.valid_from', 'q.valid_until', 'q.source');
    const martin = (slug: string) => [
      { slug, name: 'Martin', value: 620, valid_from: '2026-01-01', valid_until: '2026-12-31', source: 'staff' },
      { slug, name: 'Martin', value: 620, valid_from: '2027-01-01', valid_until: '2027-12-31', source: 'staff' },
    ];
    expect(rows).toEqual([...martin('echirolles'), ...martin('lemesnilsaintdenis'), ...martin('villennes')]);
  });

  it('gives the Martin family two months invoiced by the real run, the older « soldée », the newer « à payer »; the Bernard family none', async () => {
    for (const slug of ['echirolles', 'lemesnilsaintdenis', 'villennes']) {
      const commune = (await t.runtime.services.communes.findBySlug(slug))!;
      const family = async (number: number) =>
        (await t.runtime.db('families').where({ commune_id: commune.id, reference: `${slug.slice(0, 3).toUpperCase()}-0000${number}` }).first()).id as number;
      const today = t.runtime.services.invoicing.today();
      const invoices = t.runtime.repositories.invoices;
      const [settled, open] = [
        await invoices.listForFamily(commune.id, await family(1), { settled: true, today }),
        await invoices.listForFamily(commune.id, await family(1), { settled: false, today }),
      ];
      expect(settled.map((invoice) => invoice.status)).toEqual(['settled']);
      expect(open).toHaveLength(1);
      expect(open[0]!.periodStart > settled[0]!.periodStart).toBe(true);
      expect(open[0]!.totalCents).toBeGreaterThan(0);
      expect(open[0]!.number).toMatch(/^FAC-\d{4}-\d{6}$/);
      const detail = await invoices.findWithLines(commune.id, await family(1), open[0]!.id, today);
      expect(detail!.lines.every((line) => line.days.length === line.quantity)).toBe(true);
      expect(await invoices.listForFamily(commune.id, await family(2), { settled: false, today })).toEqual([]);
    }
  });
});

describe('a database that never had the demo', () => {
  const databaseName = `espace_famille_nodemo_${randomBytes(4).toString('hex')}`;
  afterAll(() => adminSql(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));

  it('is not taken for the demo once staff open its first family, whose reference is the demo family\'s (LEM-00001)', async () => {
    await adminSql(`CREATE DATABASE ${databaseName}`);
    const address = new URL(inject('databaseUrl'));
    address.pathname = `/${databaseName}`;
    const env = testEnv({ SEED_DEMO_DATA: 'false' });
    const runtime = createRuntime(address.toString(), env, fixedClock(DEFAULT_NOW));
    try {
      await prepareDatabase(runtime, env, createLogger('silent'));
      const commune = (await runtime.services.communes.findBySlug('lemesnilsaintdenis'))!;
      const { familyId } = await runtime.services.familyCreation.createFamilyWithGuardians(commune, {
        name: 'Durand',
        guardians: [{ civility: 'madame', firstName: 'Anne', lastName: 'Durand', email: 'anne.durand@example.org' }],
      });
      expect((await runtime.db('families').where({ id: familyId }).first()).reference).toBe('LEM-00001');
      expect(await runtime.services.seed.demoDataPresent()).toBe(false);
      await runtime.services.seed.applyDemoData();
      expect(await runtime.services.seed.demoDataPresent()).toBe(true);
    } finally {
      await runtime.close();
    }
  }, 120_000);
});
