import type { Clock } from '../domain/clock.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import {
  conflictsOf,
  diffValues,
  fieldDefinition,
  parentEditMode,
  splitByMode,
  type FieldChange,
  type FieldMode,
  type FieldValue,
} from '../domain/family-fields.ts';
import type { Commune } from '../data/commune-repository.ts';
import type { Transaction } from '../data/database.ts';
import type { JournalEntry } from '../data/audit-repository.ts';
import type { Family, FamilyAccount, FamilySearchResult, Member } from '../data/family-repository.ts';
import type { Repositories } from '../data/index.ts';
import type { DecidedRequest, FamilyRequest, QueuedRequest, RequestFilters, RequestType } from '../data/request-repository.ts';
import type { User } from '../data/user-repository.ts';
import type { MailRenderer } from '../integrations/mail/mail-renderer.ts';
import { formatDate, formatDateTime } from '../i18n/format.ts';
import { theService } from '../i18n/service-name.ts';
import type { EmailChangeService, PendingEmailChange } from './email-change-service.ts';
import { formSubmissions, submissionOf } from './form-submissions.ts';

export const REQUEST_TYPE_LABELS: Record<RequestType, string> = {
  member_change: "Modification d'un membre de la famille",
  contact_change: 'Modification des coordonnées',
  new_child: "Ajout d'un enfant",
  registration: 'Inscription à une activité',
  absence: "Justification d'une absence",
};

/** « le lundi 30 novembre 2026 (Restauration scolaire), le mardi 1 décembre 2026 (Restauration scolaire) » */
export function absenceDaysInWords(days: { day: string; activityName: string }[]): string {
  return days.map((entry) => `le ${formatDate(entry.day)} (${entry.activityName})`).join(', ');
}

const CONTACT_LABELS: Record<string, string> = { preferredContact: 'Moyen de contact préféré' };
const labelOf = (key: string) => fieldDefinition(key)?.label ?? CONTACT_LABELS[key] ?? key;

/** A member's values by field key, as forms and requests name them. */
export function memberValues(member: Member): Record<string, FieldValue> {
  const { id: _id, familyId: _familyId, role: _role, ...values } = member;
  return values as Record<string, FieldValue>;
}

export interface SubmissionResult {
  applied: FieldChange[];
  requested: FieldChange[];
  requestId?: number;
  /** The new sign-in address a confirmation link went to (it is not in `applied`: nothing changed yet). */
  confirmationSentTo?: string;
}

/** What staff changed at once, and the new sign-in address waiting for its link, if any. */
export interface StaffEditOutcome {
  /** Applied now: a new sign-in address is not among them. */
  changes: FieldChange[];
  confirmationSentTo?: string;
}

/** A member's address that an account signs in with, and its change waiting for confirmation. */
export interface SignInAddress {
  holder: User;
  pending?: PendingEmailChange;
}

/** On another member's record, the address another person signs in with is theirs alone to change. */
export function othersSignInAddressMessage(holder: Pick<User, 'firstName' | 'lastName'>): string {
  return `L'adresse e-mail de ${holder.firstName} ${holder.lastName} sert à se connecter à son espace : seule cette personne peut en demander le changement`;
}

export interface DecisionOutcome {
  decided: { request: FamilyRequest; conflicts: FieldChange[] }[];
  alreadyDecided: number[];
}

/** A change of a pending request whose starting value no longer matches the data, with the value now. */
export interface QueueConflict extends FieldChange {
  current: FieldValue;
}

export interface StaffQueue {
  requests: QueuedRequest[];
  /** By request id; only pending change requests that have conflicts appear. */
  conflicts: Map<number, QueueConflict[]>;
}

export interface FamilyFile {
  family: Family;
  members: Member[];
  accounts: FamilyAccount[];
  requests: DecidedRequest[];
  audit: JournalEntry[];
}

export const JOURNAL_PAGE_SIZE = 50;
const SEARCH_MAX_WORDS = 8;
const FAMILY_FILE_AUDIT_ENTRIES = 100;

/** What deciding a registration request does to the registration itself (the registrations service). */
export interface RegistrationDecider {
  decide(trx: Transaction, commune: Commune, staff: User, request: FamilyRequest, decision: { accept: boolean; reason: string | null }): Promise<void>;
}

