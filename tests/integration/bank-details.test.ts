import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { migrationSource } from '../../migrations/index.ts';
import { createRuntime, prepareDatabase, type Runtime } from '../../src/bootstrap.ts';
import { decodeDataKey } from '../../src/config/data-keys.ts';
import type { Commune } from '../../src/data/commune-repository.ts';
import { fixedClock } from '../../src/integrations/clock.ts';
import { dataCipher, DecryptionError, keyIdOf } from '../../src/integrations/data-cipher.ts';
import { createLogger } from '../../src/logger.ts';
import { ibanContext } from '../../src/model/mandate.ts';
import { MissingKeyError } from '../../src/services/payment/bank-details-service.ts';
import { StartupError } from '../../src/startup-failure.ts';
import { adminSql } from '../support/admin-sql.ts';
import { demoAgent, freshFamily, type FreshFamily } from '../support/fresh-family.ts';
import { insertInvoice } from '../support/invoice-rows.ts';
import { hiddenFieldsOf } from '../support/repeated-forms.ts';
import { buildTestApp, csrfTokenFrom, DEFAULT_NOW, html, unique, type TestApp } from '../support/test-app.ts';
import { TEST_DATA_KEY, testEnv } from '../support/test-env.ts';

/*
 * Issue 18 points 4 and 5: a family's IBAN is never in clear in the database (a dump gives no
 * account), only the debit file carries it whole; a holder or an address the banks cannot read is
 * refused at the mandate, and the export refuses a debtor that would leave an empty name.
 */

// Monday 23 November 2026, 9:00 in Paris.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const MESNIL = 'lemesnilsaintdenis';
const PAGE = `/${MESNIL}/prelevement`;
const EXPORT = `/${MESNIL}/admin/prelevements`;
// An IBAN no other suite uses: a search of the whole database finds only this file's rows.
const IBAN = 'FR14 2004 1010 0505 0001 3M02 606';
const IBAN_ELECTRONIC = 'FR1420041010050500013M02606';
const MASKED = 'FR14 •••• •••• •••• •••• •••• 606';
/** What a copy of the database must not show: the hidden part of the IBAN, as typed and as stored. */
const SECRET_PARTS = ['20041010050500013M02', '2004 1010 0505'];

const GOOD = {
  titulaire: 'Hélène Lefèvre',
  iban: IBAN,
  bic: 'PSSTFRPPPAR',
  adresse: '12 rue des Tilleuls',
  code_postal: '78320',
  ville: 'Le Mesnil-Saint-Denis',
  autorisation: 'oui',
};

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(NOW));

const testCipher = dataCipher(decodeDataKey(TEST_DATA_KEY)!);

async function sign(agent: request.Agent, form: Record<string, string>) {
  return agent.post(PAGE).type('form').send({ ...(await hiddenFieldsOf(agent, PAGE)), ...form });
}

/**
 * Every table of the database whose rows, read as text, contain `text`: what a dump would give away.
 * Files' bytes (bytea) are left out: a dump writes them in hex, where the IBAN's characters never
 * appear as such, and reading every stored PDF as text made this scan most of the suite's time.
 */
async function tablesHolding(db: Runtime['db'], text: string): Promise<string[]> {
  const columns = await db('information_schema.columns as c')
    .join('information_schema.tables as t', function sameTable() {
      this.on('t.table_schema', 'c.table_schema').andOn('t.table_name', 'c.table_name');
    })
    .where({ 'c.table_schema': 'public', 't.table_type': 'BASE TABLE' })
    .whereNot('c.data_type', 'bytea')
    .orderBy(['c.table_name', 'c.ordinal_position'])
    .select<{ table_name: string; column_name: string }[]>('c.table_name', 'c.column_name');
  const byTable = new Map<string, string[]>();
  for (const { table_name, column_name } of columns) byTable.set(table_name, [...(byTable.get(table_name) ?? []), column_name]);
  const found: string[] = [];
  for (const [table, names] of byTable) {
    const readAsText = names.map(() => '??::text').join(', ');
    const { rows } = await db.raw(`SELECT 1 FROM ?? WHERE concat_ws('|', ${readAsText}) LIKE ? LIMIT 1`, [table, ...names, `%${text}%`]);
    if (rows.length) found.push(table);
  }
  return found;
}

