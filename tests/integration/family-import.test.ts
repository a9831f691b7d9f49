import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import { ImportFileRefusedError, reportMessages, type FamilyImportService } from '../../src/services/family/family-import-service.ts';
import { buildTestApp, type TestApp } from '../support/test-app.ts';

const HEADER =
  'dossier;famille;adresse;code_postal;ville;' +
  'civilite_1;nom_1;prenom_1;courriel_1;telephone_1;date_naissance_1;' +
  'civilite_2;nom_2;prenom_2;courriel_2;telephone_2;date_naissance_2';

let t: TestApp;
let importer: FamilyImportService;
let villennes: Commune;
let echirolles: Commune;

beforeAll(async () => {
  t = buildTestApp();
  importer = t.runtime.services.familyImport;
  villennes = (await t.runtime.services.communes.findBySlug('villennes'))!;
  echirolles = (await t.runtime.services.communes.findBySlug('echirolles'))!;
});
afterAll(() => t.close());

/** Dossiers and addresses of one test, so suites sharing the database never collide. */
function fixture() {
  const s = randomBytes(4).toString('hex');
  const email = (name: string) => `${name}.${s}@example.org`;
  const dossier = (n: number) => `T${s}-${n}`;
  return { s, email, dossier };
}

/** A spreadsheet's export: BOM, `;`, CRLF. */
const spreadsheet = (lines: string[]) => Buffer.from(`\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`, 'utf8');

async function rowsFor(commune: Commune, references: string[], emails: string[]) {
  const db = t.runtime.db;
  const lowered = emails.map((e) => e.toLowerCase());
  return {
    families: await db('families').where('commune_id', commune.id).whereIn('reference', references).orderBy('reference').select('id', 'reference', 'name', 'postcode'),
    members: await db('members').where('commune_id', commune.id).whereRaw('lower(email) = any(?)', [lowered]).orderBy('id').select('id', 'family_id', 'email', 'civility', 'phone', 'birth_date'),
    users: await db('users').where('commune_id', commune.id).whereRaw('lower(email) = any(?)', [lowered]).orderBy('id').select('id', 'email', 'identifier', 'status', 'password_hash', 'family_id', 'member_id', 'role'),
    mails: await db('mail_outbox').where('commune_id', commune.id).whereIn('to_address', emails).orderBy('id').select('id', 'to_address', 'kind', 'text_body'),
  };
}

