import type { Executor } from './database.ts';
import type { UserRole, UserStatus, User, UserWithPassword, NewUser, PendingActivation } from '../model/user.ts';
export type { UserRole, UserStatus, User, UserWithPassword, NewUser, PendingActivation } from '../model/user.ts';

interface UserRow {
  id: number;
  commune_id: number;
  role: UserRole;
  email: string;
  identifier: string;
  first_name: string;
  last_name: string;
  password_hash: string | null;
  status: UserStatus;
  family_id: number | null;
  member_id: number | null;
  last_sign_in_at: Date | null;
  activation_requested_at: Date | null;
  activation_deadline: Date | null;
  refusal_reason: string | null;
}

const toUser = (row: UserRow): UserWithPassword => ({
  id: row.id,
  communeId: row.commune_id,
  role: row.role,
  email: row.email,
  identifier: row.identifier,
  firstName: row.first_name,
  lastName: row.last_name,
  status: row.status,
  familyId: row.family_id,
  memberId: row.member_id,
  lastSignInAt: row.last_sign_in_at,
  activationRequestedAt: row.activation_requested_at,
  activationDeadline: row.activation_deadline,
  refusalReason: row.refusal_reason,
  passwordHash: row.password_hash,
});

function withoutPassword(user: UserWithPassword): User {
  const { passwordHash: _omitted, ...rest } = user;
  return rest;
}

export function userRepository(db: Executor) {
  return {
    /** `login` is the e-mail address or the identifier, compared without case. */
    async findByLogin(communeId: number, login: string, executor: Executor = db): Promise<UserWithPassword | undefined> {
      const normalised = login.trim().toLowerCase();
      const row = await executor<UserRow>('users')
        .where({ commune_id: communeId })
        .andWhere((q) => q.whereRaw('lower(email) = ?', [normalised]).orWhereRaw('lower(identifier) = ?', [normalised]))
        .first();
      return row && toUser(row);
    },

    async findById(communeId: number, userId: number, executor: Executor = db): Promise<User | undefined> {
      const row = await executor<UserRow>('users').where({ commune_id: communeId, id: userId }).first();
      return row && withoutPassword(toUser(row));
    },

    async insert(communeId: number, user: NewUser, executor: Executor = db): Promise<number> {
      const [row] = await executor('users')
        .insert({
          commune_id: communeId,
          role: user.role,
          email: user.email,
          identifier: user.identifier,
          first_name: user.firstName,
          last_name: user.lastName,
          status: user.status,
          password_hash: user.passwordHash,
          family_id: user.familyId,
          member_id: user.memberId,
          activation_requested_at: user.activationRequestedAt ?? null,
          activation_deadline: user.activationDeadline ?? null,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    async recordSignIn(communeId: number, userId: number, at: Date, newPasswordHash?: string, executor: Executor = db) {
      await executor('users')
        .where({ commune_id: communeId, id: userId })
        .update({
          last_sign_in_at: at,
          ...(newPasswordHash ? { password_hash: newPasswordHash, updated_at: at } : {}),
        });
    },

    /** Guardians of a family who can read mail from the portal (an active account). */
    async listActiveParentsOfFamily(communeId: number, familyId: number, executor: Executor = db): Promise<User[]> {
      const rows = await executor<UserRow>('users')
        .where({ commune_id: communeId, family_id: familyId, role: 'parent', status: 'active' })
        .orderBy('id');
      return rows.map((row) => withoutPassword(toUser(row)));
    },

    /**
     * The sign-in address. Only a confirmed change of address sets it (email-change-service): a
     * new address is never used to sign in before its owner proved they read it.
     */
    async updateEmail(communeId: number, userId: number, email: string, now: Date, executor: Executor = db) {
      await executor('users').where({ commune_id: communeId, id: userId }).update({ email, updated_at: now });
    },

    /** The account that signs in with a member's address, if the member has one. */
    async findByMember(communeId: number, memberId: number, executor: Executor = db): Promise<User | undefined> {
      const row = await executor<UserRow>('users').where({ commune_id: communeId, member_id: memberId }).first();
      return row && withoutPassword(toUser(row));
    },

    async findByEmail(communeId: number, email: string, executor: Executor = db): Promise<User | undefined> {
      const row = await executor<UserRow>('users')
        .where({ commune_id: communeId })
        .whereRaw('lower(email) = ?', [email.trim().toLowerCase()])
        .first();
      return row && withoutPassword(toUser(row));
    },

    /** Identifiers of the commune equal to `base` or `base-<n>`, to pick a free one. */
    async identifiersLike(communeId: number, base: string, executor: Executor = db): Promise<Set<string>> {
      const rows = await executor('users')
        .where({ commune_id: communeId })
        .andWhere((q) => q.whereRaw('lower(identifier) = ?', [base]).orWhereRaw(`lower(identifier) ~ ?`, [`^${base.replace(/[^a-z0-9-]/g, '')}-[0-9]+$`]))
        .select<{ identifier: string }[]>('identifier');
      return new Set(rows.map((row) => row.identifier.toLowerCase()));
    },

    async setPassword(
      communeId: number,
      userId: number,
      passwordHash: string,
      now: Date,
      activate: boolean,
      executor: Executor = db,
    ) {
      await executor('users')
        .where({ commune_id: communeId, id: userId })
        .update({
          password_hash: passwordHash,
          password_changed_at: now,
          updated_at: now,
          ...(activate ? { status: 'active' } : {}),
        });
    },

    async listPendingActivations(communeId: number, executor: Executor = db): Promise<PendingActivation[]> {
      const rows = await executor('users as u')
        .join('families as f', function joinFamily() {
          this.on('f.commune_id', 'u.commune_id').andOn('f.id', 'u.family_id');
        })
        .where({ 'u.commune_id': communeId, 'u.status': 'pending_activation' })
        .whereNotNull('u.activation_deadline')
        .orderBy('u.activation_deadline')
        .orderBy('u.id')
        .select<
          {
            id: number;
            first_name: string;
            last_name: string;
            email: string;
            family_id: number;
            reference: string;
            activation_requested_at: Date;
            activation_deadline: Date;
          }[]
        >('u.id', 'u.first_name', 'u.last_name', 'u.email', 'u.family_id', 'f.reference', 'u.activation_requested_at', 'u.activation_deadline');
      return rows.map((row) => ({
        userId: row.id,
        firstName: row.first_name,
        lastName: row.last_name,
        email: row.email,
        familyId: row.family_id,
        familyReference: row.reference,
        requestedAt: row.activation_requested_at,
        deadline: row.activation_deadline,
      }));
    },

    /**
     * Applies a staff decision to an account still waiting for it; answers undefined when another
     * agent decided first (the row is no longer pending).
     */
    async decideActivation(
      communeId: number,
      userId: number,
      decision: { status: 'active' | 'refused'; decidedBy: number; reason: string | null; now: Date },
      executor: Executor = db,
    ): Promise<User | undefined> {
      const [row] = await executor('users')
        .where({ commune_id: communeId, id: userId, status: 'pending_activation' })
        .whereNotNull('activation_deadline')
        .update({
          status: decision.status,
          decided_by: decision.decidedBy,
          decided_at: decision.now,
          refusal_reason: decision.reason,
          updated_at: decision.now,
        })
        .returning<UserRow[]>('*');
      return row && withoutPassword(toUser(row));
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
