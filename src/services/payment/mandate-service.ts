import type { Clock } from '../../domain/clock.ts';
import { isFrenchPostcode } from '../../domain/contact-formats.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { checkBic, checkIban, maskIban } from '../../domain/sepa.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { formatDate } from '../../i18n/format.ts';
import { BIC_PROBLEMS, IBAN_PROBLEMS } from '../../i18n/mandate-words.ts';
import type { Mandate } from '../../model/mandate.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';

type FieldError = { field: string; message: string };

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
  /** The family's mandates, newest first (the whole IBAN stays here: presenters mask it). */
  mandates: Mandate[];
  /** The mandate in force or waiting for the service: no other one meanwhile. */
  current?: Mandate;
}

const NAME_MAX = 70;

/**
 * SEPA direct-debit mandates (DESIGN §7 Direct debit, issue 12 item 6), where the commune enables
 * direct debit and its file names it as creditor: a parent asks for one (a request of type
 * `sepa_mandate`, decided in the staff queue by src/services/family/requests/sepa-mandate.ts).
 */
export function mandateService(repositories: Repositories, clock: Clock) {
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
    const errors: FieldError[] = [];
    const holderName = input.holderName.trim().replace(/\s+/g, ' ');
    if (!holderName) errors.push({ field: 'titulaire', message: 'Indiquez le nom du titulaire du compte' });
    else if (holderName.length > NAME_MAX) errors.push({ field: 'titulaire', message: `Le nom du titulaire ne peut pas dépasser ${NAME_MAX} caractères` });
    const iban = checkIban(input.iban);
    if (!iban.ok) errors.push({ field: 'iban', message: IBAN_PROBLEMS[iban.problem] });
    const bic = checkBic(input.bic);
    if (!bic.ok) errors.push({ field: 'bic', message: BIC_PROBLEMS[bic.problem] });
    const address = input.address.trim().replace(/\s+/g, ' ');
    if (!address) errors.push({ field: 'adresse', message: 'Indiquez l\'adresse du titulaire du compte' });
    else if (address.length > NAME_MAX) errors.push({ field: 'adresse', message: `L'adresse ne peut pas dépasser ${NAME_MAX} caractères` });
    const postcode = input.postcode.trim();
    if (!isFrenchPostcode(postcode)) errors.push({ field: 'code_postal', message: 'Indiquez un code postal de 5 chiffres, par exemple 78320' });
    const city = input.city.trim().replace(/\s+/g, ' ');
    if (!city) errors.push({ field: 'ville', message: 'Indiquez la ville du titulaire du compte' });
    else if (city.length > NAME_MAX) errors.push({ field: 'ville', message: `La ville ne peut pas dépasser ${NAME_MAX} caractères` });
    if (!input.authorised) errors.push({ field: 'autorisation', message: 'Cochez la case pour autoriser le prélèvement' });
    if (errors.length || !iban.ok || !bic.ok) throw new ValidationError(errors);
    return { holderName, iban: iban.value, bic: bic.value, address, postcode, city };
  }

  function alreadyThere(current: Mandate): ValidationError {
    const message =
      current.status === 'active'
        ? `Votre mandat de prélèvement est déjà actif (référence ${current.reference}) : pour changer de compte, contactez le service`
        : `Votre mandat du ${formatDate(current.createdAt)} attend encore la réponse du service : un seul mandat à la fois`;
    return new ValidationError([{ field: 'mandat', message }], 409);
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
      const mandate = check(input);
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
                ibanMasked: maskIban(mandate.iban),
                bic: mandate.bic,
                address: mandate.address,
                postcode: mandate.postcode,
                city: mandate.city,
              },
            },
            trx,
          );
          await mandates.insert(commune.id, { familyId, requestId, ...mandate, createdAt: now }, trx);
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
