import type { Knex } from 'knex';
import * as createCommunes from './20261121_01_create_communes.ts';
import * as createFamiliesAndMembers from './20261121_02_create_families_and_members.ts';
import * as createUsers from './20261121_03_create_users.ts';
import * as createSessions from './20261121_04_create_sessions.ts';

/**
 * Migrations are listed here rather than discovered on disk, so the same code runs under tsx,
 * vitest and a compiled build. Append new ones; never edit or reorder those that landed.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261121_01_create_communes': createCommunes,
  '20261121_02_create_families_and_members': createFamiliesAndMembers,
  '20261121_03_create_users': createUsers,
  '20261121_04_create_sessions': createSessions,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const migration = migrations[name];
    if (!migration) throw new Error(`unknown migration ${name}`);
    return migration;
  },
};
