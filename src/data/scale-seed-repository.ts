import type { Knex } from 'knex';
import type { CalendarDay } from '../domain/calendar/calendar-day.ts';
import type { Database, Transaction } from './database.ts';

/** The families the scale seeder writes: references `scale-00001`…, identifiers the same. */
export const SCALE_PREFIX = 'scale-';

/** An activity to fill, with the days it is open in the school year (computed once by the calendar). */
export interface ScaleActivity {
  id: number;
  code: string;
  capacity: number | null;
  openDays: CalendarDay[];
  /** Which children are registered: child number k (1…) when k % modulo === remainder (or, `except`, when not). */
  modulo: number;
  remainder: number;
  except: boolean;
}

export interface ScalePlan {
  communeId: number;
  families: number;
  city: string;
  postcode: string | null;
  /** One argon2id hash, reused by every generated account (hashing 20,000 times would take minutes). */
  passwordHash: string;
  schoolYear: { name: string; startsOn: CalendarDay; endsOn: CalendarDay };
  activities: ScaleActivity[];
  /** Days before it have attendance; bookings are spread before and after it. */
  today: CalendarDay;
  now: Date;
}

export interface ScaleCounts {
  families: number;
  parents: number;
  children: number;
  registrations: number;
  bookings: number;
  waiting: number;
  attendance: number;
}

const LAST_NAMES = [
  'Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent',
  'Simon', 'Michel', 'Lefebvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard',
  'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Lefèvre', 'Faure', 'Andre',
  'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'François', 'Legrand', 'Gauthier', 'Garcia',
];
const PARENT_FIRST_NAMES = ['Claire', 'Julie', 'Sophie', 'Nadia', 'Fatima', 'Camille', 'Marc', 'Karim', 'Thomas', 'Nicolas', 'Sarah', 'Laura', 'Mehdi', 'Pierre', 'Aurélie', 'Yasmine'];
const CHILD_FIRST_NAMES = ['Léa', 'Hugo', 'Emma', 'Louis', 'Jade', 'Gabriel', 'Lina', 'Adam', 'Chloé', 'Raphaël', 'Inès', 'Arthur', 'Mila', 'Nathan', 'Zoé', 'Rayan', 'Alice', 'Sacha'];
const SCHOOLS = ['École Jean-Jaurès', 'École Paul-Langevin', 'École Marcel-David', 'École Jules-Ferry', 'École Picasso', 'École Vaillant-Couturier'];
const LEVELS = ['CM2', 'CM1', 'CE2', 'CE1', 'CP', 'Grande section', 'Moyenne section', 'Petite section'];

/** A pseudo-random 0…999 from integers, the same on every run (PostgreSQL's own integer hash). */
const hash = (expression: string) => `(abs(hashint8(${expression})) % 1000)`;

/**
 * Fills a commune with generated families in one transaction, set-based (`INSERT … SELECT
 * generate_series`): a few statements whatever the number of families. Data only: which days are
 * open, the password hash and the mix come from the service.
 */