describe('importing families from an older portal (CSV)', () => {
  describe('a file with one bad line among good ones', () => {
    const f = fixture();
    const claire = f.email('claire.lefebvre');
    const thomas = f.email('thomas.lefebvre');
    const nadia = f.email('nadia.benali');
    const bad1 = f.email('julie.roux');
    const sophie = f.email('sophie.garnier');
    const marc = f.email('marc.garnier');
    const file = spreadsheet([
      `${f.dossier(1)};Lefebvre;"4 allée des Peupliers; bât. B";78670;Villennes-sur-Seine;Mme;Lefebvre;Claire;${claire};06.12.34.56.78;14/03/1986;M.;Lefebvre;Thomas;${thomas};+33 6 98 76 54 32;2/9/1984`,
      `${f.dossier(2)};Benali;12 rue de la Gare;78670;Villennes-sur-Seine;Madame;Benali;Nadia;${nadia};0622334455;;;;;;;`,
      `${f.dossier(3)};Roux;3 rue du Port;78670;Villennes-sur-Seine;Mme;Roux;Julie;${bad1};;;Monsieur;Roux;Pierre;pierre.roux@;;`,
      `${f.dossier(4)};Garnier;;;;Madame;Garnier;Sophie;${sophie};;;Monsieur;Garnier;Marc;${marc};;`,
    ]);
    const goodReferences = [f.dossier(1), f.dossier(2), f.dossier(4)];
    const everyone = [claire, thomas, nadia, bad1, 'pierre.roux@', sophie, marc];

    it('creates the good lines, one pending account without password per guardian, and reports the bad line with its line number and field', async () => {
      const report = await importer.importCsv(villennes, file);

      expect(report).toMatchObject({ createdFamilies: 3, createdAccounts: 5, skipped: 0, errors: 1 });
      expect(reportMessages(report).filter((m) => !m.includes('importé :'))).toEqual([
        'ligne 4 : courriel_2 : adresse e-mail invalide, par exemple nom@exemple.fr',
      ]);

      const rows = await rowsFor(villennes, [...goodReferences, f.dossier(3)], everyone);
      expect(rows.families.map((row) => row.reference)).toEqual(goodReferences);
      expect(rows.users.map((u) => [u.email, u.role, u.status, u.password_hash])).toEqual([
        [claire, 'parent', 'pending_activation', null],
        [thomas, 'parent', 'pending_activation', null],
        [nadia, 'parent', 'pending_activation', null],
        [sophie, 'parent', 'pending_activation', null],
        [marc, 'parent', 'pending_activation', null],
      ]);
      // Two parents, two accounts, on the same family, each tied to their own member.
      const lefebvre = rows.families.find((row) => row.reference === f.dossier(1))!;
      const lefebvreAccounts = rows.users.filter((u) => u.family_id === lefebvre.id);
      expect(lefebvreAccounts).toHaveLength(2);
      expect(new Set(lefebvreAccounts.map((u) => u.member_id)).size).toBe(2);
      expect(rows.members.filter((m) => m.family_id === lefebvre.id).map((m) => [m.civility, m.phone, m.birth_date])).toEqual([
        ['madame', '06 12 34 56 78', '1986-03-14'],
        ['monsieur', '06 98 76 54 32', '1984-09-02'],
      ]);
    });

    it('queues exactly one activation e-mail per guardian', async () => {
      const { mails } = await rowsFor(villennes, [], everyone);
      expect(mails.map((m) => m.to_address).sort()).toEqual([claire, thomas, nadia, sophie, marc].sort());
      for (const mail of mails) {
        expect(mail.kind).toBe('activation');
        expect(mail.text_body).toContain('/villennes/activation/');
      }
    });

    it('writes nothing of the bad line: no family, member, account or e-mail', async () => {
      const rows = await rowsFor(villennes, [f.dossier(3)], [bad1, 'pierre.roux@']);
      expect(rows).toEqual({ families: [], members: [], users: [], mails: [] });
    });

    it('creates nothing more when run again, and reports the lines as already imported', async () => {
      const before = await rowsFor(villennes, [...goodReferences, f.dossier(3)], everyone);
      const report = await importer.importCsv(villennes, file);

      expect(report).toMatchObject({ createdFamilies: 0, createdAccounts: 0, skipped: 3, errors: 1 });
      expect(reportMessages(report)).toEqual([
        `ligne 2 : dossier : ${f.dossier(1)} déjà importé`,
        `ligne 3 : dossier : ${f.dossier(2)} déjà importé`,
        'ligne 4 : courriel_2 : adresse e-mail invalide, par exemple nom@exemple.fr',
        `ligne 5 : dossier : ${f.dossier(4)} déjà importé`,
      ]);
      expect(await rowsFor(villennes, [...goodReferences, f.dossier(3)], everyone)).toEqual(before);
    });

    it('imports the same file into another commune, where none of it exists yet', async () => {
      const report = await importer.importCsv(echirolles, file);
      expect(report).toMatchObject({ createdFamilies: 3, createdAccounts: 5, skipped: 0, errors: 1 });
      const { mails } = await rowsFor(echirolles, [], everyone);
      expect(mails).toHaveLength(5);
      expect(mails.every((m) => m.text_body.includes('/echirolles/activation/'))).toBe(true);
    });
  });

  it('reads a file without BOM and with LF line endings too', async () => {
    const f = fixture();
    const report = await importer.importCsv(
      villennes,
      `${HEADER}\n${f.dossier(1)};Morel;;;;M;Morel;Hugo;${f.email('hugo.morel')};;;;;;;;\n`,
    );
    expect(report).toMatchObject({ createdFamilies: 1, createdAccounts: 1, errors: 0 });
    expect((await rowsFor(villennes, [f.dossier(1)], [f.email('hugo.morel')])).users).toHaveLength(1);
  });

  it("refuses a line whose dossier is new but whose e-mail already belongs to an account of the commune", async () => {
    const f = fixture();
    const other = f.email('lucie.perrin');
    const report = await importer.importCsv(
      villennes,
      spreadsheet([`${f.dossier(1)};Perrin;;;;Mme;Perrin;Lucie;${other};;;M.;Martin;Paul;PARENT2@villennes.example.org;;`]),
    );
    expect(report).toMatchObject({ createdFamilies: 0, createdAccounts: 0, skipped: 0, errors: 1 });
    expect(reportMessages(report)).toEqual([
      "ligne 2 : courriel_2 : Un compte existe déjà avec l'adresse parent2@villennes.example.org",
    ]);
    expect(await rowsFor(villennes, [f.dossier(1)], [other])).toEqual({ families: [], members: [], users: [], mails: [] });
  });

  it('refuses the second of two lines with the same dossier, and goes on with the next lines', async () => {
    const f = fixture();
    const report = await importer.importCsv(
      villennes,
      spreadsheet([
        `${f.dossier(1)};Petit;;;;Mme;Petit;Anne;${f.email('anne.petit')};;;;;;;;`,
        `${f.dossier(1)};Petit;;;;M.;Petit;Louis;${f.email('louis.petit')};;;;;;;;`,
        `${f.dossier(2)};Faure;;;;M.;Faure;Karim;${f.email('karim.faure')};;;;;;;;`,
      ]),
    );
    expect(report).toMatchObject({ createdFamilies: 2, createdAccounts: 2, errors: 1 });
    expect(reportMessages(report)[1]).toBe(`ligne 3 : dossier : le dossier ${f.dossier(1)} figure déjà ligne 2 du fichier`);
    expect((await rowsFor(villennes, [], [f.email('louis.petit')])).users).toEqual([]);
  });

  it('refuses a file missing a required column before writing anything', async () => {
    const f = fixture();
    const counts = async () =>
      Promise.all(['families', 'members', 'users', 'mail_outbox'].map(async (table) => (await t.runtime.db(table).count<{ count: number }[]>('* as count'))[0]!.count));
    const before = await counts();
    const withoutEmail = Buffer.from(
      `\uFEFFdossier;famille;civilite_1;nom_1;prenom_1\r\n${f.dossier(1)};Blanc;Mme;Blanc;Emma\r\n`,
      'utf8',
    );

    const refusal = importer.importCsv(villennes, withoutEmail);
    await expect(refusal).rejects.toBeInstanceOf(ImportFileRefusedError);
    await expect(importer.importCsv(villennes, withoutEmail)).rejects.toThrow(
      'ligne 1 : en-tête : colonne(s) obligatoire(s) absente(s) : courriel_1',
    );
    expect(await counts()).toEqual(before);
  });
});
