import { z } from 'zod';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { isFrenchPostcode, normaliseFrenchPhone, parseCalendarDay } from '../../domain/contact-formats.ts';
import { DomainError, ValidationError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { FamilyRepository } from '../../data/family-repository.ts';
import { readSpreadsheetCsv, UnreadableCsvError, type SpreadsheetCsv } from '../../integrations/csv/spreadsheet-csv-reader.ts';
import { fieldProblemWords } from '../../i18n/refusal-words.ts';
import type { FamilyCreationService, GuardianInput, NewFamilyInput } from './family-creation-service.ts';

/*
 * Import of the families of an older portal from a CSV file as a French spreadsheet saves it:
 * `;` between columns, UTF-8 with or without BOM, one header row. The older portal's file number
 * (`dossier`) becomes the family reference, which is what makes a second run skip what the first
 * one created instead of duplicating it.
 */

const FAMILY_COLUMNS = ['dossier', 'famille', 'adresse', 'code_postal', 'ville'] as const;
const GUARDIAN_FIELDS = ['civilite', 'nom', 'prenom', 'courriel', 'telephone', 'date_naissance'] as const;
const GUARDIAN_REQUIRED_FIELDS = ['civilite', 'nom', 'prenom', 'courriel'] as const;

type GuardianField = (typeof GUARDIAN_FIELDS)[number];

/** Every column the file may hold, in the order the documentation and the example file use. */
export const IMPORT_COLUMNS: readonly string[] = [
  ...FAMILY_COLUMNS,
  ...GUARDIAN_FIELDS.map((field) => `${field}_1`),
  ...GUARDIAN_FIELDS.map((field) => `${field}_2`),
];

/** Columns without which no line could be imported; the others may be left out of the file. */
export const REQUIRED_COLUMNS: readonly string[] = ['dossier', 'famille', ...GUARDIAN_REQUIRED_FIELDS.map((field) => `${field}_1`)];

export interface LineProblem {
  /** The CSV column the problem is about (`courriel_2`), or `ligne` for the line as a whole. */
  field: string;
  message: string;
}

export type LineResult =
  | { line: number; status: 'created'; reference: string; familyName: string; accounts: { identifier: string; email: string }[] }
  | { line: number; status: 'skipped'; reference: string; message: string }
  | { line: number; status: 'error'; reference: string | null; problems: LineProblem[] };

export interface ImportReport {
  createdFamilies: number;
  createdAccounts: number;
  /** Lines whose dossier was already imported. */
  skipped: number;
  /** Lines refused, each with at least one problem. */
  errors: number;
  lines: LineResult[];
}

/** The file itself cannot be imported (encoding, header): nothing was written. */
export class ImportFileRefusedError extends DomainError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export interface CsvLine {
  /** Line number in the file where the record starts; the header is line 1. */
  line: number;
  /** Cell of each header column ('' when the column is absent or the cell empty). */
  values: Record<string, string>;
  /** Cells beyond the header's columns that hold something. */
  extraCells: number;
}

/** `ligne N : champ : message`, the one shape every problem is reported in. */
export function lineMessage(line: number, field: string, message: string): string {
  return `ligne ${line} : ${field} : ${message}`;
}

// ---------------------------------------------------------------------------------------------
// Pure parsing and normalisation (unit-tested without a database)

const stripDiacritics = (value: string) => value.normalize('NFD').replace(/\p{Diacritic}/gu, '');

/**
 * madame / monsieur from Madame, Mme, Monsieur, M., M, Mr (any case); undefined otherwise.
 * Older files still hold « Mademoiselle », which French administrations have replaced by
 * « Madame » since the circular of 21 February 2012.
 */
export function parseCivility(input: string): 'madame' | 'monsieur' | undefined {
  const value = stripDiacritics(input.trim().toLowerCase()).replace(/\.$/, '');
  if (value === 'madame' || value === 'mme' || value === 'mademoiselle' || value === 'mlle') return 'madame';
  if (value === 'monsieur' || value === 'm' || value === 'mr') return 'monsieur';
  return undefined;
}

/**
 * « 06 12 34 56 78 » from the forms' formats, plus what spreadsheets and older portals produce:
 * a number whose leading 0 the spreadsheet dropped (612345678) and +33 (0)6 12 34 56 78.
 */
export function normaliseImportedPhone(input: string): string | undefined {
  const compact = input.trim().replace(/\(0\)/g, '').replace(/[\s.\-/()]/g, '');
  const national = /^[1-9]\d{8}$/.test(compact) ? `0${compact}` : compact;
  return normaliseFrenchPhone(national);
}

/** 'YYYY-MM-DD' from dd/mm/yyyy (also d/m/yyyy) or an ISO date, if it names a real day. */
export function parseImportedDate(input: string): string | undefined {
  const padded = input.trim().replace(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (_, d: string, m: string, y: string) => `${d.padStart(2, '0')}/${m.padStart(2, '0')}/${y}`);
  return parseCalendarDay(padded);
}

/** A spreadsheet that stores the postcode as a number drops the 0 of 01000–09999: put it back. */
export function normaliseImportedPostcode(input: string): string | undefined {
  const compact = input.trim().replace(/\s/g, '');
  const postcode = /^\d{4}$/.test(compact) ? `0${compact}` : compact;
  return isFrenchPostcode(postcode) ? postcode : undefined;
}

const emptyToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);
const collapseSpaces = (value: string) => value.replace(/\s+/g, ' ');

