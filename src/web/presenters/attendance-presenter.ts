import type { AttendanceLine } from '../../model/attendance.ts';
import type { AttendanceStatus } from '../../domain/attendance-sheet.ts';
import type { DayStatus } from '../../domain/calendar/closed-days.ts';
import { markingRefusalWords } from '../../i18n/attendance-words.ts';
import { closedDayWords } from '../../i18n/booking-words.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { csvDate, csvDateTime, spreadsheetCsv } from '../../integrations/csv/spreadsheet-csv.ts';
import type { AttendanceSheet, MarkOutcome, MealDay } from '../../services/booking/attendance-service.ts';

export const PRESENCE_WORDS: Record<AttendanceStatus, string> = { present: 'Présent', absent: 'Absent' };
const NOT_MARKED = 'Non pointé';

/** « jeudi 26 novembre 2026 », « mardi 1er décembre 2026 » */
export const dayWords = (day: string) => formatDate(day);

/** Why a day is closed, or null when it is open. */
const closedWhy = (status: DayStatus) => (status.open ? null : closedDayWords(status));

/** Whether a day is open, and why not in words: what the « Inscrits par jour » page shows. */
export const dayStatusView = (status: DayStatus) => ({ open: status.open, label: closedWhy(status) });

const plural = (count: number, word: string) => `${count} ${word}${count > 1 ? 's' : ''}`;

const childName = (line: { firstName: string; lastName: string }) => `${line.firstName} ${line.lastName}`;

/** « PAI · Allergies : arachides », or null when the file says nothing. */
export function healthWords(line: { hasPai: boolean | null; allergies: string | null }): string | null {
  const allergies = line.allergies?.trim();
  const parts = [line.hasPai ? 'PAI' : null, allergies ? `Allergies : ${allergies}` : null].filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}

function bookingWords(line: Pick<AttendanceLine, 'bookingStatus' | 'waitingRank'>): string {
  if (line.bookingStatus === 'booked') return 'Réservé';
  if (line.bookingStatus === 'waiting') return `Sans réservation (liste d'attente, n° ${line.waitingRank})`;
  return 'Sans réservation';
}

export interface SheetRowView {
  memberId: number;
  /** The radio group's name, and its fieldset's id is `field-<name>`. */
  field: string;
  childName: string;
  familyId: number;
  familyName: string;
  familyReference: string;
  school: string | null;
  health: string | null;
  booked: boolean;
  bookingWords: string;
  /** The mark the radios show: the one saved, or the one sent back with an error. */
  checked: string;
  presenceWords: string;
  /** « par Agnès Durand le jeudi 26 novembre 2026 à 08h45 » */
  markedWords: string | null;
}

export interface WaitingRowView {
  rank: number;
  childName: string;
  familyId: number;
  familyName: string;
  familyReference: string;
  health: string | null;
  presenceWords: string | null;
}

function rowOf(line: AttendanceLine, values: Record<string, unknown>): SheetRowView {
  const field = `presence-${line.memberId}`;
  const sent = values[field];
  return {
    memberId: line.memberId,
    field,
    childName: childName(line),
    familyId: line.familyId,
    familyName: line.familyName,
    familyReference: line.familyReference,
    school: [line.school, line.schoolLevel].filter(Boolean).join(', ') || null,
    health: healthWords(line),
    booked: line.bookingStatus === 'booked',
    bookingWords: bookingWords(line),
    checked: typeof sent === 'string' ? sent : (line.attendance ?? ''),
    presenceWords: line.attendance ? PRESENCE_WORDS[line.attendance] : NOT_MARKED,
    markedWords:
      line.markedAt && line.markedByName
        ? `par ${line.markedByName} le ${formatDateTime(line.markedAt)}`
        : null,
  };
}

