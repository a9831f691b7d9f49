import type { Clock } from '../../domain/clock.ts';
import { isFrenchPostcode } from '../../domain/contact-formats.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { checkBic, checkIban, checkSepaText } from '../../domain/sepa.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { mandateAlreadyThereWords, mandateProblemWords } from '../../i18n/mandate-words.ts';
import { MANDATE_TEXT_MAX, type Mandate, type MandateProblem } from '../../model/mandate.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import type { BankDetailsService } from './bank-details-service.ts';

/** A mandate as the parent's form sent it: the service checks every field at once. */
export interface MandateInput {
  holderName: string;
  iban: string;
  bic: string;
  address: string;
  postcode: string;
  city: string;
  /** The box « J'autorise la commune à prélever… » ticked. */
  authorised: boolean;
}

/** The parent's « Prélèvement automatique » page. */
export interface MandatePage {
  /** The family's mandates, newest first (their IBAN masked: the whole one is only stored encrypted). */
  mandates: Mandate[];
  /** The mandate in force or waiting for the service: no other one meanwhile. */
  current?: Mandate;
}

/**
 * SEPA direct-debit mandates (DESIGN §7 Direct debit, issue 12 item 6), where the commune enables
 * direct debit and its file names it as creditor: a parent asks for one (a request of type
 * `sepa_mandate`, decided in the staff queue by src/services/family/requests/sepa-mandate.ts).
 */
export function mandateService(repositories: Repositories, clock: Clock, bankDetails: BankDetailsService) {
  const { families, mandates, requests } = repositories;
  const forms = formSubmissions(repositories, clock);

  function requireFeature(commune: Commune) {
    if (!commune.settings.features.directDebit || !commune.settings.directDebit) throw new NotFoundError(`direct debit is off in ${commune.slug}`);
  }

  function requireFamilyId(user: User): number {
    if (!user.familyId) throw new NotFoundError('only a parent signs a mandate');
    return user.familyId;
  }

  function check(input: MandateInput) {
    const problems: MandateProblem[] = [];
    const holderName = checkSepaText(input.holderName, MANDATE_TEXT_MAX);
    if (!holderName.ok) problems.push({ field: 'titulaire', problem: holderName.problem });
    const iban = checkIban(input.iban);
    if (!iban.ok) problems.push({ field: 'iban', problem: iban.problem });
    const bic = checkBic(input.bic);
    if (!bic.ok) problems.push({ field: 'bic', problem: bic.problem });
    const address = checkSepaText(input.address, MANDATE_TEXT_MAX);
    if (!address.ok) problems.push({ field: 'adresse', problem: address.problem });
    const postcode = input.postcode.trim();
    if (!isFrenchPostcode(postcode)) problems.push({ field: 'code_postal', problem: 'format' });
    const city = checkSepaText(input.city, MANDATE_TEXT_MAX);
    if (!city.ok) problems.push({ field: 'ville', problem: city.problem });
    if (!input.authorised) problems.push({ field: 'autorisation', problem: 'missing' });
    if (problems.length || !holderName.ok || !iban.ok || !bic.ok || !address.ok || !city.ok) {
      throw new ValidationError(problems.map((problem) => ({ field: problem.field, message: mandateProblemWords(problem) })));
    }
    return { holderName: holderName.value, iban: iban.value, bic: bic.value, address: address.value, postcode, city: city.value };
  }

  function alreadyThere(current: Mandate): ValidationError {
    return new ValidationError([{ field: 'mandat', message: mandateAlreadyThereWords(current) }], 409);
  }

  return {
    async page(commune: Commune, user: User): Promise<MandatePage> {
      requireFeature(commune);
      const familyId = requireFamilyId(user);
      const list = await mandates.listForFamily(commune.id, familyId);
      const current = list.find((mandate) => mandate.status === 'pending' || mandate.status === 'active');
      return { mandates: list, ...(current ? { current } : {}) };
    },

    /**
     * A parent signs a mandate online: every field checked, then the request and the mandate are
     * written in one transaction. The same form posted twice (`formKey`) answers the first request.
     */
    async request(commune: Commune, user: User, input: MandateInput, formKey?: string): Promise<number> {
      requireFeature(commune);
      const familyId = requireFamilyId(user);
      const family = await families.findById(commune.id, familyId);
      if (!family) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
      const submission = submissionOf(commune, user, 'sepa_mandate', formKey);
      const earlier = await forms.replay<number>(submission);
      if (earlier) return earlier.outcome;
      const { iban, ...mandate } = check(input);
      // Encrypted before the transaction: the clear IBAN goes no further than this function.
      const sealed = bankDetails.seal(commune.id, familyId, iban);
      try {
        return await forms.transaction(submission, async (trx) => {
          const current = (await mandates.listForFamily(commune.id, familyId, trx)).find((row) => row.status === 'pending' || row.status === 'active');
          if (current) throw alreadyThere(current);
          const now = clock.now();
          const requestId = await requests.insert(
            commune.id,
            {
              familyId,
              type: 'sepa_mandate',
              memberId: null,
              submittedBy: user.id,
              submittedAt: now,
              payload: {
                kind: 'sepa_mandate',
                holderName: mandate.holderName,
                ibanMasked: sealed.ibanMasked,
                bic: mandate.bic,
                address: mandate.address,
                postcode: mandate.postcode,
                city: mandate.city,
              },
            },
            trx,
          );
          await mandates.insert(commune.id, { familyId, requestId, ...mandate, ...sealed, createdAt: now }, trx);
          return requestId;
        });
      } catch (error) {
        // Two forms without key at the same moment: the database keeps one mandate per family.
        if ((error as { constraint?: string }).constraint === 'sepa_mandates_one_per_family') {
          const current = (await mandates.listForFamily(commune.id, familyId)).find((row) => row.status === 'pending' || row.status === 'active');
          if (current) return forms.refuse(submission, alreadyThere(current));
        }
        throw error;
      }
    },
  };
}

export type MandateService = ReturnType<typeof mandateService>;