const requiredText = (message: string, max = 100) =>
  z.string().trim().min(1, message).max(max, `${max} caractères au maximum`).transform(collapseSpaces);

const optionalText = (max: number) =>
  z.preprocess(emptyToNull, z.string().trim().max(max, `${max} caractères au maximum`).transform(collapseSpaces).nullable());

/** An optional cell turned into its normal form by `normalise`, or refused with `message`. */
const optionalNormalised = (normalise: (value: string) => string | undefined, message: string) =>
  z.preprocess(
    emptyToNull,
    z
      .string()
      .transform((value, ctx) => {
        const normal = normalise(value);
        if (normal === undefined) {
          ctx.addIssue({ code: 'custom', message: `${message} (« ${value.trim()} »)` });
          return z.NEVER;
        }
        return normal;
      })
      .nullable(),
  );

const familySchema = z.object({
  dossier: z
    .string()
    .trim()
    .min(1, 'le numéro de dossier est obligatoire')
    .max(50, '50 caractères au maximum')
    .regex(/^[^\s;]+$/, 'le numéro de dossier ne doit contenir ni espace ni point-virgule'),
  famille: requiredText('le nom de la famille est obligatoire'),
  adresse: optionalText(200),
  code_postal: optionalNormalised(normaliseImportedPostcode, 'code postal à 5 chiffres attendu, par exemple 78670'),
  ville: optionalText(100),
});

function guardianSchema(today: string) {
  return z.object({
    civilite: z.string().transform((value, ctx) => {
      const civility = parseCivility(value);
      if (!civility) {
        ctx.addIssue({
          code: 'custom',
          message: value.trim() ? `civilité « ${value.trim()} » inconnue : Madame, Mme, Monsieur ou M.` : 'la civilité est obligatoire (Madame ou Monsieur)',
        });
        return z.NEVER;
      }
      return civility;
    }),
    nom: requiredText('le nom est obligatoire'),
    prenom: requiredText('le prénom est obligatoire'),
    courriel: z
      .string()
      .trim()
      .min(1, "l'adresse e-mail est obligatoire : elle reçoit le lien d'activation du compte")
      .toLowerCase()
      .pipe(z.email('adresse e-mail invalide, par exemple nom@exemple.fr').max(254, 'adresse e-mail trop longue')),
    telephone: optionalNormalised(normaliseImportedPhone, 'numéro de téléphone français à 10 chiffres attendu, par exemple 06 12 34 56 78'),
    date_naissance: optionalNormalised(parseImportedDate, 'date attendue au format jj/mm/aaaa, par exemple 14/03/1986').refine(
      (day) => day === null || (day < today && day >= '1900-01-01'),
      'la date de naissance doit être dans le passé',
    ),
  });
}

function problemsOf(error: z.ZodError, suffix = ''): LineProblem[] {
  const seen = new Set<string>();
  const problems: LineProblem[] = [];
  for (const issue of error.issues) {
    const field = `${String(issue.path[0] ?? 'ligne')}${suffix}`;
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push({ field, message: issue.message });
  }
  return problems;
}

function guardianCells(values: Record<string, string>, n: 1 | 2): Record<GuardianField, string> {
  return Object.fromEntries(GUARDIAN_FIELDS.map((field) => [field, values[`${field}_${n}`] ?? ''])) as Record<GuardianField, string>;
}

/**
 * Validates and normalises one line; `today` ('YYYY-MM-DD', Paris) bounds birth dates. Guardian 2
 * is absent when all of its cells are empty; once one is filled, its required cells are too.
 */
