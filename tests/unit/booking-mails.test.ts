import { describe, expect, it } from 'vitest';
import { placeFreedMail, recurringBookingMail, weekChangeMail } from '../../src/services/booking/booking-mails.ts';

const child = { firstName: 'Jade', lastName: 'Martin' };
const weekUrl = 'https://portail.example/echirolles/reservations/7?semaine=2026-W49';

describe('the booking mails: their content from what the use case did', () => {
  it('confirms a week: each change made, then each change refused and why', () => {
    const mail = weekChangeMail({
      child,
      week: '2026-W49',
      done: [
        { day: '2026-11-30', activityId: 1, activityName: 'Restauration scolaire', action: 'booked' },
        { day: '2026-12-01', activityId: 2, activityName: 'Étude surveillée', action: 'waiting', waitingRank: 2 },
      ],
      refused: [
        { day: '2026-12-02', activityId: 1, activityName: 'Restauration scolaire', reason: { code: 'day_closed', day: { open: false, reason: 'jour_sans_activite' } } },
        { day: '2026-12-03', activityId: 99, activityName: null, reason: { code: 'unknown_activity' } },
      ],
      weekUrl,
    });
    expect(mail).toEqual({
      kind: 'booking_confirmation',
      subject: 'Réservations de Jade : semaine du lundi 30 novembre au dimanche 6 décembre 2026',
      paragraphs: [
        'Les changements demandés pour Jade Martin, semaine du lundi 30 novembre au dimanche 6 décembre 2026, sont enregistrés :',
        '– lundi 30 novembre 2026, Restauration scolaire : réservé',
        "– mardi 1er décembre 2026, Étude surveillée : inscrit·e sur la liste d'attente (position 2)",
        'Ces changements n’ont pas pu être faits :',
        "– mercredi 2 décembre 2026, Restauration scolaire : fermé (Pas d'accueil ce jour-là)",
        "– jeudi 3 décembre 2026, Activité inconnue : cette activité n'existe pas",
      ],
      action: { label: 'Voir la semaine', url: weekUrl },
    });
  });

  it('tells a family its child left the waiting list, and until when the place can be given back', () => {
    const open = placeFreedMail({ childFirstName: 'Jade', activityName: 'Mercredi', day: '2026-12-02', cancelUntil: new Date('2026-11-26T10:00:00Z'), weekUrl });
    expect(open.subject).toBe("Une place s'est libérée pour Jade");
    expect(open.paragraphs).toEqual([
      "Une place s'est libérée : Jade quitte la liste d'attente et a une place pour « Mercredi » le mercredi 2 décembre 2026.",
      "Si vous n'en avez plus besoin, annulez-la sur le portail : modifiable jusqu'au jeudi 26 novembre 2026 à 11h00.",
    ]);
    const closed = placeFreedMail({ childFirstName: undefined, activityName: 'Mercredi', day: '2026-12-02', cancelUntil: undefined, weekUrl });
    expect(closed.subject).toBe("Une place s'est libérée pour votre enfant");
    expect(closed.paragraphs[1]).toBe('Cette réservation est maintenant enregistrée.');
  });

  it('confirms a semaine type: the days booked or waited for, then the days refused and why', () => {
    const mail = recurringBookingMail({
      child,
      activityName: 'Mercredi',
      pattern: { weekdays: ['mercredi'], every: 2, from: '2026-12-02', until: '2026-12-30' },
      lines: [
        { day: '2026-12-02', kind: 'booked' },
        { day: '2026-12-16', kind: 'waiting', waitingRank: 1 },
        { day: '2026-12-30', kind: 'refused', reason: { code: 'day_closed', day: { open: false, reason: 'vacances', name: 'Vacances de Noël' } } },
        { day: '2027-01-13', kind: 'held', holding: 'booked' },
      ],
      weekUrl,
    });
    expect(mail.subject).toBe('Semaine type de Jade : Mercredi');
    expect(mail.paragraphs).toEqual([
      'La semaine type de Jade Martin pour « Mercredi » (le mercredi, une semaine sur 2, du mercredi 2 décembre 2026 au mercredi 30 décembre 2026) est enregistrée :',
      '– mercredi 2 décembre 2026 : réservé',
      "– mercredi 16 décembre 2026 : inscrit·e sur la liste d'attente (position 1)",
      'Ces jours n’ont pas pu être réservés :',
      '– mercredi 30 décembre 2026 : fermé (Vacances de Noël)',
    ]);
  });
});
