import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import { refused } from '../../domain/refusals.ts';
import { diffValues, fieldDefinition, parentEditMode, splitByMode, type FieldChange, type FieldMode, type FieldValue } from '../../domain/family-fields.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Family, Member } from '../../data/family-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { FamilyRequest, RequestType } from '../../data/request-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { EmailChangeService } from '../accounts/email-change-service.ts';
import { familyMembers, fieldLabelOf, memberValues, type SignInAddress } from './family-members.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';

export interface SubmissionResult {
  applied: FieldChange[];
  requested: FieldChange[];
  requestId?: number;
  /** The new sign-in address a confirmation link went to (it is not in `applied`: nothing changed yet). */
  confirmationSentTo?: string;
}

/** « Ma famille »: the members, and how many requests wait for the service. */
export interface FamilyPage {
  family: Family;
  members: Member[];
  pendingCount: number;
  /** The instant the page is read at (ages). */
  now: Date;
}

/** A member's page or « Mes coordonnées »: the member, what each field allows, what waits for the service. */
export interface MemberPage {
  member: Member;
  modeOf: (field: string) => FieldMode;
  /** The family's pending requests (« Mes coordonnées »: those about this member). */
  pending: FamilyRequest[];
  address?: SignInAddress;
  /** The Paris day the form is checked against (a birth date is in the past). */
  today: string;
  now: Date;
}

/**
 * What a parent changes in the family file (DESIGN §6): a member, their own contact details, a new
 * child. The commune file says, field by field, what changes at once and what becomes a request.
 */