async function mandatesOf(familyId: number) {
  return t.runtime.db('sepa_mandates').where({ family_id: familyId });
}

/** A request row for a mandate written without the form (as an older version, or a fixture, would). */
async function mandateRequest(db: Runtime['db'], commune: Commune, familyId: number): Promise<number> {
  const submittedBy = (await db('users').where({ commune_id: commune.id, family_id: familyId }).first('id')).id as number;
  const [row] = await db('requests')
    .insert({ commune_id: commune.id, family_id: familyId, type: 'sepa_mandate', member_id: null, submitted_by: submittedBy, submitted_at: NOW, payload: JSON.stringify({ kind: 'sepa_mandate' }) })
    .returning<{ id: number }[]>('id');
  return row!.id;
}

/** An active mandate as an older version stored it: the IBAN in clear (migration 40 left it there). */
async function clearTextMandate(db: Runtime['db'], commune: Commune, familyId: number, holderName = 'Anne Lefèvre'): Promise<number> {
  const requestId = await mandateRequest(db, commune, familyId);
  const [row] = await db('sepa_mandates')
    .insert({
      commune_id: commune.id,
      family_id: familyId,
      request_id: requestId,
      holder_name: holderName,
      iban: IBAN_ELECTRONIC,
      bic: 'PSSTFRPPPAR',
      address: '3 allée des Érables',
      postcode: '78320',
      city: 'Le Mesnil-Saint-Denis',
      status: 'active',
      reference: `MSD-LEGACY-${familyId}`,
      signed_on: '2026-11-20',
      created_at: NOW,
    })
    .returning<{ id: number }[]>('id');
  return row!.id;
}

async function invoiceOf(family: FreshFamily, month: string): Promise<string> {
  const number = `FAC-${month.slice(0, 4)}-B${String(family.familyId).padStart(6, '0')}${month.slice(5)}`;
  await insertInvoice(t, family, {
    month,
    number,
    issuedAt: NOW,
    dueOn: `${month}-28`,
    lines: [{ memberId: family.parents[0]!.user.memberId!, childName: 'Jade', days: [`${month}-05`], unitPriceCents: 1_500 }],
  });
  return number;
}

async function exportMonth(mois: string) {
  const { agent: staff } = await demoAgent(t, MESNIL);
  const _csrf = await csrfTokenFrom(staff, EXPORT);
  return staff
    .post(EXPORT)
    .type('form')
    .buffer(true)
    .parse((res, done) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => done(null, body));
    })
    .send({ _csrf, mois });
}

