import { isoWeekOf, mondayOf, shiftWeek, type CellState, type WeekDeadline } from '../../domain/booking-grid.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import { RHYTHMS } from '../../domain/recurring-booking.ts';
import type { DayMark } from '../../model/absence.ts';
import { DONE_WORDS, HELD_WORDS, obstacleWords, recurringWords, refusalWords, UNKNOWN_ACTIVITY, weekWords } from '../../i18n/booking-words.ts';
import { closedSinceWords, deadlineWords, timeLeftWords } from '../../i18n/deadline-words.ts';
import { formatDate, formatDateWithoutYear } from '../../i18n/format.ts';
import type { BookedDay } from '../../services/booking/absence-service.ts';
import type { FamilyBookingSummary, WeekGrid } from '../../services/booking/booking-grid-service.ts';
import type { RecurringLine } from '../../model/booking.ts';
import type { RecurringPlan } from '../../services/booking/recurring-booking-service.ts';
import type { WeekChangeOutcome } from '../../services/booking/week-change-service.ts';

/**
 * What the weekly grid, the children's list, the dashboard, the semaine type and the absence form
 * show (DESIGN §7 Weekly grid): every state is said in words and with an icon; the colour of the
 * cell only repeats it.
 */

export interface CellStateWords {
  label: string;
  icon: string;
  description: string;
}

export const CELL_STATES: Record<CellState, CellStateWords> = {
  booked: { label: 'Réservé', icon: '✓', description: 'une place est retenue ; décochez pour annuler' },
  available: { label: 'Disponible', icon: '○', description: 'cochez pour réserver' },
  full: { label: "Complet – liste d'attente proposée", icon: '●', description: "plus de place : cochez pour inscrire l'enfant sur la liste d'attente" },
  waiting: { label: "En liste d'attente", icon: '◔', description: "l'enfant aura la place si une famille annule avant la date limite ; décochez pour quitter la liste" },
  closed: { label: 'Fermé', icon: '✕', description: "pas d'accueil ce jour-là (week-end, jour férié, vacances, fermeture) ou pas d'inscription" },
  locked: { label: 'Non modifiable', icon: '⊘', description: 'la date limite pour changer ce jour est passée' },
};

/**
 * What happened on a day, drawn over the booking state: staff attendance marks (présent, absent)
 * and an absence justified by an accepted request (DESIGN §7 Weekly grid, Absences).
 */
export type CellMark = DayMark['mark'];

export const CELL_MARKS: Record<CellMark, CellStateWords> = {
  justified: { label: 'Absence justifiée', icon: '✎', description: "l'absence a été justifiée et acceptée par le service : elle n'est pas facturée" },
  present: { label: 'Présent', icon: '◉', description: "l'équipe a noté l'enfant présent ce jour-là" },
  absent: { label: 'Absent', icon: '✗', description: "l'équipe a noté l'enfant absent ce jour-là ; vous pouvez justifier l'absence" },
};

/** 1re, 2e, 3e… */
export const ordinal = (rank: number) => (rank === 1 ? '1re' : `${rank}e`);

const plural = (count: number, one: string, many: string) => `${count} ${count > 1 ? many : one}`;

export interface CellView {
  key: string;
  id: string;
  state: CellState;
  icon: string;
  stateLabel: string;
  reason?: string;
  changeable: boolean;
  checked: boolean;
  full: boolean;
  activityName: string;
  dayHeading: string;
  /** Attendance or justified absence of the day, said in words next to the booking state. */
  mark?: CellMark;
  markLabel?: string;
  markIcon?: string;
}

export interface DayView {
  day: string;
  heading: string;
  today: boolean;
  deadline?: string;
  cells: CellView[];
}

function deadlineSentence(deadline: WeekDeadline, now: Date): { kind: WeekDeadline['kind']; sentence: string; timeLeft?: string } {
  switch (deadline.kind) {
    case 'open':
      return {
        kind: 'open',
        sentence: deadline.sameForAllDays
          ? `Cette semaine est ${deadlineWords(deadline.deadline)}.`
          : `Prochaine date limite : ${deadlineWords(deadline.deadline)} (chaque jour a la sienne, indiquée sous sa date).`,
        timeLeft: timeLeftWords(deadline.deadline, now),
      };
    case 'closed':
      return { kind: 'closed', sentence: `Cette semaine n'est plus modifiable : ${closedSinceWords(deadline.since)}.` };
    case 'not_open_yet':
      return {
        kind: 'not_open_yet',
        sentence: `Cette semaine n'est pas encore ouverte aux réservations${deadline.opensAt ? ` : réservable à partir du ${formatDate(deadline.opensAt)}` : ''}.`,
      };
    case 'none':
      return { kind: 'none', sentence: "Aucun jour d'activité à réserver cette semaine." };
  }
}

