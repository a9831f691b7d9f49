import type { FieldGroup } from '../domain/family-fields.ts';

/** The headings of a member's fields, by group (« Ma famille », the staff family file). */
export const GROUP_LABELS: Record<FieldGroup, string> = {
  identite: 'Identité',
  coordonnees: 'Coordonnées',
  scolarite: 'Scolarité',
  sante: 'Santé',
  lien: 'Lien avec la famille',
};

/** The labels of the contact details that are not member fields, as a change carries them in a request or the journal. */
export const CONTACT_FIELD_LABELS: Record<string, string> = { preferredContact: 'Moyen de contact préféré' };
