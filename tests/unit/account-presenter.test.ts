import { describe, expect, it } from 'vitest';
import { activationDecisionMessage, presentPendingActivations, signInRefusal } from '../../src/web/presenters/account-presenter.ts';

describe('presentPendingActivations', () => {
  const request = (deadline: string) => ({
    userId: 7,
    firstName: 'Marie',
    lastName: 'Dupont',
    email: 'marie@example.org',
    familyId: 3,
    familyReference: 'VIL-00003',
    requestedAt: new Date('2026-11-20T08:00:00Z'),
    deadline: new Date(deadline),
  });

  it('measures each deadline from the queue’s own instant, in words and by class', () => {
    const asOf = new Date('2026-11-23T08:00:00Z');
    const [late, soon] = presentPendingActivations({ asOf, pending: [request('2026-11-23T06:00:00Z'), request('2026-11-23T13:30:00Z')] });
    expect(late).toMatchObject({ overdue: true, remaining: '⚠ En retard de 2 h', stateClass: 'tag--late' });
    expect(soon).toMatchObject({ overdue: false, remaining: 'Reste 5 h 30 min', stateClass: 'tag--ok' });
  });
});

describe('activationDecisionMessage', () => {
  const marie = { firstName: 'Marie', lastName: 'Dupont' };
  const paul = { firstName: 'Paul', lastName: 'Martin' };

  it.each([
    [true, [marie], 0, 'Activé : Marie Dupont. Un e-mail a été envoyé.'],
    [false, [marie, paul], 0, 'Refusés : Marie Dupont, Paul Martin. Un e-mail a été envoyé.'],
    [true, [marie], 1, 'Activé : Marie Dupont. Un e-mail a été envoyé. 1 demande(s) avaient déjà été traitées par un autre agent.'],
    [true, [], 2, '2 demande(s) avaient déjà été traitées par un autre agent.'],
  ])('accepted %s, %j decided, %i already decided → « %s »', (accepted, decided, already, message) => {
    expect(activationDecisionMessage(accepted, decided, already)).toBe(message);
  });
});

describe('signInRefusal', () => {
  it('answers a wrong login and a wrong password alike, and a lock with 429', () => {
    expect(signInRefusal({ ok: false, reason: 'invalid_credentials' }, 'Accueil Éducation')).toEqual({ status: 401, message: 'Identifiant ou mot de passe incorrect.' });
    expect(signInRefusal({ ok: false, reason: 'locked', retryAfterSeconds: 900 }, 'Accueil Éducation').status).toBe(429);
  });

  it('names the service and the deadline to a self-registration waiting for staff, and the reason of a refusal', () => {
    const pending = signInRefusal({ ok: false, reason: 'pending_activation', deadline: new Date('2026-11-25T08:00:00Z') }, 'Service Enfance');
    expect(pending).toEqual({
      status: 403,
      message: "Votre espace n'est pas encore activé : le Service Enfance traite votre demande au plus tard le mercredi 25 novembre 2026 à 09h00. Vous recevrez un e-mail.",
    });
    expect(signInRefusal({ ok: false, reason: 'refused', refusalReason: 'Hors commune' }, 'Accueil Éducation').message).toBe(
      "Votre demande de création d'espace a été refusée par l'Accueil Éducation. Motif : Hors commune",
    );
  });
});