export function familyFileService(
  repositories: Repositories,
  clock: Clock,
  mail: MailRenderer,
  registrations: RegistrationDecider,
  /** What deciding an absence request does (the absences service): an accepted one justifies its days. */
  absences: RegistrationDecider | undefined,
  /** A change of a sign-in address waits for the link sent to the new address. */
  emailChanges: EmailChangeService,
) {
  const { db, families, requests, users, outbox, audit } = repositories;
  const forms = formSubmissions(repositories, clock);

  async function requireMember(communeId: number, familyId: number, memberId: number): Promise<Member> {
    const member = await families.findMember(communeId, familyId, memberId);
    if (!member) throw new NotFoundError(`member ${memberId} not in family ${familyId}`);
    return member;
  }

  /**
   * The changes a parent posted, checked against what the commune allows: a locked field or a
   * field the member does not have is refused whatever the form sent.
   */
  function checkAllowed(changes: FieldChange[], modeOf: (field: string) => FieldMode) {
    const split = splitByMode(changes, modeOf);
    if (split.locked.length) {
      throw new ValidationError(
        split.locked.map((change) => ({
          field: change.field,
          message: `« ${change.label} » ne peut pas être modifié en ligne : contactez le service`,
        })),
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
    const changes = diffValues(memberValues(member), proposed, labelOf);
    const holder = changes.some((change) => change.field === 'email') ? await users.findByMember(commune.id, member.id) : undefined;
    if (holder && holder.id !== user.id) {
      throw new ValidationError([{ field: 'email', message: othersSignInAddressMessage(holder) }]);
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

  async function mailGuardians(
    trx: Transaction,
    commune: Commune,
    request: FamilyRequest,
    accepted: boolean,
    reason: string | null,
    confirmationSentTo?: string,
  ) {
    const guardians = await users.listActiveParentsOfFamily(commune.id, request.familyId, trx);
    const what = describe(request);
    for (const guardian of guardians) {
      await outbox.enqueue(
        commune.id,
        mail.render(commune, {
          kind: accepted ? 'request_accepted' : 'request_refused',
          to: guardian.email,
          subject: accepted ? 'Votre demande est acceptée' : 'Votre demande est refusée',
          greeting: `Bonjour ${guardian.firstName} ${guardian.lastName},`,
          paragraphs: [
            `Votre demande du ${formatDateTime(request.submittedAt)} (${REQUEST_TYPE_LABELS[request.type].toLowerCase()} : ${what}) a été ${accepted ? 'acceptée' : 'refusée'} par ${theService(commune.settings.contacts.service)}.`,
            ...(accepted ? ['Votre dossier famille est à jour.'] : [`Motif : ${reason}`]),
            ...(confirmationSentTo
              ? [`La nouvelle adresse e-mail, ${confirmationSentTo}, ne servira à se connecter qu'après sa confirmation par le lien qui vient d'y être envoyé.`]
              : []),
          ],
          action: { label: 'Voir mes démarches', url: mail.link(commune, '/historique?vue=demarches&periode=mois') },
        }),
        clock.now(),
        trx,
      );
    }
  }

  return {
    /** One member of the signed-in parent's family; another family's member answers 404. */
    getMember: requireMember,

    /** What a parent may do with each field of the member page, from the commune file. */
    memberFieldMode(commune: Commune, field: string): FieldMode {
      return parentEditMode(commune.settings.familyEdits.memberFields[field], commune.settings.features.directEdits);
    },

    contactFieldMode(commune: Commune, field: string): FieldMode {
      if (field === 'email') return commune.settings.familyEdits.emailChange === 'request' ? 'request' : 'locked';
      return parentEditMode(commune.settings.familyEdits.contactFields[field], commune.settings.features.directEdits);
    },

    /** `formKey`: the form's one-time key; the same form posted twice changes and asks once. */
    async submitMemberChanges(commune: Commune, user: User, memberId: number, proposed: Record<string, FieldValue>, formKey?: string) {
      const member = await requireMember(commune.id, user.familyId!, memberId);
      for (const key of Object.keys(proposed)) {
        if (!fieldDefinition(key)?.roles.includes(member.role)) {
          throw new ValidationError([{ field: key, message: 'Ce champ ne concerne pas ce membre de la famille' }]);
        }
      }
      return submit(commune, user, member, 'member_change', proposed, (field) => this.memberFieldMode(commune, field), formKey);
    },

    async submitContactChanges(commune: Commune, user: User, proposed: Record<string, FieldValue>, formKey?: string) {
      if (!user.memberId) throw new ForbiddenError('account without a member');
      const member = await requireMember(commune.id, user.familyId!, user.memberId);
      return submit(commune, user, member, 'contact_change', proposed, (field) => this.contactFieldMode(commune, field), formKey);
    },

    /** `formKey`: the form's one-time key; the same form posted twice sends one request. */
    async requestNewChild(commune: Commune, user: User, child: Record<string, FieldValue>, formKey?: string): Promise<number> {
      if (!commune.settings.features.addChild) throw new NotFoundError('adding a child is off in this commune');
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

    listFamilyRequests(communeId: number, familyId: number, since?: Date) {
      return requests.listForFamily(communeId, familyId, since);
    },

    /** For staff: the changes of a pending request that no longer match the data. */
    async conflictsOf(commune: Commune, request: FamilyRequest): Promise<FieldChange[]> {
      if (request.payload.kind !== 'changes' || !request.memberId) return [];
      const member = await families.findMember(commune.id, request.familyId, request.memberId);
      return member ? conflictsOf(request.payload.changes, memberValues(member)) : [];
    },

    /**
     * Staff accept or refuse requests. Accepting applies the change in the same transaction; each
     * decision is audited and e-mailed to every guardian of the family. A request another agent
     * decided meanwhile is skipped.
     */
    async decideRequests(
      commune: Commune,
      staff: User,
      requestIds: number[],
      decision: { accept: true } | { accept: false; reason: string },
    ): Promise<DecisionOutcome> {
      return db.transaction(async (trx) => {
        const outcome: DecisionOutcome = { decided: [], alreadyDecided: [] };
        for (const requestId of requestIds) {
          const request = await requests.lockPending(commune.id, requestId, trx);
          if (!request) {
            outcome.alreadyDecided.push(requestId);
            continue;
          }
          let conflicts: FieldChange[] = [];
          let confirmationSentTo: string | undefined;
          const reason = decision.accept ? null : decision.reason;
          if (request.type === 'registration') {
            await registrations.decide(trx, commune, staff, request, { accept: decision.accept, reason });
          } else if (request.type === 'absence') {
            await absences?.decide(trx, commune, staff, request, { accept: decision.accept, reason });
          } else if (decision.accept) {
            ({ conflicts, confirmationSentTo } = await apply(trx, commune, request));
          }
          await requests.recordDecision(
            commune.id,
            request.id,
            { status: decision.accept ? 'accepted' : 'refused', decidedBy: staff.id, decidedAt: clock.now(), reason },
            trx,
          );
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: decision.accept ? 'request_accepted' : 'request_refused',
              entity: 'request',
              entityId: request.id,
              familyId: request.familyId,
              before: { status: 'pending' },
              after: { status: decision.accept ? 'accepted' : 'refused', reason },
            },
            trx,
          );
          await mailGuardians(trx, commune, request, decision.accept, reason, confirmationSentTo);
          outcome.decided.push({ request, conflicts });
        }
        return outcome;
      });
    },

    /**
     * Staff change a member directly (no request); the change is audited. A sign-in address is not
     * changed at once: the old address is told and the new one gets its confirmation link.
     */
    async updateMemberByStaff(
      commune: Commune,
      staff: User,
      familyId: number,
      memberId: number,
      proposed: Record<string, FieldValue>,
    ): Promise<StaffEditOutcome> {
      return db.transaction(async (trx) => {
        const member = await families.lockMember(commune.id, familyId, memberId, trx);
        if (!member) throw new NotFoundError(`member ${memberId} not in family ${familyId}`);
        const changes = diffValues(memberValues(member), proposed, labelOf).filter((change) =>
          fieldDefinition(change.field)?.roles.includes(member.role),
        );
        if (!changes.length) return { changes };
        const newAddress = changes.find((change) => change.field === 'email' && typeof change.after === 'string');
        const holder = newAddress ? await users.findByMember(commune.id, memberId, trx) : undefined;
        let confirmationSentTo: string | undefined;
        if (holder) {
          confirmationSentTo = newAddress!.after as string;
          await emailChanges.start(trx, commune, holder, confirmationSentTo, 'staff');
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: 'email_change_requested',
              entity: 'user',
              entityId: holder.id,
              familyId,
              before: { email: holder.email },
              after: { email: confirmationSentTo },
            },
            trx,
          );
        }
        const applied = changes.filter((change) => !(holder && change === newAddress));
        if (applied.length) {
          const values = Object.fromEntries(applied.map((change) => [change.field, change.after]));
          await families.updateMemberFields(commune.id, familyId, memberId, values, clock.now(), trx);
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: 'member_updated',
              entity: 'member',
              entityId: memberId,
              familyId,
              before: Object.fromEntries(applied.map((change) => [change.field, change.before])),
              after: values,
            },
            trx,
          );
        }
        return { changes: applied, confirmationSentTo };
      });
    },

    /** The account that signs in with a member's address, with its change waiting for confirmation. */
    async signInAddressOf(communeId: number, memberId: number): Promise<SignInAddress | undefined> {
      const holder = await users.findByMember(communeId, memberId);
      if (!holder) return undefined;
      return { holder, pending: await emailChanges.pendingFor(communeId, holder.id) };
    },

    /**
     * The staff « Demandes » queue, oldest first, with the conflicts of its pending change requests.
     * Same rule as `conflictsOf`, but the members of the whole page come in one query.
     */
    async listQueue(commune: Commune, filters: RequestFilters): Promise<StaffQueue> {
      const queue = await requests.listQueue(commune.id, filters);
      const pendingChanges = queue.filter((request) => request.status === 'pending' && request.payload.kind === 'changes' && request.memberId);
      const members = await families.listMembersByIds(commune.id, [...new Set(pendingChanges.map((request) => request.memberId!))]);
      const byId = new Map(members.map((member) => [member.id, member]));
      const conflicts = new Map<number, QueueConflict[]>();
      for (const request of pendingChanges) {
        const member = byId.get(request.memberId!);
        if (!member || member.familyId !== request.familyId || request.payload.kind !== 'changes') continue;
        const values = memberValues(member);
        const found = conflictsOf(request.payload.changes, values).map((change) => ({ ...change, current: values[change.field] ?? null }));
        if (found.length) conflicts.set(request.id, found);
      }
      return { requests: queue, conflicts };
    },

    /** Staff search by family, child or guardian name, e-mail, identifier or file number. */
    searchFamilies(communeId: number, query: string): Promise<FamilySearchResult[]> {
      const words = query.normalize('NFC').split(/\s+/).filter(Boolean).slice(0, SEARCH_MAX_WORDS);
      return families.searchFamilies(communeId, words);
    },

    async getFamily(communeId: number, familyId: number): Promise<Family> {
      const family = await families.findById(communeId, familyId);
      if (!family) throw new NotFoundError(`family ${familyId} not in commune ${communeId}`);
      return family;
    },

    /** The staff family file: members, accounts, every request with its outcome, the staff actions. */
    async getFamilyFile(communeId: number, familyId: number): Promise<FamilyFile> {
      const family = await this.getFamily(communeId, familyId);
      const [members, accounts, familyRequests, entries] = await Promise.all([
        families.listMembers(communeId, familyId),
        families.listAccounts(communeId, familyId),
        requests.listForFamilyWithDecider(communeId, familyId),
        audit.listJournal(communeId, { familyId, limit: FAMILY_FILE_AUDIT_ENTRIES, offset: 0 }),
      ]);
      return { family, members, accounts, requests: familyRequests, audit: entries.slice(0, FAMILY_FILE_AUDIT_ENTRIES) };
    },

    /**
     * Staff edit form: refuses an e-mail address another account signs in with (the unique key
     * would refuse it too, but without a message), then applies the change as `updateMemberByStaff`.
     */
    async editMemberByStaff(commune: Commune, staff: User, familyId: number, memberId: number, proposed: Record<string, FieldValue>) {
      if (typeof proposed.email === 'string') {
        const taken = await users.findByEmail(commune.id, proposed.email);
        if (taken && taken.memberId !== memberId) {
          throw new ValidationError([{ field: 'email', message: `L'adresse ${proposed.email} est déjà celle d'un autre compte` }]);
        }
      }
      return this.updateMemberByStaff(commune, staff, familyId, memberId, proposed);
    },

    /** The commune's audit log, newest first, `JOURNAL_PAGE_SIZE` entries a page (page 1 first). */
    async listJournal(communeId: number, page: number): Promise<{ entries: JournalEntry[]; hasOlder: boolean }> {
      const rows = await audit.listJournal(communeId, { limit: JOURNAL_PAGE_SIZE, offset: (page - 1) * JOURNAL_PAGE_SIZE });
      return { entries: rows.slice(0, JOURNAL_PAGE_SIZE), hasOlder: rows.length > JOURNAL_PAGE_SIZE };
    },
  };

  /**
   * Applies an accepted request; answers the conflicts it overrode, for the staff message, and the
   * new sign-in address a confirmation link went to.
   */
  async function apply(
    trx: Transaction,
    commune: Commune,
    request: FamilyRequest,
  ): Promise<{ conflicts: FieldChange[]; confirmationSentTo?: string }> {
    if (request.payload.kind === 'new_child') {
      const child = request.payload.child;
      await families.insertMember(
        commune.id,
        request.familyId,
        {
          role: 'child',
          civility: null,
          lastName: String(child.lastName),
          birthName: null,
          firstName: String(child.firstName),
          birthDate: (child.birthDate as string | null) ?? null,
          email: null,
          phone: null,
          school: (child.school as string | null) ?? null,
          schoolLevel: (child.schoolLevel as string | null) ?? null,
          allergies: (child.allergies as string | null) ?? null,
          hasPai: (child.hasPai as boolean | null) ?? null,
          doctorName: (child.doctorName as string | null) ?? null,
          doctorPhone: (child.doctorPhone as string | null) ?? null,
        },
        trx,
      );
      return { conflicts: [] };
    }
    if (request.payload.kind !== 'changes') return { conflicts: [] };
    const member = await families.lockMember(commune.id, request.familyId, request.memberId!, trx);
    if (!member) throw new NotFoundError(`member ${request.memberId} of request ${request.id} is gone`);
    const conflicts = conflictsOf(request.payload.changes, memberValues(member));
    const values = Object.fromEntries(request.payload.changes.map((change) => [change.field, change.after]));
    let confirmationSentTo: string | undefined;
    if (typeof values.email === 'string') {
      const holder = await users.findByMember(commune.id, member.id, trx);
      // A request sent before this rule, or forged: only the holder may move their sign-in address.
      if (holder && holder.id !== request.submittedBy) {
        throw new ValidationError([
          {
            field: 'demandes',
            message: `La demande n° ${request.id} change l'adresse de connexion de ${holder.firstName} ${holder.lastName} sans venir de cette personne : refusez la demande`,
          },
        ]);
      }
      const taken = await users.findByEmail(commune.id, values.email, trx);
      if (taken && taken.memberId !== member.id) {
        throw new ValidationError([{ field: 'demandes', message: `L'adresse ${values.email} est déjà celle d'un autre compte : refusez la demande` }]);
      }
      if (holder) {
        confirmationSentTo = values.email;
        delete values.email;
        await emailChanges.start(trx, commune, holder, confirmationSentTo, 'self');
      }
    }
    await families.updateMemberFields(commune.id, request.familyId, member.id, values, clock.now(), trx);
    return { conflicts, confirmationSentTo };
  }

  function describe(request: FamilyRequest): string {
    if (request.payload.kind === 'new_child') return `${request.payload.child.firstName} ${request.payload.child.lastName}`;
    if (request.payload.kind === 'registration') {
      return `${request.payload.childName} – ${request.payload.activityName}, année ${request.payload.schoolYear}`;
    }
    if (request.payload.kind === 'absence') {
      return `${request.payload.childName} – absence ${absenceDaysInWords(request.payload.days)}`;
    }
    return `${request.payload.memberName} – ${request.payload.changes.map((change) => change.label.toLowerCase()).join(', ')}`;
  }
}

export type FamilyFileService = ReturnType<typeof familyFileService>;
