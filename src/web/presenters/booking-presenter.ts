import { dayHeading, dayWords, isoWeekOf, mondayOf, shiftWeek, weekWords, type CellState, type WeekDeadline } from '../../domain/booking-grid.ts';
import { deadlineWords, parisDateWords, timeLeftWords, windowStateWords } from '../../domain/calendar/deadline-words.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { DayMark } from '../../data/absence-repository.ts';
import { DONE_WORDS, type ChildBookingSummary, type WeekChangeOutcome, type WeekGrid } from '../../services/booking-service.ts';

/**
 * What the weekly grid, the children's list and the dashboard show (DESIGN §7 Weekly grid): every
 * state is said in words and with an icon; the colour of the cell only repeats it.
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
      return { kind: 'closed', sentence: `Cette semaine n'est plus modifiable : ${windowStateWords({ open: false, reason: 'past_deadline', deadline: deadline.since }, now).status}.` };
    case 'not_open_yet':
      return {
        kind: 'not_open_yet',
        sentence: `Cette semaine n'est pas encore ouverte aux réservations${deadline.opensAt ? ` : réservable à partir du ${parisDateWords(deadline.opensAt)}` : ''}.`,
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
        ...(cell.reason ? { reason: cell.reason } : {}),
        changeable: cell.changeable,
        checked: cell.held !== null,
        full: cell.state === 'full',
        activityName: row.activity.name,
        dayHeading: dayHeading(day),
        ...markView(markOf.get(`${row.activity.id}:${day}`)),
      };
    });
    const open = grid.rows.map((row) => row.cells[column]!).find((cell) => cell.changeable && cell.deadline.getTime() > grid.now.getTime());
    return {
      day,
      heading: dayHeading(day),
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
      entry = { heading: dayWords(day), done: [], refused: [] };
      byDay.set(day, entry);
    }
    return entry;
  };
  for (const done of outcome.done) {
    dayOf(done.day).done.push(
      `${done.activityName} : ${DONE_WORDS[done.action]}${done.waitingRank ? ` (${ordinal(done.waitingRank)} position)` : ''}`,
    );
  }
  for (const refused of outcome.refused) dayOf(refused.day).refused.push(`${refused.activityName} : non fait, ${refused.reason}`);
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
export function presentChildSummaries(summaries: ChildBookingSummary[], now: Date) {
  return summaries.map((summary) => ({
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
          deadlineFor: dayWords(summary.nextDeadline.firstDay),
          deadlineWeek: isoWeekOf(summary.nextDeadline.firstDay),
        }
      : {}),
  }));
}