export function scaleSeedRepository(db: Database) {
  async function count(trx: Transaction, sql: string, bindings: readonly Knex.RawBinding[]): Promise<number> {
    const result = await trx.raw<{ rows: { n: number }[] }>(sql, bindings);
    return Number(result.rows[0]!.n);
  }

  return {
    /** How many scale families the commune already holds. */
    async existingFamilies(communeId: number): Promise<number> {
      const [row] = await db('families')
        .where({ commune_id: communeId })
        .andWhere('reference', 'like', `${SCALE_PREFIX}%`)
        .count<{ count: number }[]>('* as count');
      return Number(row!.count);
    },

    /** `log`: how long each step took, for `LOG_LEVEL=debug`. */
    async fill(plan: ScalePlan, log: (step: string, ms: number) => void = () => {}): Promise<ScaleCounts & { agentId: number }> {
      let last = Date.now();
      const lap = (step: string) => {
        const now = Date.now();
        log(step, now - last);
        last = now;
      };
      return db.transaction(async (trx) => {
        const c = plan.communeId;
        // Foreign-key checks are triggers: skipped for this transaction when allowed (superuser, as
        // on the embedded PostgreSQL), since every row here points at a row written just before.
        const [{ rolsuper }] = (await trx.raw<{ rows: { rolsuper: boolean }[] }>(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).rows as [{ rolsuper: boolean }];
        if (rolsuper) await trx.raw(`SET LOCAL session_replication_role = replica`);
        await trx.raw(`SET LOCAL synchronous_commit = off`);

        const [agent] = await trx('users')
          .insert({
            commune_id: c,
            role: 'agent',
            email: `${SCALE_PREFIX}agent@scale.example.org`,
            identifier: `${SCALE_PREFIX}agent`,
            first_name: 'Agent',
            last_name: 'Scale',
            status: 'active',
            password_hash: plan.passwordHash,
          })
          .returning<{ id: number }[]>('id');
        const agentId = agent!.id;

        await trx.raw(`CREATE TEMP TABLE scale_families (i int PRIMARY KEY, family_id int NOT NULL, guardian_id int, user_id int) ON COMMIT DROP`);
        await trx.raw(`CREATE TEMP TABLE scale_children (k int PRIMARY KEY, i int NOT NULL, member_id int NOT NULL) ON COMMIT DROP`);

        await trx.raw(
          `WITH inserted AS (
             INSERT INTO families (commune_id, reference, name, address_line, postcode, city)
             SELECT ?, ? || lpad(i::text, 5, '0'), (?::text[])[1 + i % ?], (1 + i % 180) || ' avenue des Écoles', ?, ?
             FROM generate_series(1, ?) AS i
             RETURNING id, reference)
           INSERT INTO scale_families (i, family_id) SELECT substr(reference, ?)::int, id FROM inserted`,
          [c, SCALE_PREFIX, LAST_NAMES, LAST_NAMES.length, plan.postcode, plan.city, plan.families, SCALE_PREFIX.length + 1],
        );
        await trx.raw(
          `WITH inserted AS (
             INSERT INTO members (commune_id, family_id, role, civility, last_name, first_name, birth_date, email, phone)
             SELECT ?, f.family_id, 'guardian', CASE WHEN f.i % 3 = 0 THEN 'monsieur' ELSE 'madame' END,
                    (?::text[])[1 + f.i % ?], (?::text[])[1 + f.i % ?], DATE '1980-01-01' + (f.i % 5000),
                    ? || lpad(f.i::text, 5, '0') || '@scale.example.org', '06 ' || lpad((f.i % 100)::text, 2, '0') || ' 00 00 00'
             FROM scale_families f
             RETURNING id, family_id)
           UPDATE scale_families f SET guardian_id = inserted.id FROM inserted WHERE inserted.family_id = f.family_id`,
          [c, LAST_NAMES, LAST_NAMES.length, PARENT_FIRST_NAMES, PARENT_FIRST_NAMES.length, SCALE_PREFIX],
        );
        await trx.raw(
          `WITH inserted AS (
             INSERT INTO users (commune_id, role, email, identifier, first_name, last_name, status, password_hash, family_id, member_id)
             SELECT ?, 'parent', ? || lpad(f.i::text, 5, '0') || '@scale.example.org', ? || lpad(f.i::text, 5, '0'),
                    m.first_name, m.last_name, 'active', ?, f.family_id, f.guardian_id
             FROM scale_families f JOIN members m ON m.id = f.guardian_id
             RETURNING id, family_id)
           UPDATE scale_families f SET user_id = inserted.id FROM inserted WHERE inserted.family_id = f.family_id`,
          [c, SCALE_PREFIX, SCALE_PREFIX, plan.passwordHash],
        );
        // 1.75 children a family: one child in every fourth family, two in the others.
        await trx.raw(
          `WITH wanted AS (
             SELECT f.i, f.family_id, j, row_number() OVER (ORDER BY f.i, j) AS k
             FROM scale_families f CROSS JOIN LATERAL generate_series(1, CASE WHEN f.i % 4 = 0 THEN 1 ELSE 2 END) AS j),
           inserted AS (
             INSERT INTO members (commune_id, family_id, role, last_name, first_name, birth_date, school, school_level)
             SELECT ?, w.family_id, 'child', (?::text[])[1 + w.i % ?], (?::text[])[1 + (w.k % ?)],
                    DATE '2015-01-01' + ((w.k * 37) % 2900)::int, (?::text[])[1 + w.i % ?], (?::text[])[1 + w.k % ?]
             FROM wanted w ORDER BY w.k
             RETURNING id, family_id)
           INSERT INTO scale_children (k, i, member_id)
           SELECT row_number() OVER (ORDER BY inserted.id), f.i, inserted.id FROM inserted JOIN scale_families f USING (family_id)`,
          [c, LAST_NAMES, LAST_NAMES.length, CHILD_FIRST_NAMES, CHILD_FIRST_NAMES.length, SCHOOLS, SCHOOLS.length, LEVELS, LEVELS.length],
        );

        await trx.raw(`ANALYZE scale_families`);
        await trx.raw(`ANALYZE scale_children`);
        lap('families, parents, children');
        // A quotient familial for nine families in ten, spread over every bracket; the tenth pays the top price.
        await trx.raw(
          `INSERT INTO family_quotients (commune_id, family_id, value, valid_from, valid_until, source, set_by, set_at)
           SELECT ?, f.family_id, 250 + ${hash('f.i')} * 3 / 2, DATE '2026-01-01', NULL, 'staff', ?, ?
           FROM scale_families f WHERE f.i % 10 <> 0`,
          [c, agentId, plan.now],
        );

        const written = { registrations: 0, bookings: 0, waiting: 0, attendance: 0 };
        for (const activity of plan.activities) {
          const registered = await trx.raw(
            `INSERT INTO registrations (commune_id, family_id, member_id, activity_id, school_year, starts_on, ends_on, status, reference, created_at, decided_at, decided_by)
             SELECT ?, f.family_id, ch.member_id, ?, ?, ?, ?, 'validated', 'SCALE-' || ? || '-' || ch.member_id, ?, ?, ?
             FROM scale_children ch JOIN scale_families f USING (i)
             WHERE (ch.k % ? = ?) <> ?`,
            [c, activity.id, plan.schoolYear.name, plan.schoolYear.startsOn, plan.schoolYear.endsOn, activity.code, plan.now, plan.now, agentId, activity.modulo, activity.remainder, activity.except],
          );
          written.registrations += (registered as unknown as { rowCount: number }).rowCount;
          if (!activity.openDays.length) continue;
          const booked = activity.capacity === null ? await insertRegularBookings(trx, plan, activity, agentId) : await insertCappedBookings(trx, plan, activity, agentId);
          written.bookings += booked.booked;
          written.waiting += booked.waiting;
          written.attendance += booked.attendance;
          lap(`registrations, bookings and attendance: ${activity.code}`);
        }

        const counts: ScaleCounts = {
          families: plan.families,
          parents: await count(trx, `SELECT count(*) AS n FROM scale_families WHERE user_id IS NOT NULL`, []),
          children: await count(trx, `SELECT count(*) AS n FROM scale_children`, []),
          ...written,
        };
        return { ...counts, agentId };
      });
    },

    /** Fresh statistics for the planner: the tables just grew by millions of rows. */
    async analyze(): Promise<void> {
      for (const table of ['families', 'members', 'users', 'family_quotients', 'registrations', 'bookings', 'activity_days', 'attendance']) {
        await db.raw(`ANALYZE ${table}`);
      }
    },
  };
}

/**
 * Writes the bookings a SELECT gives and, in the same statement, the attendance of their past days
 * (present, one in twenty absent): the rows are read once, and counted on the way.
 */
async function insertBookingsWithAttendance(
  trx: Transaction,
  select: string,
  bindings: readonly Knex.RawBinding[],
  plan: ScalePlan,
  agentId: number,
): Promise<{ booked: number; waiting: number; attendance: number }> {
  const result = await trx.raw<{ rows: { booked: number; waiting: number; attendance: number }[] }>(
    `WITH inserted AS (
       INSERT INTO bookings (commune_id, family_id, member_id, activity_id, day, status, waiting_position, waiting_since, created_at, updated_at, created_by, updated_by)
       ${select}
       RETURNING commune_id, activity_id, member_id, family_id, day, status),
     marked AS (
       INSERT INTO attendance (commune_id, activity_id, member_id, family_id, day, status, marked_by, marked_at)
       SELECT commune_id, activity_id, member_id, family_id, day,
              CASE WHEN ${hash(`member_id::bigint * 7 + (day - DATE '2000-01-01')`)} < 50 THEN 'absent' ELSE 'present' END,
              ?, day + TIME '18:00'
       FROM inserted WHERE status = 'booked' AND day < ?
       RETURNING 1)
     SELECT (SELECT count(*) FROM inserted WHERE status = 'booked') AS booked,
            (SELECT count(*) FROM inserted WHERE status = 'waiting') AS waiting,
            (SELECT count(*) FROM marked) AS attendance`,
    [...bindings, agentId, plan.today],
  );
  const row = result.rows[0]!;
  return { booked: Number(row.booked), waiting: Number(row.waiting), attendance: Number(row.attendance) };
}

/**
 * Activities without a capacity: most children booked on every day of the activity; one in five
 * leaves out one weekday, one in ten comes two days a week; a week in twenty-five the family is on
 * holiday (nothing booked); a day in fifty was booked then cancelled in time.
 */
async function insertRegularBookings(trx: Transaction, plan: ScalePlan, activity: ScaleActivity, agentId: number) {
  const dayIndex = `(d.day - DATE '2000-01-01')`;
  return insertBookingsWithAttendance(
    trx,
    `SELECT r.commune_id, r.family_id, r.member_id, r.activity_id, d.day,
            CASE WHEN ${hash(`r.member_id::bigint * 131 + ${dayIndex}`)} < 20 THEN 'cancelled' ELSE 'booked' END, NULL::int, NULL::timestamptz,
            least(d.day - 21 + TIME '20:30', ?::timestamptz), least(d.day - 21 + TIME '20:30', ?::timestamptz), f.user_id, f.user_id
     FROM registrations r
     JOIN scale_children ch ON ch.member_id = r.member_id
     JOIN scale_families f ON f.i = ch.i
     CROSS JOIN unnest(?::date[]) AS d(day)
     WHERE r.commune_id = ? AND r.activity_id = ?
       AND ${hash(`r.member_id::bigint * 17 + ${dayIndex} / 7`)} >= 40
       AND CASE
             WHEN ${hash('r.member_id')} < 700 THEN true
             WHEN ${hash('r.member_id')} < 900 THEN extract(isodow FROM d.day) <> 1 + r.member_id % 5
             ELSE extract(isodow FROM d.day) IN (1, 2)
           END`,
    [booked(plan), booked(plan), activity.openDays, plan.communeId, activity.id],
    plan,
    agentId,
  );
}

/** Bookings were made three weeks ahead, or else at the latest the day before the seeding: never in the future. */
const booked = (plan: ScalePlan) => new Date(plan.now.getTime() - 86_400_000);

/**
 * Activities with a capacity per day: on most days `capacity - 10` children booked (ten places
 * left; half the places for a small capacity), on one day in five more children asked than there are places: the day is full and the
 * others wait, in order. The places of every day are counted in `activity_days`.
 */
async function insertCappedBookings(trx: Transaction, plan: ScalePlan, activity: ScaleActivity, agentId: number) {
  const capacity = activity.capacity!;
  const dayIndex = `(d.day - DATE '2000-01-01')`;
  // Places already taken on a day (the demo family's, say) count: `free` is what is left of them.
  const written = await insertBookingsWithAttendance(
    trx,
    `SELECT commune_id, family_id, member_id, activity_id, day,
            CASE WHEN rank <= free THEN 'booked' ELSE 'waiting' END,
            CASE WHEN rank <= free THEN NULL ELSE waiting_before + rank - free END,
            CASE WHEN rank <= free THEN NULL ELSE at END, at, at, user_id, user_id
     FROM (
       SELECT r.commune_id, r.family_id, r.member_id, r.activity_id, d.day, f.user_id,
              least(d.day - 21 + TIME '20:00', ?::timestamptz) + row_number() OVER (PARTITION BY d.day ORDER BY ${hash(`r.member_id::bigint * 29 + ${dayIndex}`)}, r.member_id) * INTERVAL '1 second' AS at,
              ?::int - coalesce(ad.booked, 0) AS free,
              coalesce(ad.waiting_last, 0) AS waiting_before,
              CASE WHEN ${dayIndex} % 5 = 0 THEN ?::int ELSE ?::int END - coalesce(ad.booked, 0) AS wanted,
              row_number() OVER (PARTITION BY d.day ORDER BY ${hash(`r.member_id::bigint * 29 + ${dayIndex}`)}, r.member_id) AS rank
       FROM registrations r
       JOIN scale_children ch ON ch.member_id = r.member_id
       JOIN scale_families f ON f.i = ch.i
       CROSS JOIN unnest(?::date[]) AS d(day)
       LEFT JOIN activity_days ad ON ad.commune_id = r.commune_id AND ad.activity_id = r.activity_id AND ad.day = d.day
       WHERE r.commune_id = ? AND r.activity_id = ?) AS asked
     WHERE rank <= wanted`,
    [booked(plan), capacity, Math.ceil(capacity * 1.25), Math.max(capacity - 10, Math.ceil(capacity / 2)), activity.openDays, plan.communeId, activity.id],
    plan,
    agentId,
  );
  await trx.raw(
    `INSERT INTO activity_days (commune_id, activity_id, day, capacity, booked, waiting_last)
     SELECT commune_id, activity_id, day, ?::int, count(*) FILTER (WHERE status = 'booked'), coalesce(max(waiting_position), 0)
     FROM bookings WHERE commune_id = ? AND activity_id = ? AND status IN ('booked', 'waiting')
     GROUP BY commune_id, activity_id, day
     ON CONFLICT (commune_id, activity_id, day) DO UPDATE
       SET booked = EXCLUDED.booked, waiting_last = greatest(activity_days.waiting_last, EXCLUDED.waiting_last)`,
    [capacity, plan.communeId, activity.id],
  );
  return written;
}

export type ScaleSeedRepository = ReturnType<typeof scaleSeedRepository>;
