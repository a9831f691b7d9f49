import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { AttendanceLine } from '../../src/data/attendance-repository.ts';
import { buildSheet, listedDays, markingRefusal, periodRefusal, type SheetFacts } from '../../src/domain/attendance-sheet.ts';
import { csvDate, csvDateTime, spreadsheetCsv } from '../../src/integrations/csv/spreadsheet-csv.ts';
import { markingRefusalWords, periodRefusalWords } from '../../src/i18n/attendance-words.ts';
import { attendanceCsv, healthWords, mealsCsv } from '../../src/web/presenters/attendance-presenter.ts';

describe('spreadsheetCsv', () => {
  const csv = spreadsheetCsv(
    ['Date', 'Famille', 'Allergies', 'Nombre'],
    [
      ['16/11/2026', 'Durand; Martin', 'Arachides, "fruits à coque"', 3],
      ['17/11/2026', 'Bernard', 'une ligne\nune autre', -2],
      ['18/11/2026', '=HYPERLINK("http://exemple.test")', '+33 6 12', 0],
    ],
  );

  it('starts with the UTF-8 byte order mark, so Excel reads the accents', () => {
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('separates cells with « ; » and lines with CRLF', () => {
    expect(csv.slice(1).split('\r\n')[0]).toBe('Date;Famille;Allergies;Nombre');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it.each([
    ['a « ; »', '"Durand; Martin"'],
    ['a double quote, doubled inside quotes', '"Arachides, ""fruits à coque"""'],
    ['a line break', '"une ligne\nune autre"'],
  ])('quotes a cell holding %s', (_, quoted) => {
    expect(csv).toContain(quoted);
  });

  it('defuses a cell a spreadsheet would run as a formula, and leaves numbers alone', () => {
    expect(csv).toContain(`;"'=HYPERLINK(""http://exemple.test"")";`);
    expect(csv).toContain(";'+33 6 12;");
    expect(csv).toContain(';-2\r\n');
  });

  it('reads back the same cells with a CSV parser set like a French spreadsheet', () => {
    const rows = parse(csv, { bom: true, delimiter: ';' }) as string[][];
    expect(rows[1]).toEqual(['16/11/2026', 'Durand; Martin', 'Arachides, "fruits à coque"', '3']);
    expect(rows[2]![2]).toBe('une ligne\nune autre');
  });
});

describe('csvDate and csvDateTime', () => {
  it('write days as dd/mm/yyyy and instants in Paris time', () => {
    expect(csvDate('2026-11-05')).toBe('05/11/2026');
    expect(csvDateTime(new Date('2026-11-26T07:45:00Z'))).toBe('26/11/2026 08:45');
    // Summer time: UTC+2.
    expect(csvDateTime(new Date('2026-06-30T22:30:00Z'))).toBe('01/07/2026 00:30');
    expect(() => csvDate('26/11/2026')).toThrow(RangeError);
  });
});

const line = (overrides: Partial<AttendanceLine>): AttendanceLine => ({
  day: '2026-11-26',
  memberId: 1,
  familyId: 10,
  firstName: 'Léa',
  lastName: 'Martin',
  familyName: 'Martin',
  familyReference: 'ECH-00001',
  school: 'École Jean-Moulin',
  schoolLevel: 'CE2',
  allergies: null,
  hasPai: null,
  bookingStatus: 'booked',
  waitingRank: null,
  attendance: null,
  markedAt: null,
  markedByName: null,
  ...overrides,
});

describe('attendanceCsv', () => {
  it('writes one line per child and day with French headers and words', () => {
    const csv = attendanceCsv('Restauration scolaire', [
      line({ attendance: 'present', hasPai: true, allergies: 'Gluten', markedAt: new Date('2026-11-26T11:50:00Z'), markedByName: 'Agnès Durand' }),
      line({ memberId: 2, firstName: 'Tom', bookingStatus: 'waiting', waitingRank: 2 }),
      line({ memberId: 3, firstName: 'Zoé', bookingStatus: null, attendance: 'absent' }),
    ]);
    const rows = parse(csv, { bom: true, delimiter: ';' }) as string[][];
    expect(rows).toEqual([
      ['Date', 'Activité', 'Enfant', 'Famille', 'Dossier', 'Réservé', 'Présence', "Liste d'attente", 'PAI', 'Allergies', 'Scolarité', 'Pointé par', 'Pointé le'],
      ['26/11/2026', 'Restauration scolaire', 'Léa Martin', 'Martin', 'ECH-00001', 'Oui', 'Présent', '', 'Oui', 'Gluten', 'École Jean-Moulin, CE2', 'Agnès Durand', '26/11/2026 12:50'],
      ['26/11/2026', 'Restauration scolaire', 'Tom Martin', 'Martin', 'ECH-00001', 'Non', 'Non pointé', '2', 'Non', '', 'École Jean-Moulin, CE2', '', ''],
      ['26/11/2026', 'Restauration scolaire', 'Zoé Martin', 'Martin', 'ECH-00001', 'Non', 'Absent', '', 'Non', '', 'École Jean-Moulin, CE2', '', ''],
    ]);
  });
});

describe('mealsCsv', () => {
  it('writes each day with its weekday, whether the canteen is open, and the counts as numbers', () => {
    const csv = mealsCsv([
      { day: '2026-12-01', status: { open: true }, booked: 42, withPai: 3, withAllergies: 5 },
      { day: '2026-12-25', status: { open: false, reason: 'jour_ferie', name: 'Noël' }, booked: 0, withPai: 0, withAllergies: 0 },
    ]);
    expect(csv.slice(1).split('\r\n').slice(0, 3)).toEqual([
      'Date;Jour;Accueil;Repas réservés;Dont PAI;Dont allergies',
      '01/12/2026;mardi;Ouvert;42;3;5',
      '25/12/2026;vendredi;Fermé : Jour férié : Noël;0;0;0',
    ]);
  });
});

describe('healthWords', () => {
  it.each([
    [{ hasPai: true, allergies: 'Arachides' }, 'PAI · Allergies : Arachides'],
    [{ hasPai: true, allergies: null }, 'PAI'],
    [{ hasPai: false, allergies: '  ' }, null],
    [{ hasPai: null, allergies: 'Lactose' }, 'Allergies : Lactose'],
  ])('%o → %s', (facts, words) => {
    expect(healthWords(facts)).toBe(words);
  });
});

describe('buildSheet', () => {
  const facts = (memberId: number, bookingStatus: SheetFacts['bookingStatus'], attendance: SheetFacts['attendance'], waitingRank: number | null = null): SheetFacts => ({
    memberId,
    bookingStatus,
    attendance,
    waitingRank,
  });

  it('lists the booked children then those marked without booking, the waiting list in order, and counts them', () => {
    const sheet = buildSheet([
      facts(1, 'booked', 'present'),
      facts(2, 'booked', 'absent'),
      facts(3, 'booked', null),
      facts(4, 'waiting', null, 2),
      facts(5, 'waiting', 'present', 1),
      facts(6, null, 'present'),
    ]);
    expect(sheet.marked.map((line) => line.memberId)).toEqual([1, 2, 3, 5, 6]);
    expect(sheet.waiting.map((line) => line.memberId)).toEqual([5, 4]);
    expect(sheet.counts).toEqual({ booked: 3, present: 3, absent: 1, notMarked: 1, presentWithoutBooking: 2, waiting: 2 });
  });

  it('counts nothing on an empty day', () => {
    expect(buildSheet([]).counts).toEqual({ booked: 0, present: 0, absent: 0, notMarked: 0, presentWithoutBooking: 0, waiting: 0 });
  });
});

describe('markingRefusal', () => {
  const open = { open: true } as const;
  it.each([
    ['today', '2026-11-26', open, undefined],
    ['a past day', '2026-11-02', open, undefined],
    ['tomorrow', '2026-11-27', open, "Le pointage se fait le jour même ou après : ce jour n'est pas encore arrivé."],
    ['a closed day', '2026-11-11', { open: false, reason: 'jour_ferie', name: 'Armistice' } as const, "Ce jour est fermé (Jour férié : Armistice) : il n'y a pas de pointage."],
  ])('%s', (_, day, status, refusal) => {
    const code = markingRefusal(day, '2026-11-26', status);
    expect(code && markingRefusalWords(code)).toBe(refusal);
  });
});

describe('periodRefusal and listedDays', () => {
  it('refuses a period that ends before it starts or is too long', () => {
    expect(periodRefusal('2026-11-01', '2026-11-30', 30)).toBeUndefined();
    const words = (from: string, to: string) => {
      const refusal = periodRefusal(from, to, 30);
      return refusal && periodRefusalWords(refusal);
    };
    expect(words('2026-11-01', '2026-12-01')).toBe('La période ne peut pas dépasser 30 jours.');
    expect(words('2026-11-02', '2026-11-01')).toBe('La date de fin doit être le même jour que la date de début ou après.');
  });

  it('lists weekdays, and a weekend day only when the activity runs on it', () => {
    expect(listedDays('2026-11-27', '2026-11-30', ['lundi', 'mardi', 'jeudi', 'vendredi'])).toEqual(['2026-11-27', '2026-11-30']);
    expect(listedDays('2026-11-27', '2026-11-30', ['samedi'])).toEqual(['2026-11-27', '2026-11-28', '2026-11-30']);
  });
});
