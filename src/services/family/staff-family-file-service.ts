import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { refused } from '../../domain/refusals.ts';
import { diffValues, fieldDefinition, type FieldChange, type FieldValue } from '../../domain/family-fields.ts';
import type { JournalEntry } from '../../data/audit-repository.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Family, FamilyAccount, FamilySearchResult, Member } from '../../data/family-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { DecidedRequest, FamilyRequest } from '../../data/request-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { EmailChangeService } from '../accounts/email-change-service.ts';
import { familyMembers, fieldLabelOf, memberValues, type SignInAddress } from './family-members.ts';

/** What staff changed at once, and the new sign-in address waiting for its link, if any. */
export interface StaffEditOutcome {
  memberName: string;
  /** Applied now: a new sign-in address is not among them. */
  changes: FieldChange[];
  confirmationSentTo?: string;
}

export interface FamilyFile {
  family: Family;
  members: Member[];
  accounts: FamilyAccount[];
  requests: DecidedRequest[];
  audit: JournalEntry[];
  /** The instant the file is read at (ages). */
  now: Date;
}

/** The staff form of one member: every field is changed directly; pending requests still show. */
export interface StaffMemberForm {
  family: Family;
  member: Member;
  pending: FamilyRequest[];
  address?: SignInAddress;
  /** The Paris day the form is checked against (a birth date is in the past). */
  today: string;
  now: Date;
}

const SEARCH_MAX_WORDS = 8;
const FAMILY_FILE_AUDIT_ENTRIES = 100;

/** The staff side of the family file (DESIGN §8): search, the file, and direct edits, all audited. */
export function staffFamilyFileService(repositories: Repositories, clock: Clock, emailChanges: EmailChangeService) {
  const { db, families, requests, users, audit } = repositories;
  const members = familyMembers(repositories, emailChanges);

  async function requireFamily(communeId: number, familyId: number): Promise<Family> {
    const family = await families.findById(communeId, familyId);
    if (!family) throw new NotFoundError(`family ${familyId} not in commune ${communeId}`);
    return family;
  }

  /**
   * Staff change a member directly (no request); the change is audited. A sign-in address is not
   * changed at once: the old address is told and the new one gets its confirmation link.
   */
  async function updateMemberByStaff(
    commune: Commune,
    staff: User,
    familyId: number,
    memberId: number,
    proposed: Record<string, FieldValue>,
  ): Promise<StaffEditOutcome> {
    return db.transaction(async (trx) => {
      const member = await families.lockMember(commune.id, familyId, memberId, trx);
      if (!member) throw new NotFoundError(`member ${memberId} not in family ${familyId}`);
      const memberName = `${member.firstName} ${member.lastName}`;
      const changes = diffValues(memberValues(member), proposed, fieldLabelOf).filter((change) =>
        fieldDefinition(change.field)?.roles.includes(member.role),
      );
      if (!changes.length) return { memberName, changes };
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
      return { memberName, changes: applied, confirmationSentTo };
    });
  }

  return {
    /** Staff search by family, child or guardian name, e-mail, identifier or file number. */
    searchFamilies(communeId: number, query: string): Promise<FamilySearchResult[]> {
      const words = query.normalize('NFC').split(/\s+/).filter(Boolean).slice(0, SEARCH_MAX_WORDS);
      return families.searchFamilies(communeId, words);
    },

    /** The staff family file: members, accounts, every request with its outcome, the staff actions. */
    async getFamilyFile(communeId: number, familyId: number): Promise<FamilyFile> {
      const family = await requireFamily(communeId, familyId);
      const [list, accounts, familyRequests, entries] = await Promise.all([
        families.listMembers(communeId, familyId),
        families.listAccounts(communeId, familyId),
        requests.listForFamilyWithDecider(communeId, familyId),
        audit.listJournal(communeId, { familyId, limit: FAMILY_FILE_AUDIT_ENTRIES, offset: 0 }),
      ]);
      return { family, members: list, accounts, requests: familyRequests, audit: entries.slice(0, FAMILY_FILE_AUDIT_ENTRIES), now: clock.now() };
    },

    /** One member of the family for the staff form; another family's member answers 404. */
    async memberForm(communeId: number, familyId: number, memberId: number): Promise<StaffMemberForm> {
      const family = await requireFamily(communeId, familyId);
      const member = await members.require(communeId, familyId, memberId);
      const [familyRequests, address] = await Promise.all([
        requests.listForFamily(communeId, familyId),
        members.signInAddressOf(communeId, memberId),
      ]);
      const now = clock.now();
      return { family, member, pending: familyRequests.filter((request) => request.status === 'pending'), address, today: parisDay(now), now };
    },

    updateMemberByStaff,

    /**
     * Staff edit form: refuses an e-mail address another account signs in with (the unique key
     * would refuse it too, but without a message), then applies the change as `updateMemberByStaff`.
     */
    async editMemberByStaff(commune: Commune, staff: User, familyId: number, memberId: number, proposed: Record<string, FieldValue>) {
      if (typeof proposed.email === 'string') {
        const taken = await users.findByEmail(commune.id, proposed.email);
        if (taken && taken.memberId !== memberId) {
          throw refused([{ field: 'email', refusal: { code: 'email_taken', email: proposed.email } }]);
        }
      }
      return updateMemberByStaff(commune, staff, familyId, memberId, proposed);
    },
  };
}

export type StaffFamilyFileService = ReturnType<typeof staffFamilyFileService>;
