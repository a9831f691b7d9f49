import { describe, expect, it } from 'vitest';
import { fileInWords, formatMessageTime, unansweredInWords } from '../../src/i18n/message-words.ts';
import type { StaffThread, ThreadMessage } from '../../src/model/message.ts';
import { presentFamilyThread, presentInbox } from '../../src/web/presenters/message-presenter.ts';

describe('formatMessageTime', () => {
  it.each([
    ['2026-11-26T09:05:00Z', 'jeudi 26 novembre 2026 à 10 h 05'],
    ['2026-12-01T07:00:00Z', 'mardi 1er décembre 2026 à 08 h 00'],
    // Summer time: UTC+2.
    ['2026-06-30T21:30:00Z', 'mardi 30 juin 2026 à 23 h 30'],
    // Just after midnight in Paris, still the evening before in UTC.
    ['2026-11-25T23:10:00Z', 'jeudi 26 novembre 2026 à 00 h 10'],
  ])('says %s as « %s » in Paris time', (instant, words) => {
    expect(formatMessageTime(new Date(instant))).toBe(words);
  });
});

describe('fileInWords and unansweredInWords', () => {
  it.each([
    ['application/pdf', 120 * 1024, 'PDF, 120\u00a0Ko'],
    ['image/jpeg', 2.4 * 1024 * 1024, 'Image JPEG, 2,4\u00a0Mo'],
    ['image/png', 10, 'Image PNG, 1\u00a0Ko'],
  ] as const)('%s of %d bytes is « %s »', (type, size, words) => {
    expect(fileInWords(type, size)).toBe(words);
  });

  it.each([
    [0, 'Aucune conversation n’attend de réponse'],
    [1, '1 conversation attend une réponse'],
    [3, '3 conversations attendent une réponse'],
  ])('%d → « %s »', (count, words) => {
    expect(unansweredInWords(count)).toBe(words);
  });
});

const at = (iso: string) => new Date(iso);
const thread = (over: Partial<StaffThread> = {}): StaffThread => ({
  id: 7,
  communeId: 1,
  familyId: 3,
  subject: 'Documents',
  memberId: null,
  openedBy: 10,
  openedAt: at('2026-11-20T08:00:00Z'),
  lastMessageAt: at('2026-11-20T08:00:00Z'),
  lastAuthorRole: 'parent',
  assignedTo: null,
  staffReadAt: null,
  closedAt: null,
  closedBy: null,
  familyName: 'Martin',
  familyReference: 'F-1',
  memberName: null,
  assignedToName: null,
  unreadByFamily: false,
  ...over,
});
const message = (over: Partial<ThreadMessage>): ThreadMessage => ({
  id: 1,
  communeId: 1,
  familyId: 3,
  threadId: 7,
  authorRole: 'parent',
  body: 'Bonjour',
  sentBy: 10,
  sentAt: at('2026-11-20T08:00:00Z'),
  readAt: null,
  readBy: null,
  attachment: null,
  authorName: 'Claire Martin',
  ...over,
});

describe('presentInbox', () => {
  it('says where each thread stands in words, with a class that only repeats it', () => {
    const rows = presentInbox([
      thread(),
      thread({ id: 8, lastAuthorRole: 'staff', unreadByFamily: true, assignedToName: 'Agent Démo' }),
      thread({ id: 9, closedAt: at('2026-11-21T08:00:00Z'), closedBy: 2 }),
      thread({ id: 10, staffReadAt: at('2026-11-21T08:00:00Z') }),
    ]);
    expect(rows.map((row) => [row.stateLabel, row.newForStaff, row.assignedTo, row.readLabel])).toEqual([
      ['À répondre', true, 'Personne', ''],
      ['Répondu', false, 'Agent Démo', 'Non lu'],
      ['Close', false, 'Personne', ''],
      ['À répondre', false, 'Personne', ''],
    ]);
  });
});

describe('presentFamilyThread', () => {
  it('names the reader « Vous », the other guardian by name and the service by its name, never the agent', () => {
    const view = presentFamilyThread(
      {
        thread: thread(),
        memberName: 'Jade Martin',
        messages: [
          message({ id: 1, sentBy: 10 }),
          message({ id: 2, sentBy: 11, authorName: 'Paul Martin' }),
          message({ id: 3, authorRole: 'staff', sentBy: 2, authorName: 'Agent Démo', body: 'Ligne 1\n\nLigne 2' }),
        ],
      },
      10,
      'Accueil Éducation',
      '/echirolles/messages/7/pieces-jointes',
    );
    expect(view.about).toBe('Au sujet de Jade Martin');
    expect(view.messages.map((bubble) => [bubble.author, bubble.mine, bubble.isNew])).toEqual([
      ['Vous', true, false],
      ['Paul Martin', false, false],
      ["L'Accueil Éducation", false, true],
    ]);
    expect(view.messages[2]!.paragraphs).toEqual(['Ligne 1', 'Ligne 2']);
  });
});
