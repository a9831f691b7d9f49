import Bowser from 'bowser';
import type { SignInEvent, SignInOutcome } from '../../model/sign-in-event.ts';
import { formatDateTime } from '../../i18n/format.ts';

const OUTCOME_LABELS: Record<SignInOutcome, string> = {
  success: 'Connexion réussie',
  failure: 'Échec : mot de passe incorrect',
  locked: 'Bloquée (trop de tentatives)',
  pending_activation: 'Refusée : compte en attente d’activation',
};

export interface SignInEventView {
  dateTime: string;
  outcome: SignInOutcome;
  outcomeLabel: string;
  ip: string;
  browser: string;
}

/** « Chrome 120 sur Android », from a user-agent string; « Navigateur inconnu » when it says nothing usable. */
export function browserInWords(userAgent: string | null): string {
  if (!userAgent?.trim()) return 'Navigateur inconnu';
  const { browser, os } = Bowser.parse(userAgent);
  const major = browser.version?.split('.')[0];
  const name = browser.name ? [browser.name, major].filter(Boolean).join(' ') : 'Navigateur inconnu';
  return os.name ? `${name} sur ${os.name}` : name;
}

export function presentSignInEvents(events: SignInEvent[]): SignInEventView[] {
  return events.map((event) => ({
    dateTime: formatDateTime(event.occurredAt),
    outcome: event.outcome,
    outcomeLabel: OUTCOME_LABELS[event.outcome],
    ip: event.ip ?? 'Inconnue',
    browser: browserInWords(event.userAgent),
  }));
}