describe('a mandate signed online', () => {
  it('leaves no IBAN in clear anywhere in the database, signed or accepted; the stored value opens with the key, for this family only', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Chiffre' });
    const response = await sign(family.parents[0]!.agent, GOOD);
    expect(response.status).toBe(303);

    for (const part of SECRET_PARTS) expect(await tablesHolding(t.runtime.db, part)).toEqual([]);
    const [row] = await mandatesOf(family.familyId);
    expect(row).toMatchObject({ iban: null, iban_masked: MASKED, holder_name: 'Hélène Lefèvre' });
    expect(row.iban_encrypted).toMatch(new RegExp(`^v1:${testCipher.currentKeyId}:`));
    expect(testCipher.decrypt(row.iban_encrypted, ibanContext(family.commune.id, family.familyId))).toBe(IBAN_ELECTRONIC);
    // Copied onto another family's row, the value does not open.
    expect(() => testCipher.decrypt(row.iban_encrypted, ibanContext(family.commune.id, family.familyId + 1))).toThrow(DecryptionError);

    // Accepted by staff (the journal, the mail): still nowhere in clear; the page shows the masked form.
    const requestId = (await t.runtime.db('requests').where({ family_id: family.familyId, type: 'sepa_mandate' }).first()).id as number;
    const { agent: staff } = await demoAgent(t, MESNIL);
    const queue = `/${MESNIL}/admin/demandes?type=prelevement&statut=en-attente`;
    const _csrf = html((await staff.get(queue).expect(200)).text)('input[name="_csrf"]').first().val() as string;
    expect((await staff.post(queue).type('form').send({ _csrf, demandes: String(requestId), decision: 'accepter' })).status).toBe(303);
    expect((await mandatesOf(family.familyId))[0]!.status).toBe('active');
    for (const part of SECRET_PARTS) expect(await tablesHolding(t.runtime.db, part)).toEqual([]);
    const page = html((await family.parents[0]!.agent.get(PAGE).expect(200)).text)('main').text().replace(/\s+/g, ' ');
    expect(page).toContain(MASKED);
  });

  it('refuses « 😀😀 » as the holder, and symbols as address or town: French messages at the fields and in the summary, the form filled back, nothing written', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Chiffre' });
    const response = await sign(family.parents[0]!.agent, { ...GOOD, titulaire: '😀😀', adresse: '★ ☎ ✉', ville: '🏠' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-titulaire', '#field-adresse', '#field-ville']);
    const holderMessage = 'Écrivez le nom du titulaire en lettres, comme sur votre RIB (les accents sont acceptés) : les banques ne lisent pas les symboles ni les émojis';
    expect($('.error-summary a[href="#field-titulaire"]').text()).toContain(holderMessage);
    expect($('#error-titulaire').text()).toContain(holderMessage);
    expect($('#error-adresse').text()).toContain("Écrivez l'adresse en lettres et en chiffres");
    expect($('#error-ville').text()).toContain('Écrivez la ville en lettres');
    expect($('#field-titulaire').attr('aria-invalid')).toBe('true');
    expect($('#field-titulaire').val()).toBe('😀😀');
    expect($('#field-iban').val()).toBe(IBAN);
    expect($('#field-code_postal').val()).toBe('78320');
    expect(await mandatesOf(family.familyId)).toHaveLength(0);
    expect(await t.runtime.db('requests').where({ family_id: family.familyId, type: 'sepa_mandate' })).toHaveLength(0);
  });
});

describe('IBANs an older version stored in clear', () => {
  it('are encrypted by the start-up step, once, and the debit file still carries them whole', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Chiffre' });
    const mandateId = await clearTextMandate(t.runtime.db, family.commune, family.familyId);

    expect(await t.runtime.services.bankDetails.encryptClearIbans()).toBeGreaterThanOrEqual(1);
    const row = await t.runtime.db('sepa_mandates').where({ id: mandateId }).first();
    expect(row).toMatchObject({ iban: null, iban_masked: MASKED });
    expect(testCipher.decrypt(row.iban_encrypted, ibanContext(family.commune.id, family.familyId))).toBe(IBAN_ELECTRONIC);
    expect(await t.runtime.services.bankDetails.encryptClearIbans()).toBe(0);
    expect((await t.runtime.db('sepa_mandates').where({ id: mandateId }).first()).iban_encrypted).toBe(row.iban_encrypted);

    const number = await invoiceOf(family, '2035-03');
    const response = await exportMonth('2035-03');
    expect(response.status).toBe(200);
    const $ = html(response.body as string);
    const debit = $('DrctDbtTxInf').filter((_, element) => $(element).find('EndToEndId').text() === number);
    expect(debit.find('DbtrAcct IBAN').text()).toBe(IBAN_ELECTRONIC);
    expect(debit.find('Dbtr Nm').text()).toBe('Anne Lefevre');
    expect(debit.find('Dbtr PstlAdr AdrLine').map((_, line) => $(line).text()).get()).toEqual(['3 allee des Erables', '78320 Le Mesnil-Saint-Denis']);
    // Decrypted for the file only: still nothing in clear in the database.
    for (const part of SECRET_PARTS) expect(await tablesHolding(t.runtime.db, part)).toEqual([]);
  });

  it('a mandate whose holder has no letter the banks can read: the export is refused, naming its invoice, and writes nothing', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Chiffre' });
    await clearTextMandate(t.runtime.db, family.commune, family.familyId, '😀😀');
    await t.runtime.services.bankDetails.encryptClearIbans();
    const number = await invoiceOf(family, '2035-04');

    const response = await exportMonth('2035-04');
    expect(response.status).toBe(422);
    const message = html(response.body as string)('#error-mois').text();
    expect(message).toContain(`Fichier non créé : le mandat de la facture ${number} a un titulaire ou une adresse que les banques ne peuvent pas lire`);
    expect(await t.runtime.db('debit_files').where({ period_start: '2035-04-01' })).toHaveLength(0);
    const invoiceId = (await t.runtime.db('invoices').where({ number }).first()).id as number;
    expect(await t.runtime.db('debit_lines').where({ invoice_id: invoiceId })).toHaveLength(0);
  });
});

