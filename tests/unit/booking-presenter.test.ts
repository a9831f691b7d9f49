import { describe, expect, it } from 'vitest';
import type { WeekChangeOutcome } from '../../src/services/booking/week-change-service.ts';
import { CELL_STATES, ordinal, presentWeekOutcome } from '../../src/web/presenters/booking-presenter.ts';

const line = (day: string, activityName = 'Restauration scolaire') => ({ day, activityId: 1, activityName });
const pastDeadline = { code: 'past_deadline', deadline: new Date('2026-11-26T10:00:00Z') } as const;
const outcome = (done: WeekChangeOutcome['done'], refused: WeekChangeOutcome['refused']): WeekChangeOutcome => ({
  week: '2026-W49',
  childFirstName: 'Léa',
  done,
  refused,
});

describe('presentWeekOutcome: the summary after « Valider »', () => {
  it.each<[string, WeekChangeOutcome, string, 'success' | 'info']>([
    ['nothing to do', outcome([], []), 'Aucun changement : la semaine était déjà comme demandé.', 'info'],
    ['one change', outcome([{ ...line('2026-11-30'), action: 'booked' }], []), 'Semaine enregistrée : 1 changement fait. Un e-mail de confirmation est envoyé.', 'success'],
    ['only refusals', outcome([], [{ ...line('2026-11-30'), reason: pastDeadline }, { ...line('2026-12-01'), reason: pastDeadline }]), "Aucun changement n'a pu être fait (2 refus).", 'info'],
    [
      'a mixed week',
      outcome([{ ...line('2026-11-30'), action: 'booked' }, { ...line('2026-12-01'), action: 'cancelled' }], [{ ...line('2026-12-02'), reason: { code: 'day_closed', day: { open: false, reason: 'jour_sans_activite' } } }]),
      '2 changements faits, 1 changement refusé. Un e-mail de confirmation est envoyé.',
      'info',
    ],
  ])('%s', (_label, input, title, kind) => {
    expect(presentWeekOutcome(input)).toMatchObject({ title, kind });
  });

  it('groups by day in calendar order, what was done before what was refused', () => {
    const view = presentWeekOutcome(
      outcome(
        [
          { ...line('2026-12-01', 'Accueil périscolaire du soir'), action: 'waiting', waitingRank: 2 },
          { ...line('2026-11-30'), action: 'left_waiting' },
        ],
        [{ ...line('2026-12-01'), reason: { code: 'not_registered' } }],
      ),
    );
    expect(view.days).toEqual([
      { heading: 'lundi 30 novembre 2026', done: ["Restauration scolaire : retiré·e de la liste d'attente"], refused: [] },
      {
        heading: 'mardi 1er décembre 2026',
        done: ["Accueil périscolaire du soir : inscrit·e sur la liste d'attente (2e position)"],
        refused: ["Restauration scolaire : non fait, Pas d'inscription validée à cette activité ce jour-là"],
      },
    ]);
  });
});

describe('the words of the grid', () => {
  it.each([
    [1, '1re'],
    [2, '2e'],
    [11, '11e'],
  ])('rank %i reads « %s »', (rank, words) => {
    expect(ordinal(rank)).toBe(words);
  });

  it('gives every state of the legend a label, an icon and a description, each distinct', () => {
    const states = Object.values(CELL_STATES);
    expect(states).toHaveLength(6);
    expect(new Set(states.map((state) => state.icon)).size).toBe(6);
    expect(new Set(states.map((state) => state.label)).size).toBe(6);
    expect(states.every((state) => state.description.length > 0)).toBe(true);
  });
});
