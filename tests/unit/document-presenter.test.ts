import { describe, expect, it } from 'vitest';
import type { DocumentState } from '../../src/domain/document-status.ts';
import { missingDocumentSentence } from '../../src/i18n/document-words.ts';
import type { FamilyDocument } from '../../src/services/documents/document-service.ts';
import { presentDocumentsToSend, presentFamilyDocuments } from '../../src/web/presenters/document-presenter.ts';

const type = { code: 'attestation-assurance', name: "Attestation d'assurance", scope: 'child' as const, formats: ['pdf', 'jpeg'] as ('pdf' | 'jpeg' | 'png')[], maxSizeMb: 5, blocksBooking: false };
const lea = { id: 3, firstName: 'Léa', lastName: 'Martin' };
const documentIn = (state: DocumentState, asked = true): FamilyDocument => ({
  key: 'attestation-assurance.3',
  type,
  member: lea,
  asked,
  requiredFor: asked ? ['Restauration scolaire'] : [],
  state,
  latest: null,
});

describe('presentFamilyDocuments', () => {
  const space = { storage: { usedBytes: 13_107_200, budgetBytes: 200 * 1024 * 1024 }, sending: { maxPages: 20, maxBytes: 25 * 1024 * 1024 } };

  // Words always, the colour only repeats them (never colour alone).
  it.each([
    [{ code: 'missing' }, true, 'À fournir', 'tag--due'],
    [{ code: 'pending', submittedAt: new Date('2026-11-20T10:00:00+01:00') }, true, 'Transmis, en cours de vérification', 'tag--pending'],
    [{ code: 'accepted', validUntil: '2027-08-31' }, true, "Validé jusqu'au mardi 31 août 2027", 'tag--ok'],
    [{ code: 'refused', reason: 'Illisible' }, true, 'Refusé, à fournir de nouveau', 'tag--late'],
    [{ code: 'expired', validUntil: '2026-08-31' }, true, 'Expiré le lundi 31 août 2026, à fournir de nouveau', 'tag--late'],
    [{ code: 'missing' }, false, 'Non transmis', 'tag--ended'],
  ] as [DocumentState, boolean, string, string][])('%o (asked: %s) reads « %s »', (state, asked, label, colour) => {
    const [section] = presentFamilyDocuments({ today: '2026-11-23', groups: [{ member: lea, documents: [documentIn(state, asked)] }] }).sections;
    expect(section!.title).toBe('Documents de Léa Martin');
    expect(section!.documents[0]).toMatchObject({ statusLabel: label, statusClass: colour, formats: 'PDF ou JPEG, 5 Mo au plus par fichier' });
  });

  it('counts the mandatory documents still to send, and lists them for the dashboard', () => {
    const groups = [{ member: lea, documents: [documentIn({ code: 'missing' }), documentIn({ code: 'expired', validUntil: '2026-08-31' }), documentIn({ code: 'missing' }, false)] }];
    const page = presentFamilyDocuments({ today: '2026-11-23', groups }, space);
    expect(page.summary).toBe('2 documents obligatoires sont à fournir.');
    // Issue 18 item 7: the family's space and a sending's cap, in words where it sends files.
    expect(page.storageWords).toBe('Vous utilisez 12,5\u00a0Mo sur 200\u00a0Mo');
    expect(page.sendingWords).toBe('20 pages et 25\u00a0Mo au plus par document');
    expect(presentDocumentsToSend([documentIn({ code: 'missing' })])).toEqual([
      { key: 'attestation-assurance.3', label: "Attestation d'assurance de Léa", statusLabel: 'À fournir', statusClass: 'tag--due' },
    ]);
  });
});

describe('missingDocumentSentence', () => {
  const document = "le document « Attestation d'assurance » de Léa";
  it.each([
    [{ code: 'missing' }, 'registration', "Pour « Cantine », le document « Attestation d'assurance » de Léa est à fournir : envoyez-le depuis « Mes documents »"],
    [{ code: 'refused', reason: 'Illisible' }, 'registration', "Pour « Cantine », le document « Attestation d'assurance » de Léa a été refusé (Illisible) : envoyez-en un nouveau depuis « Mes documents »"],
    [{ code: 'expired', validUntil: '2026-08-31' }, 'booking', "Pour « Cantine », le document « Attestation d'assurance » de Léa a expiré le lundi 31 août 2026 : envoyez-en un nouveau depuis « Mes documents »"],
    [{ code: 'pending', submittedAt: new Date() }, 'booking', "Pour « Cantine », le document « Attestation d'assurance » de Léa est en cours de vérification par le service : vous pourrez réserver une fois le document validé"],
  ] as [DocumentState, 'registration' | 'booking', string][])('%o', (state, purpose, sentence) => {
    expect(missingDocumentSentence(state, document, 'Cantine', purpose)).toBe(sentence);
  });
});
