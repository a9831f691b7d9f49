import type { Knex } from 'knex';
import * as createCommunes from './20261121_01_create_communes.ts';
import * as createFamiliesAndMembers from './20261121_02_create_families_and_members.ts';
import * as createUsers from './20261121_03_create_users.ts';
import * as createSessions from './20261121_04_create_sessions.ts';
import * as accountLifecycle from './20261121_05_account_lifecycle.ts';
import * as createAccountTokens from './20261121_06_create_account_tokens.ts';
import * as createMailOutbox from './20261121_07_create_mail_outbox.ts';
import * as createSignInEvents from './20261121_08_create_sign_in_events.ts';
import * as createRateLimits from './20261121_09_create_rate_limits.ts';
import * as familyFileAndRequests from './20261122_10_family_file_and_requests.ts';
import * as createMessages from './20261123_11_create_messages.ts';
import * as enableUnaccent from './20261123_12_enable_unaccent.ts';
import * as createActivities from './20261123_13_create_activities.ts';
import * as createRegistrations from './20261123_14_create_registrations.ts';
import * as createBookings from './20261124_15_create_bookings.ts';
import * as createAttendance from './20261124_16_create_attendance.ts';
import * as createAbsences from './20261124_17_create_absences.ts';
import * as emailChangeTokens from './20261201_19_email_change_tokens.ts';
import * as createFormSubmissions from './20261201_20_create_form_submissions.ts';
import * as indexFamiliesByName from './20261201_22_index_families_by_name.ts';
import * as createFamilyQuotients from './20261201_23_create_family_quotients.ts';
import * as createInvoices from './20261201_24_create_invoices.ts';
import * as createPayments from './20261201_25_create_payments.ts';
import * as createMandates from './20261201_26_create_mandates.ts';
import * as trackDebitOutcomes from './20261201_27_track_debit_outcomes.ts';
import * as createFamilyDocuments from './20261201_28_create_family_documents.ts';
import * as createPrivateFilesAndCommuneDocuments from './20261201_29_create_private_files_and_commune_documents.ts';
import * as messageThreads from './20261201_30_message_threads.ts';
import * as tenantKeysIncludeCommune from './20261201_31_tenant_keys_include_commune.ts';
import * as newTenantKeysIncludeCommune from './20261201_32_new_tenant_keys_include_commune.ts';
import * as createPaymentRefunds from './20261208_33_create_payment_refunds.ts';
import * as encryptMandateIbans from './20261208_40_encrypt_mandate_ibans.ts';
import * as storedFilesSender from './20261208_45_stored_files_sender.ts';
import * as dropMessageFormTokens from './20261208_60_drop_message_form_tokens.ts';

/**
 * Migrations are listed here rather than discovered on disk, so the same code runs under tsx,
 * vitest and a compiled build. Append new ones; never edit or reorder those that landed.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261121_01_create_communes': createCommunes,
  '20261121_02_create_families_and_members': createFamiliesAndMembers,
  '20261121_03_create_users': createUsers,
  '20261121_04_create_sessions': createSessions,
  '20261121_05_account_lifecycle': accountLifecycle,
  '20261121_06_create_account_tokens': createAccountTokens,
  '20261121_07_create_mail_outbox': createMailOutbox,
  '20261121_08_create_sign_in_events': createSignInEvents,
  '20261121_09_create_rate_limits': createRateLimits,
  '20261122_10_family_file_and_requests': familyFileAndRequests,
  '20261123_11_create_messages': createMessages,
  '20261123_12_enable_unaccent': enableUnaccent,
  '20261123_13_create_activities': createActivities,
  '20261123_14_create_registrations': createRegistrations,
  '20261124_15_create_bookings': createBookings,
  '20261124_16_create_attendance': createAttendance,
  '20261124_17_create_absences': createAbsences,
  '20261201_19_email_change_tokens': emailChangeTokens,
  '20261201_20_create_form_submissions': createFormSubmissions,
  '20261201_22_index_families_by_name': indexFamiliesByName,
  '20261201_23_create_family_quotients': createFamilyQuotients,
  '20261201_24_create_invoices': createInvoices,
  '20261201_25_create_payments': createPayments,
  '20261201_26_create_mandates': createMandates,
  '20261201_27_track_debit_outcomes': trackDebitOutcomes,
  '20261201_28_create_family_documents': createFamilyDocuments,
  '20261201_29_create_private_files_and_commune_documents': createPrivateFilesAndCommuneDocuments,
  '20261201_30_message_threads': messageThreads,
  '20261201_31_tenant_keys_include_commune': tenantKeysIncludeCommune,
  '20261201_32_new_tenant_keys_include_commune': newTenantKeysIncludeCommune,
  '20261208_33_create_payment_refunds': createPaymentRefunds,
  '20261208_40_encrypt_mandate_ibans': encryptMandateIbans,
  '20261208_45_stored_files_sender': storedFilesSender,
  '20261208_60_drop_message_form_tokens': dropMessageFormTokens,
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
