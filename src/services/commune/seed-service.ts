import fs from 'node:fs';
import path from 'node:path';
import { CommuneFileError, parseCommuneFile, type CommuneFile } from '../../config/commune-file.ts';
import { ProductionRefusedError } from '../../domain/errors.ts';
import type { Repositories } from '../../data/index.ts';
import type { NewMember } from '../../data/family-repository.ts';
import type { UserRole } from '../../data/user-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { PasswordHasher } from '../accounts/password-hasher.ts';
import type { CalendarService } from '../booking/calendar-service.ts';
import type { BookingGridService } from '../booking/booking-grid-service.ts';
import type { WeekChangeService } from '../booking/week-change-service.ts';
import { addDays } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import { isoWeekOf, mondayOf } from '../../domain/booking-grid.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Commune } from '../../data/commune-repository.ts';
import { daysOfMonth } from '../../domain/invoicing.ts';
import type { InvoicingService } from '../billing/invoicing-service.ts';
import type { PaymentService } from '../payment/payment-service.ts';
import { ensureDemoDocuments } from './demo-documents.ts';

/** Reads and validates every `<slug>.json` of a folder; the first broken file stops everything. */
export function loadCommuneFiles(directory: string): CommuneFile[] {
  const names = fs
    .readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return names.map((name) => {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(path.join(directory, name), 'utf8'));
    } catch (error) {
      throw new CommuneFileError(`${name}: (JSON): ${(error as Error).message}`);
    }
    const file = parseCommuneFile(name, raw);
    if (`${file.slug}.json` !== name) {
      throw new CommuneFileError(`${name}: slug: doit être le nom du fichier sans .json (« ${file.slug} » trouvé)`);
    }
    return file;
  });
}

export const DEMO_PASSWORDS = {
  parent: 'demo-parent-2026',
  agent: 'demo-agent-2026',
  admin: 'demo-admin-2026',
} as const;

interface DemoAccount {
  role: UserRole;
  email: string;
  identifier: string;
  firstName: string;
  lastName: string;
}

function demoFamilyReference(slug: string, number: number): string {
  return `${slug.slice(0, 3).toUpperCase()}-${String(number).padStart(5, '0')}`;
}

/** The sign-in addresses of the demo accounts of a commune (DESIGN §10), the published passwords' accounts. */
function demoAccountAddresses(slug: string): string[] {
  return ['parent', 'parent2', 'voisin', 'agent', 'admin'].map((name) => `${name}@${slug}.example.org`);
}

const child = (firstName: string, lastName: string, birthDate: string, school: string, level: string): NewMember => ({
  role: 'child',
  civility: null,
  lastName,
  birthName: null,
  firstName,
  birthDate,
  email: null,
  phone: null,
  school,
  schoolLevel: level,
});

const guardian = (
  civility: 'madame' | 'monsieur',
  firstName: string,
  lastName: string,
  birthDate: string,
  email: string,
  phone: string,
): NewMember => ({
  role: 'guardian',
  civility,
  lastName,
  birthName: null,
  firstName,
  birthDate,
  email,
  phone,
  school: null,
  schoolLevel: null,
});

