import { describe, expect, it } from 'vitest';
import type { FamilyRequest } from '../../src/data/request-repository.ts';
import { auditChanges } from '../../src/web/presenters/audit-presenter.ts';
import { decisionSummary, presentRequest } from '../../src/web/presenters/staff-request-presenter.ts';

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
