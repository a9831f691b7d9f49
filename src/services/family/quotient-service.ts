import { assertCalendarDay } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { parseCalendarDay } from '../../domain/contact-formats.ts';
import { parseDayInput, schoolYears } from '../../domain/date-input.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { refused, type FieldCheck } from '../../domain/refusals.ts';
import { ANNUAL_INCOME_MAX, attestationEnd, attestationStartProblem, QUOTIENT_MAX, quotientValidOn, wholeEurosOf } from '../../domain/quotient.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { FamilyRequest } from '../../data/request-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { FamilyQuotient, QuotientHistoryEntry } from '../../model/quotient.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { checkUpload, fieldErrorOf, storedNameOf, type CheckedUpload, type UploadInput } from '../files/file-checks.ts';
import { familyFiles, familyPdfLimits } from '../files/family-files.ts';


/** A parent's declaration as the form sent it: the service checks every field at once. */
export interface DeclarationInput {
  /** The QF in euros, as typed. */
  value: string;
  /** Optional: the annual income in euros, as typed. */
  annualIncome: string;
  /** The start of validity the attestation gives, 'YYYY-MM-DD' or 'dd/mm/yyyy'. */
  attestedFrom: string;
  file?: UploadInput;
}

/** A value staff set in the family file. */
export interface StaffQuotientInput {
  value: number;
  validFrom: string;
  validUntil: string | null;
}

/** The parent's « Quotient familial » page. */
export interface DeclarationPage {
  today: string;
  /** The value valid today, if any. */
  current?: FamilyQuotient;
  /** Values that start after today (an accepted declaration prices from the next month), soonest first. */
  upcoming: FamilyQuotient[];
  /** The family's declarations, newest first, with their status. */
  declarations: FamilyRequest[];
  /** A declaration waiting for the service: no other one until it is decided. */
  pending?: FamilyRequest;
}

/**
 * The quotient familial of families (DESIGN §7 Tariffs, issue 11 item 2): the value valid on a day
 * (what the invoicing run prices with), the history, staff setting a value (audited), and parents
 * declaring one with its attestation (a request of type `quotient_familial`, decided in the staff
 * queue by src/services/family/requests/quotient-familial.ts).
 */