export function parseFamilyLine(
  values: Record<string, string>,
  today: string,
): { ok: true; family: NewFamilyInput & { reference: string } } | { ok: false; reference: string | null; problems: LineProblem[] } {
  const problems: LineProblem[] = [];
  const family = familySchema.safeParse(Object.fromEntries(FAMILY_COLUMNS.map((column) => [column, values[column] ?? ''])));
  if (!family.success) problems.push(...problemsOf(family.error));

  const schema = guardianSchema(today);
  const guardians: GuardianInput[] = [];
  for (const n of [1, 2] as const) {
    const cells = guardianCells(values, n);
    if (n === 2 && Object.values(cells).every((cell) => cell.trim() === '')) continue;
    const guardian = schema.safeParse(cells);
    if (!guardian.success) {
      problems.push(...problemsOf(guardian.error, `_${n}`));
      continue;
    }
    const g = guardian.data;
    guardians.push({ civility: g.civilite, lastName: g.nom, firstName: g.prenom, email: g.courriel, phone: g.telephone, birthDate: g.date_naissance });
  }

  if (problems.length || !family.success) {
    return { ok: false, reference: values.dossier?.trim() || null, problems };
  }
  const f = family.data;
  return {
    ok: true,
    family: { reference: f.dossier, name: f.famille, addressLine: f.adresse, postcode: f.code_postal, city: f.ville, guardians },
  };
}

/** The spreadsheet reader's refusal, in the report's words. */
function unreadableMessage(error: UnreadableCsvError): string {
  switch (error.reason) {
    case 'not_utf8':
      return "fichier : le fichier n'est pas en UTF-8 ; dans le tableur, enregistrez-le au format « CSV UTF-8 » avec le point-virgule comme séparateur";
    case 'empty':
      return 'fichier : le fichier est vide';
    case 'malformed':
      return `${error.line ? `ligne ${error.line}` : 'fichier'} : fichier CSV illisible (${error.detail}) ; rien n'a été importé`;
  }
}

function headerProblems(header: string[]): string[] {
  const problems: string[] = [];
  if (header.length === 1 && /[,\t]/.test(header[0]!)) {
    return [lineMessage(1, 'en-tête', 'les colonnes doivent être séparées par des points-virgules « ; »')];
  }
  const known = new Set(IMPORT_COLUMNS);
  const unknown = header.filter((column) => column !== '' && !known.has(column));
  if (unknown.length) {
    problems.push(lineMessage(1, 'en-tête', `colonne(s) inconnue(s) : ${unknown.join(', ')} ; colonnes possibles : ${IMPORT_COLUMNS.join(', ')}`));
  }
  if (header.includes('')) problems.push(lineMessage(1, 'en-tête', "une colonne n'a pas de nom"));
  const duplicated = [...new Set(header.filter((column, index) => column !== '' && header.indexOf(column) !== index))];
  if (duplicated.length) problems.push(lineMessage(1, 'en-tête', `colonne(s) en double : ${duplicated.join(', ')}`));
  const required = [...REQUIRED_COLUMNS];
  if (header.some((column) => column.endsWith('_2'))) required.push(...GUARDIAN_REQUIRED_FIELDS.map((field) => `${field}_2`));
  const missing = required.filter((column) => !header.includes(column));
  if (missing.length) problems.push(lineMessage(1, 'en-tête', `colonne(s) obligatoire(s) absente(s) : ${missing.join(', ')}`));
  return problems;
}

/**
 * Reads the whole file (integrations/csv) and checks its header before any line is imported. Lines
 * whose cells are all empty (a spreadsheet's trailing `;;;;` rows) are left out.
 */
export function readFamilyCsv(content: Buffer | string): CsvLine[] {
  let file: SpreadsheetCsv;
  try {
    file = readSpreadsheetCsv(content);
  } catch (error) {
    if (error instanceof UnreadableCsvError) throw new ImportFileRefusedError([unreadableMessage(error)]);
    throw error;
  }
  const { header, records } = file;
  const problems = headerProblems(header);
  if (problems.length) throw new ImportFileRefusedError(problems);

  return records.map(({ line, cells }) => ({
    line,
    values: Object.fromEntries(IMPORT_COLUMNS.map((column) => [column, cells[header.indexOf(column)] ?? ''])),
    extraCells: cells.slice(header.length).filter((cell) => cell.trim() !== '').length,
  }));
}

