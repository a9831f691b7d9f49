import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { documentState, isSatisfied, type DocumentState } from '../../domain/document-status.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { Activity } from '../../data/activity-repository.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Executor } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { Member } from '../../data/family-repository.ts';
import type { DocumentType } from '../../model/document.ts';
import { documentOf, missingDocumentSentence, type DocumentPurpose, MY_DOCUMENTS } from '../../i18n/document-words.ts';

export interface UnmetDocument {
  type: DocumentType;
  state: DocumentState;
}

/**
 * The mandatory documents a registration request or a booking waits for (issue 13 item 3): those
 * the activity's `requiredDocuments` name — for a booking, only the types with `blocksBooking` —
 * that are not accepted and valid today (Paris) for the child (per-child type) or the family.
 * Read from the sendings at the moment of the action: an expired document blocks again without
 * any job running.
 */
export function documentRequirements(repositories: Repositories, clock: Clock) {
  const { documents } = repositories;

  return {
    async unmet(commune: Commune, familyId: number, memberId: number, activity: Activity, purpose: DocumentPurpose, executor?: Executor): Promise<UnmetDocument[]> {
      const types = commune.settings.documentTypes.filter(
        (type) => activity.rules.requiredDocuments.includes(type.code) && (purpose === 'registration' || type.blocksBooking),
      );
      if (!types.length) return [];
      const sendings = await documents.listForFamily(commune.id, familyId, executor);
      const today = parisDay(clock.now());
      return types
        .map((type) => {
          const forMember = type.scope === 'child' ? memberId : null;
          return { type, state: documentState(sendings.filter((sending) => sending.typeCode === type.code && sending.memberId === forMember), today) };
        })
        .filter(({ state }) => !isSatisfied(state));
    },

    /**
     * A registration request (or a semaine type, for `booking`) waiting for documents: refused
     * with one sentence per document, for the activity's field, and the link to send them.
     */
    async refuseUnlessProvided(
      commune: Commune,
      familyId: number,
      child: Pick<Member, 'id' | 'firstName'>,
      activity: Activity,
      purpose: DocumentPurpose = 'registration',
      executor?: Executor,
    ): Promise<void> {
      const unmet = await this.unmet(commune, familyId, child.id, activity, purpose, executor);
      if (!unmet.length) return;
      throw new ValidationError(
        unmet.map(({ type, state }) => ({
          field: 'activite',
          message: missingDocumentSentence(state, documentOf(type.name, type.scope === 'child' ? child.firstName : null), activity.name, purpose),
          link: { href: `/${commune.slug}/documents`, label: MY_DOCUMENTS },
        })),
        422,
      );
    },
  };
}

export type DocumentRequirements = ReturnType<typeof documentRequirements>;