export function quotientService(repositories: Repositories, clock: Clock) {
  const { db, families, quotients, requests, audit } = repositories;
  const forms = formSubmissions(repositories, clock);
  const files = familyFiles(repositories);

  function requireFeature(commune: Commune) {
    if (!commune.settings.features.quotientDeclaration) throw new NotFoundError(`quotient declaration is off in ${commune.slug}`);
  }

  async function requireFamily(communeId: number, familyId: number) {
    const family = await families.findById(communeId, familyId);
    if (!family) throw new NotFoundError(`family ${familyId} not in commune ${communeId}`);
    return family;
  }

  async function familyDeclarations(communeId: number, familyId: number): Promise<FamilyRequest[]> {
    return (await requests.listForFamily(communeId, familyId)).filter((request) => request.type === 'quotient_familial');
  }

  /**
   * The value valid on `day` for each family, in one query whatever their number (the invoicing run
   * of a large commune): the rule of `quotientValidOn`. A family without one is absent from the map
   * and pays the top price. `trx`: read inside the caller's transaction.
   */
  function validOnForFamilies(communeId: number, familyIds: readonly number[], day: string, trx?: Transaction): Promise<Map<number, FamilyQuotient>> {
    return quotients.validOnForFamilies(communeId, familyIds, assertCalendarDay(day), trx);
  }

  /** The value valid on `day` for one family; undefined when none is. */
  async function validOn(communeId: number, familyId: number, day: string, trx?: Transaction): Promise<FamilyQuotient | undefined> {
    return (await validOnForFamilies(communeId, [familyId], day, trx)).get(familyId);
  }

  /** Every check of a declaration, all problems at once; the parsed declaration otherwise. */
  async function checkDeclaration(commune: Commune, input: DeclarationInput, today: string) {
    const errors: FieldCheck[] = [];
    const value = wholeEurosOf(input.value);
    if (!input.value.trim()) errors.push({ field: 'quotient', refusal: { code: 'quotient_missing' } });
    else if (value === undefined) errors.push({ field: 'quotient', refusal: { code: 'quotient_not_whole_euros' } });
    else if (value > QUOTIENT_MAX) errors.push({ field: 'quotient', refusal: { code: 'quotient_too_high', maxEuros: QUOTIENT_MAX } });
    let annualIncome: number | null = null;
    if (input.annualIncome.trim()) {
      const income = wholeEurosOf(input.annualIncome);
      if (income === undefined) errors.push({ field: 'revenu', refusal: { code: 'income_not_whole_euros' } });
      else if (income > ANNUAL_INCOME_MAX) errors.push({ field: 'revenu', refusal: { code: 'income_too_high', maxEuros: ANNUAL_INCOME_MAX } });
      else annualIncome = income;
    }
    const attested = parseDayInput(input.attestedFrom, schoolYears(today));
    const attestedFrom = attested.ok ? attested.value : undefined;
    if (!attested.ok && attested.refusal.code === 'missing') errors.push({ field: 'debut', refusal: { code: 'attestation_start_missing' } });
    else if (!attested.ok) errors.push({ field: 'debut', refusal: { code: 'date_refused', refusal: attested.refusal } });
    else if (attestedFrom) {
      const problem = attestationStartProblem(attestedFrom, today);
      if (problem === 'expired') {
        errors.push({ field: 'debut', refusal: { code: 'attestation_expired', validUntil: attestationEnd(attestedFrom) } });
      } else if (problem === 'too_far') {
        errors.push({ field: 'debut', refusal: { code: 'attestation_start_too_late', latestYear: Number(today.slice(0, 4)) + 1 } });
      }
    }
    let file: CheckedUpload | undefined;
    if (!input.file) errors.push({ field: 'attestation', refusal: { code: 'attestation_file_missing' } });
    else {
      const checked = await checkUpload(input.file, 'attestation', undefined, familyPdfLimits(commune));
      if ('error' in checked) errors.push(fieldErrorOf(checked.error));
      else file = checked.file;
    }
    if (errors.length) throw refused(errors);
    return { value: value!, annualIncome, attestedFrom: attestedFrom!, file: file! };
  }

  return {
    validOn,
    validOnForFamilies,

    /** Every value of the family, the latest start first (staff family file). */
    async history(communeId: number, familyId: number): Promise<QuotientHistoryEntry[]> {
      return quotients.listForFamily(communeId, familyId);
    },

    /** The parent's page: the value valid today, those to come, the declarations made. */
    async declarationPage(commune: Commune, user: User): Promise<DeclarationPage> {
      requireFeature(commune);
      const familyId = user.familyId;
      if (!familyId) throw new NotFoundError('only a parent declares a quotient');
      const today = parisDay(clock.now());
      const [history, declarations] = await Promise.all([quotients.listForFamily(commune.id, familyId), familyDeclarations(commune.id, familyId)]);
      return {
        today,
        current: quotientValidOn(history, today),
        upcoming: history.filter((quotient) => quotient.validFrom > today).sort((a, b) => a.validFrom.localeCompare(b.validFrom)),
        declarations,
        pending: declarations.find((request) => request.status === 'pending'),
      };
    },

    /**
     * A parent declares a new value with its attestation: checks everything, then writes the file
     * and the request in one transaction. The same form posted twice (`formKey`) answers the first
     * request. One declaration at a time: another waits until the service decided the first.
     */
    async declare(commune: Commune, user: User, input: DeclarationInput, formKey?: string): Promise<number> {
      requireFeature(commune);
      const familyId = user.familyId;
      if (!familyId) throw new NotFoundError('only a parent declares a quotient');
      const family = await requireFamily(commune.id, familyId);
      const submission = submissionOf(commune, user, 'quotient_familial', formKey);
      const earlier = await forms.replay<number>(submission);
      if (earlier) return earlier.outcome;
      const declaration = await checkDeclaration(commune, input, parisDay(clock.now()));
      return forms.transaction(submission, async (trx) => {
        // After the key: a repeated form answers its first request above, never this refusal.
        const waiting = (await requests.listForFamily(commune.id, familyId, undefined, trx)).find(
          (request) => request.type === 'quotient_familial' && request.status === 'pending',
        );
        if (waiting) {
          throw refused(
            [{ field: 'declaration', refusal: { code: 'declaration_pending', submittedAt: waiting.submittedAt } }],
            409,
          );
        }
        const [fileId = 0] = await files.store(commune, familyId, [declaration.file], { defaultName: 'attestation-quotient-familial', createdAt: clock.now(), field: 'attestation' }, trx);
        return requests.insert(
          commune.id,
          {
            familyId,
            type: 'quotient_familial',
            memberId: null,
            submittedBy: user.id,
            submittedAt: clock.now(),
            payload: {
              kind: 'quotient_familial',
              familyName: family.name,
              value: declaration.value,
              annualIncome: declaration.annualIncome,
              attestedFrom: declaration.attestedFrom,
              fileId,
              fileName: storedNameOf(declaration.file, 'attestation-quotient-familial'),
            },
          },
          trx,
        );
      });
    },

    /**
     * Staff set a value in the family file (a CAF attestation brought to the desk, a correction):
     * any period, no end meaning « until further notice ». Audited with the value it replaces on
     * its first day. The same form posted twice (`formKey`) sets it once.
     */
    async setByStaff(commune: Commune, staff: User, familyId: number, input: StaffQuotientInput, formKey?: string): Promise<number> {
      await requireFamily(commune.id, familyId);
      const errors: FieldCheck[] = [];
      if (!Number.isInteger(input.value) || input.value < 0 || input.value > QUOTIENT_MAX) {
        errors.push({ field: 'quotient', refusal: { code: 'staff_quotient_invalid', maxEuros: QUOTIENT_MAX } });
      }
      const validFrom = parseCalendarDay(input.validFrom);
      const validUntil = input.validUntil === null ? null : parseCalendarDay(input.validUntil);
      if (!validFrom) errors.push({ field: 'debut', refusal: { code: 'start_date_invalid' } });
      if (validUntil === undefined) errors.push({ field: 'fin', refusal: { code: 'end_date_invalid' } });
      else if (validFrom && validUntil !== null && validUntil < validFrom) {
        errors.push({ field: 'fin', refusal: { code: 'end_before_start' } });
      }
      if (errors.length) throw refused(errors);
      const submission = submissionOf(commune, staff, 'quotient_set', formKey);
      return forms.transaction(submission, async (trx) => {
        const replaced = await validOn(commune.id, familyId, validFrom!, trx);
        const now = clock.now();
        const id = await quotients.insert(
          commune.id,
          {
            familyId,
            value: input.value,
            validFrom: validFrom!,
            validUntil: validUntil ?? null,
            source: 'staff',
            annualIncome: null,
            requestId: null,
            proofFileId: null,
            setBy: staff.id,
            setAt: now,
          },
          trx,
        );
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: now,
            action: 'quotient_set',
            entity: 'quotient',
            entityId: id,
            familyId,
            before: replaced ? { quotient: replaced.value, quotientValidFrom: replaced.validFrom, quotientValidUntil: replaced.validUntil } : { quotient: null },
            after: { quotient: input.value, quotientValidFrom: validFrom, quotientValidUntil: validUntil ?? null },
          },
          trx,
        );
        return id;
      });
    },
  };
}

export type QuotientService = ReturnType<typeof quotientService>;
