import { describe, expect, it } from 'vitest';
import {
  ImportFileRefusedError,
  normaliseImportedPhone,
  normaliseImportedPostcode,
  parseCivility,
  parseFamilyLine,
  parseImportedDate,
  readFamilyCsv,
} from '../../src/services/family/family-import-service.ts';
import { normaliseHeader } from '../../src/integrations/csv/spreadsheet-csv-reader.ts';

const TODAY = '2026-11-23';

describe('parseCivility', () => {
  it.each([
    ['Madame', 'madame'],
    ['MADAME', 'madame'],
    ['Mme', 'madame'],
    ['mme.', 'madame'],
    [' Monsieur ', 'monsieur'],
    ['M.', 'monsieur'],
    ['M', 'monsieur'],
    ['Mr', 'monsieur'],
    ['Mlle', 'madame'],
    ['Mademoiselle', 'madame'],
    ['Docteur', undefined],
    ['', undefined],
  ])('%j → %s', (input, expected) => {
    expect(parseCivility(input)).toBe(expected);
  });
});

describe('normaliseImportedPhone', () => {
  it.each([
    ['0612345678', '06 12 34 56 78'],
    ['06 12 34 56 78', '06 12 34 56 78'],
    ['06.12.34.56.78', '06 12 34 56 78'],
    ['06-12-34-56-78', '06 12 34 56 78'],
    ['+33 6 12 34 56 78', '06 12 34 56 78'],
    ['+33 (0)6 12 34 56 78', '06 12 34 56 78'],
    ['0033612345678', '06 12 34 56 78'],
    ['01 30 80 20 00', '01 30 80 20 00'],
    ['612345678', '06 12 34 56 78'], // the spreadsheet dropped the leading 0
    ['06 12 34 56', undefined],
    ['+44 20 7946 0958', undefined],
    ['téléphone', undefined],
  ])('%j → %s', (input, expected) => {
    expect(normaliseImportedPhone(input)).toBe(expected);
  });
});

describe('parseImportedDate', () => {
  it.each([
    ['14/03/1986', '1986-03-14'],
    ['4/3/1986', '1986-03-04'],
    ['1986-03-14', '1986-03-14'],
    [' 29/02/1988 ', '1988-02-29'],
    ['29/02/1987', undefined],
    ['31/04/1990', undefined],
    ['14/03/86', undefined],
    ['03-14-1986', undefined],
    ['mars 1986', undefined],
  ])('%j → %s', (input, expected) => {
    expect(parseImportedDate(input)).toBe(expected);
  });
});

describe('normaliseImportedPostcode', () => {
  it.each([
    ['78670', '78670'],
    ['38 130', '38130'],
    ['1000', '01000'], // stored as a number by the spreadsheet
    ['99000', undefined],
    ['7867', '07867'],
    ['786700', undefined],
  ])('%j → %s', (input, expected) => {
    expect(normaliseImportedPostcode(input)).toBe(expected);
  });
});

describe('normaliseHeader', () => {
  it.each([
    ['dossier', 'dossier'],
    [' Prénom 1 ', 'prenom_1'],
    ['Civilité_2', 'civilite_2'],
    ['code-postal', 'code_postal'],
    ['Date naissance 1', 'date_naissance_1'],
    ['\uFEFFdossier', 'dossier'],
  ])('%j → %s', (input, expected) => {
    expect(normaliseHeader(input)).toBe(expected);
  });
});

const goodLine = {
  dossier: ' 2019-0042 ',
  famille: 'Dupont  Moreau',
  adresse: '12 rue des Écoles',
  code_postal: '78670',
  ville: 'Villennes-sur-Seine',
  civilite_1: 'Mme',
  nom_1: 'Dupont',
  prenom_1: 'Marie',
  courriel_1: ' Marie.Dupont@Example.org ',
  telephone_1: '0612345678',
  date_naissance_1: '14/03/1986',
  civilite_2: '',
  nom_2: '',
  prenom_2: '',
  courriel_2: '',
  telephone_2: '',
  date_naissance_2: '',
};