function stateLabelOf(cell: WeekGrid['rows'][number]['cells'][number]): string {
  const waiting = cell.waitingRank ? `${CELL_STATES.waiting.label} (${ordinal(cell.waitingRank)} position)` : CELL_STATES.waiting.label;
  if (cell.state === 'waiting') return waiting;
  if (cell.state !== 'locked') return CELL_STATES[cell.state].label;
  const held = cell.held === 'booked' ? 'Réservé' : cell.held === 'waiting' ? waiting : 'Non réservé';
  return `${held} · non modifiable`;
}

function markView(mark: CellMark | undefined) {
  return mark ? { mark, markLabel: CELL_MARKS[mark].label, markIcon: CELL_MARKS[mark].icon } : {};
}

/** The grid page: days in order (a column each on a wide screen, stacked on a phone), the deadline in words. */
export function presentWeekGrid(grid: WeekGrid, marks: readonly DayMark[] = []) {
  const markOf = new Map(marks.map((entry) => [`${entry.activityId}:${entry.day}`, entry.mark]));
  const today = parisDay(grid.now);
  const deadlines = new Set(grid.rows.flatMap((row) => row.cells.filter((cell) => cell.state !== 'closed').map((cell) => cell.deadline.getTime())));
  const days: DayView[] = grid.days.map((day, column) => {
    const cells = grid.rows.map((row) => {
      const cell = row.cells[column]!;
      return {
        key: cell.key,
        id: `case-${row.activity.id}-${day}`,
        state: cell.state,
        icon: CELL_STATES[cell.state].icon,
        stateLabel: stateLabelOf(cell),
        ...(cell.why ? { reason: obstacleWords(cell.why) } : {}),
        changeable: cell.changeable,
        checked: cell.held !== null,
        full: cell.state === 'full',
        activityName: row.activity.name,
        dayHeading: formatDateWithoutYear(day),
        ...markView(markOf.get(`${row.activity.id}:${day}`)),
      };
    });
    const open = grid.rows.map((row) => row.cells[column]!).find((cell) => cell.changeable && cell.deadline.getTime() > grid.now.getTime());
    return {
      day,
      heading: formatDateWithoutYear(day),
      today: day === today,
      // Each day says its own deadline only when the days do not share one (« J-2 » rules).
      ...(deadlines.size > 1 && open ? { deadline: deadlineWords(open.deadline) } : {}),
      cells,
    };
  });
  const monday = mondayOf(grid.week);
  return {
    childName: `${grid.child.firstName} ${grid.child.lastName}`,
    childFirstName: grid.child.firstName,
    memberId: grid.child.id,
    week: grid.week,
    monday,
    weekWords: weekWords(grid.week),
    previousWeek: shiftWeek(grid.week, -1),
    nextWeek: shiftWeek(grid.week, 1),
    thisWeek: isoWeekOf(today),
    isThisWeek: isoWeekOf(today) === grid.week,
    deadline: deadlineSentence(grid.deadline, grid.now),
    hasRows: grid.rows.length > 0,
    days,
    changeable: days.some((day) => day.cells.some((cell) => cell.changeable)),
    /** The cells ticked when the page was drawn: the POST applies only what the parent changed. */
    shown: days.flatMap((day) => day.cells.filter((cell) => cell.changeable && cell.checked).map((cell) => cell.key)).join(','),
    // Classes, not a style attribute (the CSP allows no inline style): columns, and rows to line up.
    columnsClass: `week-grid--${grid.days.length} week-grid--rows-${Math.min(grid.rows.length, 8)}`,
  };
}

export interface OutcomeView {
  title: string;
  kind: 'success' | 'info';
  days: { heading: string; done: string[]; refused: string[] }[];
}

/** The summary shown after « Valider »: per day, what was done and what was refused and why. */
export function presentWeekOutcome(outcome: WeekChangeOutcome): OutcomeView {
  const byDay = new Map<string, { heading: string; done: string[]; refused: string[] }>();
  const dayOf = (day: string) => {
    let entry = byDay.get(day);
    if (!entry) {
      entry = { heading: formatDate(day), done: [], refused: [] };
      byDay.set(day, entry);
    }
    return entry;
  };
  for (const done of outcome.done) {
    dayOf(done.day).done.push(
      `${done.activityName} : ${DONE_WORDS[done.action]}${done.waitingRank ? ` (${ordinal(done.waitingRank)} position)` : ''}`,
    );
  }
  for (const refused of outcome.refused) {
    dayOf(refused.day).refused.push(`${refused.activityName ?? UNKNOWN_ACTIVITY} : non fait, ${refusalWords(refused.reason)}`);
  }
  const days = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, entry]) => entry);
  const doneCount = outcome.done.length;
  const refusedCount = outcome.refused.length;
  let title: string;
  if (!doneCount && !refusedCount) title = 'Aucun changement : la semaine était déjà comme demandé.';
  else if (!refusedCount) title = `Semaine enregistrée : ${plural(doneCount, 'changement fait', 'changements faits')}. Un e-mail de confirmation est envoyé.`;
  else if (!doneCount) title = `Aucun changement n'a pu être fait (${plural(refusedCount, 'refus', 'refus')}).`;
  else {
    title = `${plural(doneCount, 'changement fait', 'changements faits')}, ${plural(refusedCount, 'changement refusé', 'changements refusés')}. Un e-mail de confirmation est envoyé.`;
  }
  return { title, kind: doneCount && !refusedCount ? 'success' : 'info', days };
}

