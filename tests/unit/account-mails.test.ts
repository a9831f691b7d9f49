import { describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import { accountMails } from '../../src/services/accounts/account-mails.ts';

const commune = {
  id: 1,
  slug: 'villennes',
  name: 'Villennes-sur-Seine',
  settings: { portalName: 'Espace Famille', contacts: { service: 'Accueil Éducation' }, signIn: { activationDelayWorkingHours: 48 } },
} as unknown as Commune;

const mails = accountMails({ link: (c, path) => `https://portail.example.org/${c.slug}${path}` });
const marie = { email: 'marie@example.org', identifier: 'dupont-marie', firstName: 'Marie', lastName: 'Dupont' };
const at = new Date('2026-11-23T08:00:00Z');

describe('account mails', () => {
  it('puts the single-use link in the button and its expiry in the words', () => {
    const mail = mails.activation(commune, marie, { token: 'abc', expiresAt: new Date('2026-11-30T08:00:00Z') });
    expect(mail).toMatchObject({ kind: 'activation', to: 'marie@example.org', greeting: 'Bonjour Marie Dupont,' });
    expect(mail.action?.url).toBe('https://portail.example.org/villennes/activation/abc');
    expect(mail.paragraphs[0]).toBe("L'Accueil Éducation a ouvert votre espace sur le portail Espace Famille de la commune de Villennes-sur-Seine.");
    expect(mail.paragraphs[2]).toContain('jusqu\'au lundi 30 novembre 2026 à 09h00');
  });

  describe('to the holder of an address someone tried to register again', () => {
    const advice = (holder: Partial<{ status: string; activationDeadline: Date | null }>) => {
      const mail = mails.existingAccount(commune, { ...marie, status: 'active', activationDeadline: null, ...holder } as never, at);
      return { text: mail.paragraphs.slice(1).join(' '), action: mail.action };
    };

    it('tells an active holder to sign in, or to use « Mot de passe oublié »', () => {
      const { text, action } = advice({ status: 'active' });
      expect(text).toContain('https://portail.example.org/villennes/mot-de-passe-oublie');
      expect(action).toEqual({ label: 'Me connecter', url: 'https://portail.example.org/villennes/connexion' });
    });

    it('gives a self-registration waiting for staff its deadline', () => {
      const { text, action } = advice({ status: 'pending_activation', activationDeadline: new Date('2026-11-25T08:00:00Z') });
      expect(text).toContain("l'Accueil Éducation la traitera au plus tard le mercredi 25 novembre 2026 à 09h00");
      expect(action).toBeUndefined();
    });

    it('sends an account opened by staff back to its activation link', () => {
      expect(advice({ status: 'pending_activation' }).text).toContain("avec le lien d'activation reçu par e-mail");
    });

    it('sends a refused or disabled account to the service', () => {
      expect(advice({ status: 'refused' }).text).toBe("Si c'est vous, contactez l'Accueil Éducation aux coordonnées ci-dessous.");
    });
  });
});