/** Every line's outcome as `ligne N : champ : message`, in file order. */
export function reportMessages(report: ImportReport): string[] {
  return report.lines.flatMap((result) => {
    switch (result.status) {
      case 'created': {
        const accounts = result.accounts.map((account) => `${account.identifier} <${account.email}>`).join(', ');
        const count = result.accounts.length > 1 ? `${result.accounts.length} comptes` : '1 compte';
        return [lineMessage(result.line, 'dossier', `${result.reference} importé : famille ${result.familyName}, ${count} (${accounts})`)];
      }
      case 'skipped':
        return [lineMessage(result.line, 'dossier', result.message)];
      case 'error':
        return result.problems.map((problem) => lineMessage(result.line, problem.field, problem.message));
    }
  });
}

// ---------------------------------------------------------------------------------------------

/** The family creation service's field names (those of the staff form), as the file's columns. */
function columnOf(field: string): string {
  if (field === 'reference') return 'dossier';
  const email = /^courriel(\d)$/.exec(field);
  return email ? `courriel_${email[1]}` : field;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

export function familyImportService(familyCreation: FamilyCreationService, families: Pick<FamilyRepository, 'findByReference'>, clock: Clock) {
  return {
    /**
     * Imports every line in its own transaction (through the family creation service, which also queues
     * each guardian's activation e-mail); a refused line leaves nothing behind and never stops
     * the others. Throws ImportFileRefusedError, before writing anything, for a file it cannot read.
     */
    async importCsv(commune: Commune, content: Buffer | string): Promise<ImportReport> {
      const lines = readFamilyCsv(content);
      const today = parisDay(clock.now());
      const report: ImportReport = { createdFamilies: 0, createdAccounts: 0, skipped: 0, errors: 0, lines: [] };
      const firstLineOf = new Map<string, number>();

      const refuse = (line: number, reference: string | null, problems: LineProblem[]) => {
        report.errors += 1;
        report.lines.push({ line, status: 'error', reference, problems });
      };
      const skip = (line: number, reference: string) => {
        report.skipped += 1;
        report.lines.push({ line, status: 'skipped', reference, message: `${reference} déjà importé` });
      };

      for (const { line, values, extraCells } of lines) {
        if (extraCells > 0) {
          refuse(line, values.dossier?.trim() || null, [
            { field: 'ligne', message: `${extraCells} cellule(s) remplie(s) au-delà de la dernière colonne de l'en-tête (un « ; » en trop ?)` },
          ]);
          continue;
        }
        const parsed = parseFamilyLine(values, today);
        if (!parsed.ok) {
          refuse(line, parsed.reference, parsed.problems);
          continue;
        }
        const { family } = parsed;
        // Two lines of one file with the same dossier are two different families: a data error,
        // not a re-run. The second is refused, whether or not the first got in.
        const firstLine = firstLineOf.get(family.reference);
        if (firstLine !== undefined) {
          refuse(line, family.reference, [{ field: 'dossier', message: `le dossier ${family.reference} figure déjà ligne ${firstLine} du fichier` }]);
          continue;
        }
        firstLineOf.set(family.reference, line);

        if (await families.findByReference(commune.id, family.reference)) {
          skip(line, family.reference);
          continue;
        }
        try {
          const created = await familyCreation.createFamilyWithGuardians(commune, family);
          report.createdFamilies += 1;
          report.createdAccounts += created.guardians.length;
          report.lines.push({
            line,
            status: 'created',
            reference: created.reference,
            familyName: family.name,
            accounts: created.guardians.map(({ identifier, email }) => ({ identifier, email })),
          });
        } catch (error) {
          if (error instanceof ValidationError) {
            // Another run of the same file got this dossier in meanwhile: a re-run, not an error.
            if (error.errors.some((problem) => problem.field === 'reference')) skip(line, family.reference);
            else refuse(line, family.reference, error.errors.map((problem) => ({ field: columnOf(problem.field), message: fieldProblemWords(problem) })));
          } else if (isUniqueViolation(error)) {
            // Same race, lost on a unique key (dossier, e-mail or identifier): the line rolled back.
            refuse(line, family.reference, [{ field: 'ligne', message: "un autre import a écrit la même famille ou le même compte au même moment ; relancez l'import" }]);
          } else {
            refuse(line, family.reference, [{ field: 'ligne', message: `erreur inattendue, rien n'a été écrit pour cette ligne (${(error as Error).message})` }]);
          }
        }
      }
      return report;
    },
  };
}

export type FamilyImportService = ReturnType<typeof familyImportService>;