/** The sheet as the page shows it; `values` are what a refused form sent, to show them again. */
export function presentSheet(sheet: AttendanceSheet, values: Record<string, unknown> = {}) {
  const { counts } = sheet;
  return {
    title: `${sheet.activity.name} – ${dayWords(sheet.day)}`,
    dayWords: dayWords(sheet.day),
    open: sheet.status.open,
    closedWhy: closedWhy(sheet.status),
    refusal: sheet.refusal ? markingRefusalWords(sheet.refusal) : null,
    counts,
    countWords: [plural(counts.booked, 'réservé'), plural(counts.present, 'présent'), plural(counts.absent, 'absent'), plural(counts.notMarked, 'non pointé')],
    /** « (dont 2 présents sans réservation) », or null. */
    withoutBookingWords: counts.presentWithoutBooking ? `(dont ${plural(counts.presentWithoutBooking, 'présent')} sans réservation)` : null,
    rows: sheet.marked.map((line) => rowOf(line, values)),
    waiting: sheet.waiting.map(
      (line): WaitingRowView => ({
        rank: line.waitingRank ?? 0,
        childName: childName(line),
        familyId: line.familyId,
        familyName: line.familyName,
        familyReference: line.familyReference,
        health: healthWords(line),
        presenceWords: line.attendance ? PRESENCE_WORDS[line.attendance] : null,
      }),
    ),
    candidates: sheet.candidates
      .map((candidate) => ({
        value: String(candidate.memberId),
        label: `${candidate.lastName} ${candidate.firstName} – famille ${candidate.familyName} (${candidate.familyReference})${candidate.waiting ? ", en liste d'attente" : ''}`,
      }))
      .sort((a, b) => a.label.localeCompare(b.label, 'fr')),
  };
}

export const ATTENDANCE_CSV_HEADER = [
  'Date',
  'Activité',
  'Enfant',
  'Famille',
  'Dossier',
  'Réservé',
  'Présence',
  "Liste d'attente",
  'PAI',
  'Allergies',
  'Scolarité',
  'Pointé par',
  'Pointé le',
] as const;

/** The attendance of an activity over a period, one line per child and day, for a French spreadsheet. */
export function attendanceCsv(activityName: string, lines: readonly AttendanceLine[]): string {
  return spreadsheetCsv(
    ATTENDANCE_CSV_HEADER,
    lines.map((line) => [
      csvDate(line.day),
      activityName,
      childName(line),
      line.familyName,
      line.familyReference,
      line.bookingStatus === 'booked' ? 'Oui' : 'Non',
      line.attendance ? PRESENCE_WORDS[line.attendance] : NOT_MARKED,
      line.waitingRank ?? '',
      line.hasPai ? 'Oui' : 'Non',
      line.allergies?.trim() ?? '',
      [line.school, line.schoolLevel].filter(Boolean).join(', '),
      line.markedByName ?? '',
      line.markedAt ? csvDateTime(line.markedAt) : '',
    ]),
  );
}

export interface MealDayView {
  day: string;
  dayWords: string;
  open: boolean;
  closedWhy: string | null;
  booked: number;
  withPai: number;
  withAllergies: number;
}

export function presentMeals(days: readonly MealDay[]) {
  const rows: MealDayView[] = days.map((day) => ({
    day: day.day,
    dayWords: dayWords(day.day),
    open: day.status.open,
    closedWhy: closedWhy(day.status),
    booked: day.booked,
    withPai: day.withPai,
    withAllergies: day.withAllergies,
  }));
  return {
    rows,
    total: {
      booked: rows.reduce((sum, row) => sum + row.booked, 0),
      withPai: rows.reduce((sum, row) => sum + row.withPai, 0),
      withAllergies: rows.reduce((sum, row) => sum + row.withAllergies, 0),
    },
  };
}

export const MEALS_CSV_HEADER = ['Date', 'Jour', 'Accueil', 'Repas réservés', 'Dont PAI', 'Dont allergies'] as const;

/** The canteen's meal counts per day, for a French spreadsheet. */
export function mealsCsv(days: readonly MealDay[]): string {
  return spreadsheetCsv(
    MEALS_CSV_HEADER,
    days.map((day) => [
      csvDate(day.day),
      dayWords(day.day).split(' ')[0]!,
      day.status.open ? 'Ouvert' : `Fermé : ${closedDayWords(day.status)}`,
      day.booked,
      day.withPai,
      day.withAllergies,
    ]),
  );
}

/** The message after a sheet is saved: « Pointage enregistré pour le … : 2 présents, 1 absent. » */
export function markedMessage(day: string, outcome: MarkOutcome): string {
  const words = [plural(outcome.present, 'présent'), plural(outcome.absent, 'absent')].join(', ');
  return `Pointage enregistré pour le ${dayWords(day)} : ${words}${outcome.changed ? '' : " (rien n'a changé)"}.`;
}

/** The message after a child is marked present without a booking. */
export function addedPresentMessage(name: string, changed: boolean): string {
  return changed ? `${name} est pointé·e présent·e sans réservation.` : `${name} était déjà pointé·e présent·e.`;
}

/** « Semaine du lundi 18 janvier 2027 au vendredi 22 janvier 2027 », or « Du … au … » for a period. */
export function mealsHeading(first: string, last: string, isPeriod: boolean): string {
  return `${isPeriod ? 'Du' : 'Semaine du'} ${dayWords(first)} au ${dayWords(last)}`;
}