describe('parseFamilyLine', () => {
  it('normalises a complete line with one guardian', () => {
    expect(parseFamilyLine(goodLine, TODAY)).toEqual({
      ok: true,
      family: {
        reference: '2019-0042',
        name: 'Dupont Moreau',
        addressLine: '12 rue des Écoles',
        postcode: '78670',
        city: 'Villennes-sur-Seine',
        guardians: [
          { civility: 'madame', lastName: 'Dupont', firstName: 'Marie', email: 'marie.dupont@example.org', phone: '06 12 34 56 78', birthDate: '1986-03-14' },
        ],
      },
    });
  });

  it('takes the second guardian when any of its cells is filled, and then requires its identity', () => {
    const result = parseFamilyLine({ ...goodLine, telephone_2: '06 98 76 54 32' }, TODAY);
    expect(result).toEqual({
      ok: false,
      reference: '2019-0042',
      problems: [
        { field: 'civilite_2', message: 'la civilité est obligatoire (Madame ou Monsieur)' },
        { field: 'nom_2', message: 'le nom est obligatoire' },
        { field: 'prenom_2', message: 'le prénom est obligatoire' },
        { field: 'courriel_2', message: "l'adresse e-mail est obligatoire : elle reçoit le lien d'activation du compte" },
      ],
    });
  });

  it.each([
    [{ dossier: '' }, 'dossier', 'le numéro de dossier est obligatoire'],
    [{ dossier: '2019 0042' }, 'dossier', 'le numéro de dossier ne doit contenir ni espace ni point-virgule'],
    [{ famille: ' ' }, 'famille', 'le nom de la famille est obligatoire'],
    [{ code_postal: '786' }, 'code_postal', 'code postal à 5 chiffres attendu, par exemple 78670 (« 786 »)'],
    [{ civilite_1: 'Dr' }, 'civilite_1', 'civilité « Dr » inconnue : Madame, Mme, Monsieur ou M.'],
    [{ courriel_1: 'marie.dupont@' }, 'courriel_1', 'adresse e-mail invalide, par exemple nom@exemple.fr'],
    [{ telephone_1: '12 34' }, 'telephone_1', 'numéro de téléphone français à 10 chiffres attendu, par exemple 06 12 34 56 78 (« 12 34 »)'],
    [{ date_naissance_1: '31/02/1986' }, 'date_naissance_1', 'date attendue au format jj/mm/aaaa, par exemple 14/03/1986 (« 31/02/1986 »)'],
    [{ date_naissance_1: '01/01/2030' }, 'date_naissance_1', 'la date de naissance doit être dans le passé'],
  ])('refuses %j with %s: %s', (change, field, message) => {
    const result = parseFamilyLine({ ...goodLine, ...change }, TODAY);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([{ field, message }]);
  });
});

describe('readFamilyCsv', () => {
  const header = 'dossier;famille;civilite_1;nom_1;prenom_1;courriel_1';

  it('reads a BOM, CRLF file and numbers lines as in the file, a multi-line cell included', () => {
    const csv = `\uFEFF${header}\r\nA1;"Dupont\r\nMoreau";Mme;Dupont;Marie;m@example.org\r\n\r\n;;;;;\r\nA2;Martin;M.;Martin;Paul;p@example.org\r\n`;
    const lines = readFamilyCsv(Buffer.from(csv, 'utf8'));
    expect(lines.map((l) => [l.line, l.values.dossier, l.values.famille, l.values.adresse])).toEqual([
      [2, 'A1', 'Dupont\nMoreau', ''],
      [6, 'A2', 'Martin', ''],
    ]);
  });

  it('accepts headers typed by hand (accents, spaces, capitals) and an Excel « sep=; » line', () => {
    const lines = readFamilyCsv('sep=;\nDossier;Famille;Civilité 1;Nom 1;Prénom 1;Courriel 1\nA1;Dupont;Mme;Dupont;Marie;m@example.org\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.line).toBe(3);
    expect(lines[0]!.values).toMatchObject({ dossier: 'A1', famille: 'Dupont', civilite_1: 'Mme', nom_1: 'Dupont', prenom_1: 'Marie', courriel_1: 'm@example.org', adresse: '', courriel_2: '' });
  });

  it('counts the filled cells beyond the header, and ignores empty ones', () => {
    const lines = readFamilyCsv(`${header}\nA1;Dupont;Mme;Dupont;Marie;m@example.org;;\nA2;Dupont;Mme;Dupont;Marie;m@example.org;x;y\n`);
    expect(lines.map((l) => l.extraCells)).toEqual([0, 2]);
  });

  it.each([
    ['a missing required column', 'dossier;famille;civilite_1;nom_1;prenom_1\n', 'ligne 1 : en-tête : colonne(s) obligatoire(s) absente(s) : courriel_1'],
    ['an unknown column', `${header};enfants\n`, 'ligne 1 : en-tête : colonne(s) inconnue(s) : enfants ; colonnes possibles : '],
    ['a partial second guardian', `${header};nom_2\n`, 'ligne 1 : en-tête : colonne(s) obligatoire(s) absente(s) : civilite_2, prenom_2, courriel_2'],
    ['commas as separators', 'dossier,famille,nom_1\n', 'ligne 1 : en-tête : les colonnes doivent être séparées par des points-virgules « ; »'],
    ['an empty file', '\uFEFF\r\n', 'fichier : le fichier est vide'],
    ['a Windows-1252 file', Buffer.from([0x64, 0x6f, 0x73, 0x73, 0x69, 0x65, 0x72, 0x3b, 0xe9, 0x0a]), "fichier : le fichier n'est pas en UTF-8"],
  ])('refuses %s before reading any line', (_label, content, message) => {
    expect(() => readFamilyCsv(content)).toThrow(ImportFileRefusedError);
    expect(() => readFamilyCsv(content)).toThrow(message);
  });
});
