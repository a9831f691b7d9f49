import type { CommuneSettings } from '../../config/commune-file.ts';

export interface Shortcut {
  label: string;
  path: string;
  description: string;
}

/**
 * Shortcuts to the sections of DESIGN §6 the commune has switched on, among the pages that exist:
 * sections still to be built (inscriptions, réservations, factures…) join this list with them.
 */
export function shortcutsFor(features: CommuneSettings['features']): Shortcut[] {
  const shortcuts: (Shortcut | false)[] = [
    { label: 'Réservations', path: '/reservations', description: 'Réserver ou annuler les journées de la semaine' },
    { label: 'Ma famille', path: '/famille', description: 'Les membres de la famille, leur santé, les personnes autorisées' },
    features.addChild && { label: 'Ajouter un enfant', path: '/famille/ajouter-un-enfant', description: 'Une demande au service' },
    { label: 'Mes coordonnées', path: '/coordonnees', description: 'Adresse, téléphone, moyen de contact préféré' },
    features.messages && { label: 'Mes messages', path: '/messages', description: 'Les messages du service' },
    { label: 'Mes démarches', path: '/historique?vue=demarches&periode=mois', description: 'Vos demandes et les réponses du service' },
    { label: 'Mes connexions', path: '/historique?vue=connexions&periode=mois', description: 'Les connexions à votre espace' },
  ];
  return shortcuts.filter((shortcut): shortcut is Shortcut => Boolean(shortcut));
}

/** « 2 demandes attendent » (la réponse du service…): the dashboard's pending requests line. */
export const pendingRequestsWords = (count: number) => (count > 1 ? `${count} demandes attendent` : `${count} demande attend`);