describe('the key ring at start-up', () => {
  it('is refused when it lacks the key of stored IBANs, and accepted with that key among the older ones', async () => {
    const otherKey = randomBytes(32).toString('base64');
    const without = createRuntime(inject('databaseUrl'), testEnv({ DATA_ENCRYPTION_KEY: otherKey }), fixedClock(NOW));
    const withOld = createRuntime(inject('databaseUrl'), testEnv({ DATA_ENCRYPTION_KEY: otherKey, DATA_ENCRYPTION_OLD_KEYS: TEST_DATA_KEY }), fixedClock(NOW));
    try {
      const refused = await without.services.bankDetails.checkKeys().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(MissingKeyError);
      expect((refused as MissingKeyError).missing.map((key) => key.keyId)).toContain(testCipher.currentKeyId);
      await expect(withOld.services.bankDetails.checkKeys()).resolves.toBeUndefined();
    } finally {
      await Promise.all([without.close(), withOld.close()]);
    }
  });
});

/*
 * On a database of its own: rotating the shared one's key would pull it from under the other suites.
 */
describe('on a database of its own: migration 40, the start-up, npm run rotate-key', () => {
  const databaseName = `espace_famille_rotate_${randomBytes(4).toString('hex')}`;
  const [K1, K2, K3] = [0, 1, 2].map(() => randomBytes(32).toString('base64')) as [string, string, string];
  let url: string;
  let runtime: Runtime;
  let commune: Commune;
  const families: number[] = [];

  const envWith = (keys: Record<string, string>) => testEnv({ SEED_DEMO_DATA: 'false', ...keys });

  function rotateKey(keys: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const { VITEST: _vitest, DATA_ENCRYPTION_OLD_KEYS: _old, ...rest } = process.env;
    const env = { ...rest, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, ...keys };
    return new Promise((resolve, reject) => {
      const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/cli/rotate-key.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
      child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, output }));
    });
  }

  const storedIbans = async () => runtime.db('sepa_mandates').whereIn('family_id', families).orderBy('id').select('family_id', 'iban', 'iban_encrypted', 'iban_masked');

  beforeAll(async () => {
    await adminSql(`CREATE DATABASE ${databaseName}`);
    const address = new URL(inject('databaseUrl'));
    address.pathname = `/${databaseName}`;
    url = address.toString();
    runtime = createRuntime(url, envWith({ DATA_ENCRYPTION_KEY: K1 }), fixedClock(DEFAULT_NOW));
    await prepareDatabase(runtime, envWith({ DATA_ENCRYPTION_KEY: K1 }), createLogger('silent'));
    commune = (await runtime.services.communes.findBySlug(MESNIL))!;
    for (const index of [1, 2]) {
      const name = unique(`Rotation${index}`);
      // A reference of its own: the first generated one (LEM-00001) is the demo family's.
      const { familyId } = await runtime.services.familyCreation.createFamilyWithGuardians(commune, {
        name,
        reference: name,
        guardians: [{ civility: 'madame', firstName: 'Anne', lastName: name, email: `${name.toLowerCase()}@example.org` }],
      });
      families.push(familyId);
    }
    // Back to the schema before migration 40, where an older version stored an IBAN in clear.
    await runtime.db.migrate.down({ migrationSource, name: '20261208_40_encrypt_mandate_ibans' });
    expect(await runtime.db.schema.hasColumn('sepa_mandates', 'iban_encrypted')).toBe(false);
    await clearTextMandate(runtime.db, commune, families[1]!);
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
    await adminSql(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  });

  it('migration 40 and the start-up encrypt the IBAN an older version left in clear; a key that reads none of them is refused in one sentence', async () => {
    expect(await tablesHolding(runtime.db, SECRET_PARTS[0]!)).toEqual(['sepa_mandates']);
    await prepareDatabase(runtime, envWith({ DATA_ENCRYPTION_KEY: K1 }), createLogger('silent'));
    for (const part of SECRET_PARTS) expect(await tablesHolding(runtime.db, part)).toEqual([]);
    // A mandate signed since, under the same key.
    const requestId = await mandateRequest(runtime.db, commune, families[0]!);
    await runtime.repositories.mandates.insert(commune.id, {
      familyId: families[0]!,
      requestId,
      holderName: 'Anne',
      ...runtime.services.bankDetails.seal(commune.id, families[0]!, IBAN_ELECTRONIC),
      bic: 'PSSTFRPPPAR',
      address: '1 rue de la Poste',
      postcode: '78320',
      city: 'Le Mesnil-Saint-Denis',
      createdAt: NOW,
    });
    const rows = await storedIbans();
    expect(rows.map((row) => [row.iban, row.iban_masked, testCipher.keyIdIn(row.iban_encrypted)])).toEqual([
      [null, MASKED, keyIdOf(decodeDataKey(K1)!)],
      [null, MASKED, keyIdOf(decodeDataKey(K1)!)],
    ]);

    const stranger = createRuntime(url, envWith({ DATA_ENCRYPTION_KEY: K3 }), fixedClock(DEFAULT_NOW));
    try {
      const refused = await prepareDatabase(stranger, envWith({ DATA_ENCRYPTION_KEY: K3 }), createLogger('silent')).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(StartupError);
      expect((refused as Error).message).toContain(`2 IBAN de la base sont chiffrés avec une clé que ce portail n'a pas (identifiant ${keyIdOf(decodeDataKey(K1)!)})`);
      expect((refused as Error).message).toContain('DATA_ENCRYPTION_OLD_KEYS');
    } finally {
      await stranger.close();
    }
  });

  it('re-encrypts every IBAN with the new key, then finds nothing to do, and leaves alone what no key given opens', async () => {
    const rotated = await rotateKey({ DATA_ENCRYPTION_KEY: K2, DATA_ENCRYPTION_OLD_KEYS: K1 });
    expect(rotated.output).toContain(`Clé actuelle : ${keyIdOf(decodeDataKey(K2)!)}. IBAN rechiffrés avec elle : 2.`);
    expect(rotated.output).toContain('retirez-les de DATA_ENCRYPTION_OLD_KEYS');
    expect(rotated.code).toBe(0);
    const onlyK2 = dataCipher(decodeDataKey(K2)!);
    const rows = await storedIbans();
    for (const row of rows) {
      expect(onlyK2.keyIdIn(row.iban_encrypted)).toBe(onlyK2.currentKeyId);
      expect(onlyK2.decrypt(row.iban_encrypted, ibanContext(commune.id, row.family_id))).toBe(IBAN_ELECTRONIC);
    }

    const again = await rotateKey({ DATA_ENCRYPTION_KEY: K2 });
    expect(again.output).toContain('IBAN rechiffrés avec elle : 0.');
    expect(again.code).toBe(0);

    const lost = await rotateKey({ DATA_ENCRYPTION_KEY: K3 });
    expect(lost.code).toBe(1);
    expect(lost.output).toContain('2 IBAN illisibles avec les clés données, laissés tels quels');
    for (const part of SECRET_PARTS) expect(lost.output + rotated.output).not.toContain(part);
    expect(await storedIbans()).toEqual(rows);
  });
});