const weekCount = (week: { booked: number; waiting: number }) => {
  const parts = [week.booked ? plural(week.booked, 'réservation', 'réservations') : 'aucune réservation'];
  if (week.waiting) parts.push(`${plural(week.waiting, "jour en liste d'attente", "jours en liste d'attente")}`);
  return parts.join(', ');
};

/** Per child: this week, next week, the next deadline (the children's list and the dashboard). */
export function presentChildSummaries({ children, now }: FamilyBookingSummary) {
  return children.map((summary) => ({
    memberId: summary.memberId,
    name: `${summary.firstName} ${summary.lastName}`,
    firstName: summary.firstName,
    registered: summary.registered,
    thisWeek: weekCount(summary.thisWeek),
    thisWeekParam: summary.thisWeek.week,
    nextWeek: weekCount(summary.nextWeek),
    nextWeekParam: summary.nextWeek.week,
    nextWeekBooked: summary.nextWeek.booked > 0,
    ...(summary.nextDeadline
      ? {
          deadline: deadlineWords(summary.nextDeadline.deadline),
          timeLeft: timeLeftWords(summary.nextDeadline.deadline, now),
          deadlineFor: formatDate(summary.nextDeadline.firstDay),
          deadlineWeek: isoWeekOf(summary.nextDeadline.firstDay),
        }
      : {}),
  }));
}

/** The rhythms of the semaine type's form. */
export const RHYTHM_CHOICES = RHYTHMS.map((every) => ({ value: String(every), label: every === 1 ? 'Chaque semaine' : `Une semaine sur ${every}` }));

function recurringLineView(line: RecurringLine) {
  const heading = formatDate(line.day);
  switch (line.kind) {
    case 'booked':
      return { day: line.day, heading, status: DONE_WORDS.booked, will: true };
    case 'waiting':
      return { day: line.day, heading, status: "complet → liste d'attente" + (line.waitingRank ? ` (position ${line.waitingRank})` : ''), will: true };
    case 'held':
      return { day: line.day, heading, status: HELD_WORDS[line.holding], will: false };
    case 'refused':
      return { day: line.day, heading, status: refusalWords(line.reason), will: false };
  }
}

/** The semaine type's preview: the dates that will be booked, and those that will not and why. */
export function presentRecurringPlan(plan: RecurringPlan) {
  const lines = plan.lines.map(recurringLineView);
  return {
    childName: `${plan.child.firstName} ${plan.child.lastName}`,
    childFirstName: plan.child.firstName,
    activityName: plan.activity.name,
    words: recurringWords(plan.pattern),
    booked: lines.filter((line) => line.will),
    notBooked: lines.filter((line) => !line.will),
  };
}

/** The message after « Valider » on a semaine type: « 2 jours réservés, 1 en liste d'attente… ». */
export function recurringOutcomeMessage(plan: RecurringPlan): { kind: 'success' | 'info'; message: string } {
  const count = (kind: RecurringLine['kind']) => plan.lines.filter((line) => line.kind === kind).length;
  const booked = count('booked');
  const waiting = count('waiting');
  const held = count('held');
  const refused = count('refused');
  const parts = [
    `${booked} jour${booked > 1 ? 's' : ''} réservé${booked > 1 ? 's' : ''}`,
    ...(waiting ? [`${waiting} en liste d'attente`] : []),
    ...(held ? [`${held} déjà réservé${held > 1 ? 's' : ''}`] : []),
    ...(refused ? [`${refused} non réservable${refused > 1 ? 's' : ''}`] : []),
  ];
  return {
    kind: booked + waiting ? 'success' : 'info',
    message: `Semaine type de ${plan.child.firstName} pour « ${plan.activity.name} » : ${parts.join(', ')}.`,
  };
}

/** « l'année scolaire 2026-2027 (du mardi 1er septembre 2026 au vendredi 2 juillet 2027) » */
export function schoolYearWords(year: { name: string; startsOn: string; endsOn: string }): string {
  return `l'année scolaire ${year.name} (du ${formatDate(year.startsOn)} au ${formatDate(year.endsOn)})`;
}

/** The booked days an absence can justify, each with its date in words. */
export function presentAbsenceDays(days: readonly BookedDay[]) {
  return days.map((day) => ({ ...day, words: formatDate(day.day) }));
}
