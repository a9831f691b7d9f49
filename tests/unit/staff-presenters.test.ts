import { describe, expect, it } from 'vitest';
import type { FamilyRequest } from '../../src/data/request-repository.ts';
import { auditChanges } from '../../src/web/presenters/audit-presenter.ts';
import { pendingRequestsWords } from '../../src/web/presenters/dashboard-presenter.ts';
import {
  contactPageWords,
  pendingRequestsNotice,
  presentNewChildFields,
  staffEditMessage,
} from '../../src/web/presenters/family-presenter.ts';
import { searchResultsTitle } from '../../src/web/presenters/staff-family-presenter.ts';
import { decisionSummary, presentQueueFilter, presentRequest } from '../../src/web/presenters/staff-request-presenter.ts';

const change = (id: number, memberName = 'Tom Martin'): FamilyRequest => ({
  id,
  communeId: 1,
  familyId: 2,
  type: 'member_change',
  memberId: 3,
  submittedBy: 4,
  submittedByName: 'Claire Martin',
  submittedAt: new Date('2026-11-23T08:00:00Z'),
  payload: { kind: 'changes', memberName, changes: [{ field: 'hasPai', label: "Projet d'accueil individualisé (PAI)", before: null, after: true }] },
  status: 'pending',
  decidedBy: null,
  decidedAt: null,
  reason: null,
});

describe('auditChanges', () => {
  it.each([
    ['member fields, in words', { birthDate: '2018-05-04', hasPai: null }, { birthDate: '2018-05-14', hasPai: true }, [
      { label: 'Date de naissance', before: 'vendredi 4 mai 2018', after: 'lundi 14 mai 2018' },
      { label: "Projet d'accueil individualisé (PAI)", before: 'Non renseigné', after: 'Oui' },
    ]],
    ['a decision, leaving out what did not change', { status: 'pending' }, { status: 'accepted', reason: null }, [
      { label: 'Statut', before: 'En attente', after: 'Acceptée' },
    ]],
    ['a refusal with its reason', { status: 'pending' }, { status: 'refused', reason: 'Pièce manquante' }, [
      { label: 'Statut', before: 'En attente', after: 'Refusée' },
      { label: 'Motif', before: 'Non renseigné', after: 'Pièce manquante' },
    ]],
    ['nothing recorded', null, null, []],
  ])('%s', (_name, before, after, expected) => {
    expect(auditChanges(before, after)).toEqual(expected);
  });
});

describe('presentRequest', () => {
  it('says a conflict in words: where the request started, what the file says now, what is asked', () => {
    const view = presentRequest(change(7), [{ field: 'hasPai', label: 'PAI', before: null, after: true, current: false }]);
    expect(view.changes).toEqual([{ label: "Projet d'accueil individualisé (PAI)", before: 'Non renseigné', after: 'Oui' }]);
    expect(view.conflicts).toEqual([{ label: 'PAI', before: 'Non renseigné', current: 'Non', after: 'Oui' }]);
    expect(view.statusLabel).toBe('En attente');
  });
});

describe('decisionSummary', () => {
  it('names what was decided, what it overrode, and what another agent had decided', () => {
    const outcome = {
      decided: [
        { request: change(7), conflicts: [] },
        { request: change(8, 'Léa Martin'), conflicts: [{ field: 'hasPai', label: 'PAI', before: null, after: true }] },
      ],
      alreadyDecided: [5, 6],
    };
    expect(decisionSummary(outcome, true)).toBe(
      '2 demandes acceptées : n° 7 (Tom Martin), n° 8 (Léa Martin). La famille est prévenue par e-mail. ' +
        'La demande n° 8 a remplacé des données modifiées depuis son envoi : pai. ' +
        "Déjà traitées par un autre agent, rien n'a été changé : demandes n° 5, n° 6.",
    );
    expect(decisionSummary({ decided: [], alreadyDecided: [5] }, false)).toBe(
      "Déjà traitée par un autre agent, rien n'a été changé : demande n° 5.",
    );
  });
});

describe('presentRequest', () => {
  it.each([
    ['pending', 'En attente', 'pending'],
    ['accepted', 'Acceptée', 'ok'],
    ['refused', 'Refusée', 'late'],
  ] as const)('gives a %s request its label and its badge style', (status, label, kind) => {
    const view = presentRequest({ ...change(7), status });
    expect([view.statusLabel, view.statusKind]).toEqual([label, kind]);
  });
});

describe('presentQueueFilter', () => {
  it.each([
    [0, '0 demande (En attente · Tous les types).'],
    [1, '1 demande (En attente · Tous les types).'],
    [2, '2 demandes (En attente · Tous les types).'],
  ])('counts %i in words', (count, line) => {
    expect(presentQueueFilter({ type: 'tous', statut: 'en-attente' }, count).countLine).toBe(line);
  });

  it('names each filter value', () => {
    const { typeOptions, statusOptions, countLine } = presentQueueFilter({ type: 'coordonnees', statut: 'refusees' }, 3);
    expect(countLine).toBe('3 demandes (Refusées · Modification des coordonnées).');
    expect(typeOptions.map((option) => option.value)).toEqual(['tous', 'membre', 'coordonnees', 'enfant', 'inscription', 'absence', 'quotient', 'prelevement']);
    expect(statusOptions.map((option) => option.label)).toEqual(['En attente', 'Acceptées', 'Refusées', 'Toutes']);
  });
});

describe('family words', () => {
  it.each([
    [1, '1 demande en attente de réponse du service.', '1 demande attend'],
    [2, '2 demandes en attente de réponse du service.', '2 demandes attendent'],
  ])('says %i pending request(s) in words', (count, notice, dashboard) => {
    expect(pendingRequestsNotice(count)).toBe(notice);
    expect(pendingRequestsWords(count)).toBe(dashboard);
  });

  it.each([
    [0, '0 famille trouvée pour « zoé »'],
    [1, '1 famille trouvée pour « zoé »'],
    [2, '2 familles trouvées pour « zoé »'],
  ])('titles %i search result(s)', (count, title) => {
    expect(searchResultsTitle(count, 'zoé')).toBe(title);
  });

  it('says what a staff edit changed, or that nothing did', () => {
    const changes = [{ field: 'schoolLevel', label: 'Classe', before: 'CE2', after: 'CM1' }];
    expect(staffEditMessage({ memberName: 'Tom Martin', changes })).toBe(
      'Fiche de Tom Martin modifiée : classe. La modification est inscrite au journal.',
    );
    expect(staffEditMessage({ memberName: 'Tom Martin', changes: [] })).toBe('Aucune modification pour Tom Martin : les informations sont identiques.');
  });

  it('hints how each field changes, and what already waits for the service', () => {
    const hints = presentNewChildFields().map((field) => field.hint);
    expect(new Set(hints)).toEqual(new Set(['Envoyé au service pour validation']));
    expect(contactPageWords(() => 'direct').preferredContactHint).toBe('Modifié immédiatement');
    expect(contactPageWords(() => 'locked').preferredContactHint).toBeUndefined();
  });
});