export function familyEditService(repositories: Repositories, clock: Clock, emailChanges: EmailChangeService) {
  const { families, requests, users } = repositories;
  const forms = formSubmissions(repositories, clock);
  const members = familyMembers(repositories, emailChanges);

  const memberFieldMode = (commune: Commune, field: string): FieldMode =>
    parentEditMode(commune.settings.familyEdits.memberFields[field], commune.settings.features.directEdits);

  function contactFieldMode(commune: Commune, field: string): FieldMode {
    if (field === 'email') return commune.settings.familyEdits.emailChange === 'request' ? 'request' : 'locked';
    return parentEditMode(commune.settings.familyEdits.contactFields[field], commune.settings.features.directEdits);
  }

  const pendingOf = async (communeId: number, familyId: number) =>
    (await requests.listForFamily(communeId, familyId)).filter((request) => request.status === 'pending');

  function ownMemberId(user: User): number {
    if (!user.memberId) throw new ForbiddenError('account without a member');
    return user.memberId;
  }

  function requireAddChild(commune: Commune) {
    if (!commune.settings.features.addChild) throw new NotFoundError('adding a child is off in this commune');
  }

  /**
   * The changes a parent posted, checked against what the commune allows: a locked field or a
   * field the member does not have is refused whatever the form sent.
   */
  function checkAllowed(changes: FieldChange[], modeOf: (field: string) => FieldMode) {
    const split = splitByMode(changes, modeOf);
    if (split.locked.length) {
      throw refused(
        split.locked.map((change) => ({ field: change.field, refusal: { code: 'field_locked', label: change.label } })),
      );
    }
    return split;
  }

  async function submit(
    commune: Commune,
    user: User,
    member: Member,
    type: RequestType,
    proposed: Record<string, FieldValue>,
    modeOf: (field: string) => FieldMode,
    formKey: string | undefined,
  ): Promise<SubmissionResult> {
    // The same form posted again answers what the first did: its direct changes are no longer
    // changes, and its request must not be sent twice.
    const submission = submissionOf(commune, user, type, formKey);
    const earlier = await forms.replay<SubmissionResult>(submission);
    if (earlier) return earlier.outcome;
    const changes = diffValues(memberValues(member), proposed, fieldLabelOf);
    const holder = changes.some((change) => change.field === 'email') ? await users.findByMember(commune.id, member.id) : undefined;
    if (holder && holder.id !== user.id) {
      throw refused([{ field: 'email', refusal: { code: 'others_sign_in_address', firstName: holder.firstName, lastName: holder.lastName } }]);
    }
    const { direct, request } = checkAllowed(changes, modeOf);
    // A sign-in address the commune lets change directly still waits for its confirmation link.
    const newSignInAddress = holder ? direct.find((change) => change.field === 'email' && typeof change.after === 'string') : undefined;
    const applied = direct.filter((change) => change !== newSignInAddress);
    return forms.transaction(submission, async (trx) => {
      if (applied.length) {
        await families.updateMemberFields(
          commune.id,
          member.familyId,
          member.id,
          Object.fromEntries(applied.map((change) => [change.field, change.after])),
          clock.now(),
          trx,
        );
      }
      if (newSignInAddress) await emailChanges.start(trx, commune, holder!, newSignInAddress.after as string, 'self');
      let requestId: number | undefined;
      if (request.length) {
        requestId = await requests.insert(
          commune.id,
          {
            familyId: member.familyId,
            type,
            memberId: member.id,
            submittedBy: user.id,
            submittedAt: clock.now(),
            payload: { kind: 'changes', memberName: `${member.firstName} ${member.lastName}`, changes: request },
          },
          trx,
        );
      }
      return { applied, requested: request, requestId, confirmationSentTo: newSignInAddress?.after as string | undefined };
    });
  }

  return {
    async familyPage(commune: Commune, familyId: number): Promise<FamilyPage> {
      const family = await families.findById(commune.id, familyId);
      if (!family) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
      const [list, pending] = await Promise.all([families.listMembers(commune.id, familyId), pendingOf(commune.id, familyId)]);
      return { family, members: list, pendingCount: pending.length, now: clock.now() };
    },

    /**
     * A member of the parent's family (another family's member answers 404). Another person's
     * sign-in address is theirs alone to change: the form does not offer it.
     */
    async memberPage(commune: Commune, user: User, memberId: number): Promise<MemberPage> {
      const member = await members.require(commune.id, user.familyId!, memberId);
      const [pending, address] = await Promise.all([pendingOf(commune.id, member.familyId), members.signInAddressOf(commune.id, memberId)]);
      const othersAddress = address !== undefined && address.holder.id !== user.id;
      const now = clock.now();
      return {
        member,
        modeOf: (field) => (field === 'email' && othersAddress ? 'locked' : memberFieldMode(commune, field)),
        pending,
        address,
        today: parisDay(now),
        now,
      };
    },

    /** « Mes coordonnées »: the parent's own member, with the requests about it still waiting. */
    async contactPage(commune: Commune, user: User): Promise<MemberPage> {
      const member = await members.require(commune.id, user.familyId!, ownMemberId(user));
      const [pending, address] = await Promise.all([pendingOf(commune.id, member.familyId), members.signInAddressOf(commune.id, member.id)]);
      const now = clock.now();
      return {
        member,
        modeOf: (field) => contactFieldMode(commune, field),
        pending: pending.filter((request) => request.memberId === member.id),
        address,
        today: parisDay(now),
        now,
      };
    },

    /** « Ajouter un enfant », when the commune allows it (404 otherwise): the day a birth date is checked against. */
    newChildForm(commune: Commune): { today: string } {
      requireAddChild(commune);
      return { today: parisDay(clock.now()) };
    },

    /** `formKey`: the form's one-time key; the same form posted twice changes and asks once. */
    async submitMemberChanges(commune: Commune, user: User, memberId: number, proposed: Record<string, FieldValue>, formKey?: string) {
      const member = await members.require(commune.id, user.familyId!, memberId);
      for (const key of Object.keys(proposed)) {
        if (!fieldDefinition(key)?.roles.includes(member.role)) {
          throw refused([{ field: key, refusal: { code: 'field_not_for_member' } }]);
        }
      }
      return submit(commune, user, member, 'member_change', proposed, (field) => memberFieldMode(commune, field), formKey);
    },

    async submitContactChanges(commune: Commune, user: User, proposed: Record<string, FieldValue>, formKey?: string) {
      const member = await members.require(commune.id, user.familyId!, ownMemberId(user));
      return submit(commune, user, member, 'contact_change', proposed, (field) => contactFieldMode(commune, field), formKey);
    },

    /** `formKey`: the form's one-time key; the same form posted twice sends one request. */
    async requestNewChild(commune: Commune, user: User, child: Record<string, FieldValue>, formKey?: string): Promise<number> {
      requireAddChild(commune);
      return forms.transaction(submissionOf(commune, user, 'new_child', formKey), (trx) =>
        requests.insert(
          commune.id,
          {
            familyId: user.familyId!,
            type: 'new_child',
            memberId: null,
            submittedBy: user.id,
            submittedAt: clock.now(),
            payload: { kind: 'new_child', child },
          },
          trx,
        ),
      );
    },

    /** Every request of the family, whichever guardian sent it, newest first. */
    listFamilyRequests(communeId: number, familyId: number, since?: Date) {
      return requests.listForFamily(communeId, familyId, since);
    },
  };
}

export type FamilyEditService = ReturnType<typeof familyEditService>;
