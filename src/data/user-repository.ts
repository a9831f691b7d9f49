import type { Executor } from './database.ts';

export type UserRole = 'parent' | 'agent' | 'admin';
export type UserStatus = 'pending_activation' | 'active' | 'disabled';

export interface User {
  id: number;
  communeId: number;
  role: UserRole;
  email: string;
  identifier: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  familyId: number | null;
  memberId: number | null;
  lastSignInAt: Date | null;
}

export interface UserWithPassword extends User {
  passwordHash: string | null;
}

export interface NewUser {
  role: UserRole;
  email: string;
  identifier: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  passwordHash: string | null;
  familyId: number | null;
  memberId: number | null;
}

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

    async countByRole(communeId: number, executor: Executor = db): Promise<Record<UserRole, number>> {
      const rows = await executor('users')
        .where({ commune_id: communeId })
        .groupBy('role')
        .select<{ role: UserRole; count: number }[]>('role', executor.raw('count(*)::int as count'));
      const counts: Record<UserRole, number> = { parent: 0, agent: 0, admin: 0 };
      for (const row of rows) counts[row.role] = row.count;
      return counts;
    },
  };
}

export type UserRepository = ReturnType<typeof userRepository>;
