/**
 * CPU cost of the booking summary the dashboard shows (`bookingGridService.familySummary`), without
 * the database: in-memory repositories give a family of two children registered to every activity
 * of a commune, and the summary is computed for many « now » spread over the school year.
 *
 *   npx tsx scripts/family-summary-cpu.ts [commune-slug] [iterations]
 *   FIXED_NOW=2026-11-26T10:30:00+01:00 npx tsx scripts/family-summary-cpu.ts echirolles 20000
 *
 * It measures the Paris-time reckoning only; `npm run bench` measures the pages.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseCommuneFile } from '../src/config/commune-file.ts';
import { parseSchoolHolidays } from '../src/domain/calendar/school-holidays.ts';
import type { Repositories } from '../src/data/index.ts';
import type { Activity } from '../src/model/activity.ts';
import type { Commune } from '../src/model/commune.ts';
import { bookingGridService } from '../src/services/booking/booking-grid-service.ts';
import { calendarService } from '../src/services/booking/calendar-service.ts';

const slug = process.argv[2] ?? 'echirolles';
const iterations = Number(process.argv[3] ?? 2000);
const file = parseCommuneFile(`${slug}.json`, JSON.parse(fs.readFileSync(`seeds/communes/${slug}.json`, 'utf8')));
const holidays = parseSchoolHolidays(JSON.parse(fs.readFileSync('seeds/calendar/school-holidays.json', 'utf8')));

const activities: Activity[] = file.activities.map((activity, index) => ({
  id: index + 1,
  communeId: 1,
  code: activity.code,
  name: activity.name,
  kind: activity.kind,
  days: activity.days,
  capacityPerDay: activity.capacityPerDay ?? null,
  rules: { booking: activity.booking, cancelling: activity.cancelling, horizon: activity.horizon, requiredDocuments: activity.requiredDocuments, tariff: activity.tariff, unit: activity.unit },
  active: true,
}));
const children = [11, 12];
const registrations = children.flatMap((memberId) =>
  activities.map((activity) => ({ memberId, activityId: activity.id, startsOn: '2026-09-01', endsOn: '2027-07-03', status: 'validated' })),
);
const repositories = {
  families: { listMembers: async () => children.map((id) => ({ id, role: 'child', firstName: `E${id}`, lastName: 'Martin' })) },
  registrations: { listForFamily: async () => registrations },
  bookings: { listLiveForFamily: async () => [] },
  activities: { listRegisteredByFamily: async () => activities },
} as unknown as Repositories;
const commune = { id: 1, slug, name: slug, holidayZone: file.holidayZone, settings: { holidayCorrections: file.holidayCorrections, closureDays: file.closureDays } } as unknown as Commune;

// By default « now » walks through the school year, a day and an hour at a time (the kept facts
// keep meeting new days); FIXED_NOW holds one instant, as a rush of families on one morning does.
let now = new Date('2026-09-01T07:00:00Z');
const clock = { now: () => now };
const service = bookingGridService(repositories, clock, calendarService(holidays, clock));

const start = performance.now();
const cpuStart = process.cpuUsage();
let found = 0;
for (let i = 0; i < iterations; i += 1) {
  now = process.env.FIXED_NOW ? new Date(process.env.FIXED_NOW) : new Date(Date.UTC(2026, 8, 1, 7) + (i % 300) * 86_400_000 + (i % 7) * 3_600_000);
  const summary = await service.familySummary(commune, 1);
  found += summary.children.filter((child) => child.nextDeadline).length;
}
const elapsed = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(`${slug}: ${iterations} summaries in ${elapsed.toFixed(0)} ms (${cpuMs.toFixed(0)} ms of CPU), ${((cpuMs / iterations) * 1000).toFixed(0)} µs of CPU each (${found} deadlines found)`);