export function seedService(
  repositories: Repositories,
  hasher: PasswordHasher,
  environment: { production: boolean },
  calendars: CalendarService,
  clock: Clock,
  bookingGrid: BookingGridService,
  weekChanges: WeekChangeService,
  invoicing: InvoicingService,
  payments: PaymentService,
) {
  /**
   * The Martin children booked on every open day of their activities for the next two weeks, as
   * Claire would do it through the grid (same rules: windows, calendar, capacity).
   */
  async function ensureDemoBookings(commune: Commune, familyReference: string) {
    const family = await repositories.families.findByReference(commune.id, familyReference);
    if (!family) return;
    const hasBookings = (await repositories.bookings.listLiveForFamily(commune.id, family.id, '2000-01-01', '2100-12-31')).length > 0;
    const claire = await repositories.users.findByEmail(commune.id, `parent@${commune.slug}.example.org`);
    if (hasBookings || !claire) return;
    const children = (await repositories.families.listMembers(commune.id, family.id)).filter((member) => member.role === 'child');
    const firstWeek = isoWeekOf(addDays(parisDay(clock.now()), 7));
    for (const week of [firstWeek, isoWeekOf(addDays(mondayOf(firstWeek), 7))]) {
      for (const child of children) {
        const grid = await bookingGrid.weekGrid(commune, family.id, child.id, week);
        const wanted = new Set(grid.rows.flatMap((row) => row.cells.filter((cell) => cell.changeable && cell.state === 'available').map((cell) => cell.key)));
        if (wanted.size) await weekChanges.changeWeek(commune, claire, child.id, week, wanted, new Set());
      }
    }
  }

  /** The Martin children's validated registrations for the current school year (DESIGN §10). */
  async function ensureDemoRegistrations(commune: Commune, familyReference: string) {
    const family = await repositories.families.findByReference(commune.id, familyReference);
    const year = calendars.openSchoolYears(commune)[0];
    if (!family || !year || (await repositories.registrations.countForFamily(commune.id, family.id)) > 0) return;
    const agent = await repositories.users.findByEmail(commune.id, `agent@${commune.slug}.example.org`);
    const children = (await repositories.families.listMembers(commune.id, family.id)).filter((member) => member.role === 'child');
    const plan: Record<string, string[]> = { Léa: ['restauration', 'periscolaire-soir'], Hugo: ['restauration', 'mercredi'] };
    await repositories.db.transaction(async (trx) => {
      for (const child of children) {
        for (const code of plan[child.firstName] ?? []) {
          const activity = await repositories.activities.findByCode(commune.id, code, trx);
          if (!activity) continue;
          const id = await repositories.registrations.insert(
            commune.id,
            { familyId: family.id, memberId: child.id, activityId: activity.id, schoolYear: year.name, startsOn: year.startsOn, endsOn: year.endsOn, requestId: null, createdAt: clock.now() },
            trx,
          );
          const yearNumber = Number(year.name.slice(0, 4));
          const number = await repositories.counters.next(commune.id, 'registration', yearNumber, trx);
          await repositories.registrations.recordDecision(
            commune.id,
            id,
            { status: 'validated', reference: `INS-${yearNumber}-${String(number).padStart(5, '0')}`, decidedBy: agent!.id, decidedAt: clock.now(), reason: null },
            trx,
          );
        }
      }
    });
  }

  /**
   * The Martin family's quotient familial (issue 11 item 7): 620 €, in the second bracket of the
   * demo tariffs, for the civil years 2026 and 2027 — one CAF attestation a year, set by the agent.
   * The Bernard family has none (it pays the top price). Once: a family with values is left alone.
   */
  async function ensureDemoQuotients(commune: Commune, familyReference: string) {
    const family = await repositories.families.findByReference(commune.id, familyReference);
    const agent = await repositories.users.findByEmail(commune.id, `agent@${commune.slug}.example.org`);
    if (!family || !agent || (await repositories.quotients.countForFamily(commune.id, family.id)) > 0) return;
    await repositories.db.transaction(async (trx) => {
      for (const year of [2026, 2027]) {
        await repositories.quotients.insert(
          commune.id,
          {
            familyId: family.id,
            value: 620,
            validFrom: `${year}-01-01`,
            validUntil: `${year}-12-31`,
            source: 'staff',
            annualIncome: null,
            requestId: null,
            proofFileId: null,
            setBy: agent.id,
            setAt: clock.now(),
          },
          trx,
        );
      }
    });
  }

  /**
   * The Martin family's invoices (issue 11 item 7): the two months before the current one, booked
   * on every open day of the children's registrations, then invoiced by the real run as the agent
   * would (the whole commune's month: at seeding, only the demo families). The older invoice is
   * « soldée », paid by cheque at the counter (a real payment, with its receipt, recorded by the
   * agent); the newer one is « à payer ». Once: a family with an invoice is left alone.
   */
  async function ensureDemoInvoices(commune: Commune, familyReference: string) {
    const family = await repositories.families.findByReference(commune.id, familyReference);
    const agent = await repositories.users.findByEmail(commune.id, `agent@${commune.slug}.example.org`);
    const claire = await repositories.users.findByEmail(commune.id, `parent@${commune.slug}.example.org`);
    if (!family || !agent || !claire) return;
    const today = parisDay(clock.now());
    if ((await repositories.invoices.listForFamily(commune.id, family.id, { settled: true, today })).length) return;
    if ((await repositories.invoices.listForFamily(commune.id, family.id, { settled: false, today })).length) return;
    const previous = invoicing.defaultMonth();
    const [year, month] = previous.split('-').map(Number) as [number, number];
    const before = month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, '0')}-01`;
    const registrations = await repositories.registrations.listForFamily(commune.id, family.id, { status: 'validated' });
    const activities = new Map((await repositories.activities.listActive(commune.id)).map((activity) => [activity.id, activity]));
    for (const first of [before, previous]) {
      await repositories.db.transaction(async (trx) => {
        // Booked well ahead, four weeks before the month.
        const bookedAt = new Date(`${addDays(first, -28)}T09:00:00Z`);
        for (const registration of registrations) {
          const activity = activities.get(registration.activityId);
          if (!activity) continue;
          for (const day of daysOfMonth(first)) {
            if (day < registration.startsOn || day > registration.endsOn || !calendars.dayStatus(commune, activity, day).open) continue;
            if (activity.capacityPerDay && !(await repositories.bookings.takePlace(commune.id, activity.id, day, activity.capacityPerDay, trx))) continue;
            await repositories.bookings.upsert(
              commune.id,
              { familyId: family.id, memberId: registration.memberId, activityId: activity.id, day, status: 'booked', waitingPosition: null, by: claire.id, at: bookedAt },
              trx,
            );
          }
        }
      });
      await invoicing.issue(commune, agent, first);
    }
    const [older] = (await repositories.invoices.listForFamily(commune.id, family.id, { settled: false, today })).filter((invoice) => invoice.periodStart === before);
    if (older) await payments.recordCounterPayment(commune, agent, family.id, [older.id], 'cheque', { chequeNumber: '0004217', chequeBank: 'Banque postale' });
  }

  async function insertAccount(
    trx: Transaction,
    communeId: number,
    account: DemoAccount,
    passwordHash: string,
    familyId: number | null,
    memberId: number | null,
  ) {
    await repositories.users.insert(
      communeId,
      { ...account, status: 'active', passwordHash, familyId, memberId },
      trx,
    );
  }

  return {
    /** Upserts every commune by slug, and its activities by code, in one transaction; never touches families or accounts. */
    async applyCommuneFiles(files: CommuneFile[]): Promise<void> {
      await repositories.db.transaction(async (trx) => {
        for (const file of files) {
          const communeId = await repositories.communes.upsertFromFile(file, trx);
          await repositories.activities.syncFromFile(communeId, file.activities, trx);
        }
      });
    },

    /**
     * Whether any commune holds one of the demo accounts, whose passwords are published. Asked by
     * account, not by family: the first family staff create gets the demo family's reference
     * (`LEM-00001`) in a commune that never had the demo.
     */
    async demoDataPresent(): Promise<boolean> {
      for (const { slug } of await repositories.communes.listAll()) {
        const commune = await repositories.communes.findBySlug(slug);
        if (!commune) continue;
        for (const address of demoAccountAddresses(slug)) {
          if (await repositories.users.findByEmail(commune.id, address)) return true;
        }
      }
      return false;
    },

    /** DESIGN §10. Each commune gets the Martin and Bernard families and two staff accounts, once. */
    async applyDemoData(): Promise<{ created: string[] }> {
      if (environment.production) {
        throw new ProductionRefusedError('demo data is never loaded in production');
      }
      const created: string[] = [];
      const hashes = {
        parent: await hasher.hash(DEMO_PASSWORDS.parent),
        agent: await hasher.hash(DEMO_PASSWORDS.agent),
        admin: await hasher.hash(DEMO_PASSWORDS.admin),
      };
      for (const { slug } of await repositories.communes.listAll()) {
        const commune = await repositories.communes.findBySlug(slug);
        if (!commune) continue;
        const martinReference = demoFamilyReference(slug, 1);
        if (await repositories.families.findByReference(commune.id, martinReference)) {
          await ensureDemoRegistrations(commune, martinReference);
          await ensureDemoBookings(commune, martinReference);
          await ensureDemoQuotients(commune, martinReference);
          await ensureDemoInvoices(commune, martinReference);
        await ensureDemoDocuments(repositories, clock, commune, martinReference);
          continue;
        }

        await repositories.db.transaction(async (trx) => {
          const domain = `${slug}.example.org`;
          const city = commune.name;
          const postcode = /\b(\d{5})\b/.exec(commune.settings.contacts.address)?.[1] ?? null;
          const martin = await repositories.families.insertFamily(
            commune.id,
            { reference: martinReference, name: 'Martin', addressLine: '12 rue des Écoles', postcode, city },
            trx,
          );
          const claire = await repositories.families.insertMember(
            commune.id,
            martin,
            guardian('madame', 'Claire', 'Martin', '1986-03-14', `parent@${domain}`, '06 12 34 56 78'),
            trx,
          );
          const paul = await repositories.families.insertMember(
            commune.id,
            martin,
            guardian('monsieur', 'Paul', 'Martin', '1984-11-02', `parent2@${domain}`, '06 98 76 54 32'),
            trx,
          );
          await repositories.families.insertMember(commune.id, martin, child('Léa', 'Martin', '2017-04-12', 'École Jean-Jaurès', 'CM1'), trx);
          await repositories.families.insertMember(commune.id, martin, child('Hugo', 'Martin', '2020-09-03', 'École Jean-Jaurès', 'Grande section'), trx);
          // Someone close to the family: may pick the children up, to call in an emergency.
          await repositories.families.insertMember(
            commune.id,
            martin,
            {
              role: 'contact',
              civility: 'madame',
              lastName: 'Durand',
              birthName: null,
              firstName: 'Monique',
              birthDate: null,
              email: null,
              phone: '06 45 67 89 01',
              school: null,
              schoolLevel: null,
              relationship: 'Grand-mère',
              canPickUp: true,
              emergencyContact: true,
            },
            trx,
          );
          await insertAccount(trx, commune.id, { role: 'parent', email: `parent@${domain}`, identifier: 'martin-claire', firstName: 'Claire', lastName: 'Martin' }, hashes.parent, martin, claire);
          await insertAccount(trx, commune.id, { role: 'parent', email: `parent2@${domain}`, identifier: 'martin-paul', firstName: 'Paul', lastName: 'Martin' }, hashes.parent, martin, paul);

          const bernard = await repositories.families.insertFamily(
            commune.id,
            { reference: demoFamilyReference(slug, 2), name: 'Bernard', addressLine: '3 allée des Tilleuls', postcode, city },
            trx,
          );
          const sophie = await repositories.families.insertMember(
            commune.id,
            bernard,
            guardian('madame', 'Sophie', 'Bernard', '1990-07-21', `voisin@${domain}`, '07 11 22 33 44'),
            trx,
          );
          await repositories.families.insertMember(commune.id, bernard, child('Nina', 'Bernard', '2018-01-30', 'École Jean-Jaurès', 'CE2'), trx);
          await insertAccount(trx, commune.id, { role: 'parent', email: `voisin@${domain}`, identifier: 'bernard-sophie', firstName: 'Sophie', lastName: 'Bernard' }, hashes.parent, bernard, sophie);

          await insertAccount(trx, commune.id, { role: 'agent', email: `agent@${domain}`, identifier: 'agent', firstName: 'Nadia', lastName: 'Roux' }, hashes.agent, null, null);
          await insertAccount(trx, commune.id, { role: 'admin', email: `admin@${domain}`, identifier: 'admin', firstName: 'Marc', lastName: 'Lefèvre' }, hashes.admin, null, null);
        });
        await ensureDemoRegistrations(commune, martinReference);
        await ensureDemoBookings(commune, martinReference);
        await ensureDemoQuotients(commune, martinReference);
        await ensureDemoInvoices(commune, martinReference);
        await ensureDemoDocuments(repositories, clock, commune, martinReference);
        created.push(slug);
      }
      return { created };
    },
  };
}

export type SeedService = ReturnType<typeof seedService>;
