/**
 * The fields of a family member a form can show, grouped as the family file shows them. The
 * commune file says, field by field, whether a parent changes it directly, by a request to the
 * service, or not at all (DESIGN §6, issue « family file »).
 */
export type MemberRole = 'guardian' | 'child' | 'contact';
export type FieldKind = 'text' | 'longtext' | 'date' | 'phone' | 'email' | 'postcode' | 'yesno' | 'civility';
export type FieldMode = 'direct' | 'request' | 'locked';
export type FieldGroup = 'identite' | 'coordonnees' | 'scolarite' | 'sante' | 'lien';
export type FieldValue = string | boolean | null;

export interface FieldDefinition {
  key: string;
  label: string;
  group: FieldGroup;
  kind: FieldKind;
  /** Roles that have this field. */
  roles: MemberRole[];
  /** Roles for which the field may not be left empty. */
  requiredFor: MemberRole[];
  max?: number;
}

const ALL: MemberRole[] = ['guardian', 'child', 'contact'];

export const MEMBER_FIELDS: readonly FieldDefinition[] = [
  { key: 'civility', label: 'Civilité', group: 'identite', kind: 'civility', roles: ['guardian', 'contact'], requiredFor: ['guardian'] },
  { key: 'lastName', label: 'Nom', group: 'identite', kind: 'text', roles: ALL, requiredFor: ALL, max: 100 },
  { key: 'birthName', label: 'Nom de naissance', group: 'identite', kind: 'text', roles: ['guardian'], requiredFor: [], max: 100 },
  { key: 'firstName', label: 'Prénom', group: 'identite', kind: 'text', roles: ALL, requiredFor: ALL, max: 100 },
  { key: 'birthDate', label: 'Date de naissance', group: 'identite', kind: 'date', roles: ['guardian', 'child'], requiredFor: ['child'] },
  { key: 'phone', label: 'Téléphone', group: 'coordonnees', kind: 'phone', roles: ALL, requiredFor: ['contact'] },
  { key: 'email', label: 'Adresse e-mail', group: 'coordonnees', kind: 'email', roles: ['guardian', 'contact'], requiredFor: ['guardian'], max: 254 },
  { key: 'addressLine', label: 'Adresse', group: 'coordonnees', kind: 'text', roles: ['guardian'], requiredFor: [], max: 200 },
  { key: 'postcode', label: 'Code postal', group: 'coordonnees', kind: 'postcode', roles: ['guardian'], requiredFor: [] },
  { key: 'city', label: 'Ville', group: 'coordonnees', kind: 'text', roles: ['guardian'], requiredFor: [], max: 100 },
  { key: 'school', label: 'École', group: 'scolarite', kind: 'text', roles: ['child'], requiredFor: [], max: 100 },
  { key: 'schoolLevel', label: 'Classe', group: 'scolarite', kind: 'text', roles: ['child'], requiredFor: [], max: 50 },
  { key: 'allergies', label: 'Allergies et régime alimentaire', group: 'sante', kind: 'longtext', roles: ['child'], requiredFor: [], max: 1000 },
  { key: 'hasPai', label: "Projet d'accueil individualisé (PAI)", group: 'sante', kind: 'yesno', roles: ['child'], requiredFor: [] },
  { key: 'doctorName', label: 'Médecin traitant', group: 'sante', kind: 'text', roles: ['child'], requiredFor: [], max: 100 },
  { key: 'doctorPhone', label: 'Téléphone du médecin', group: 'sante', kind: 'phone', roles: ['child'], requiredFor: [] },
  { key: 'relationship', label: 'Lien avec l’enfant', group: 'lien', kind: 'text', roles: ['contact'], requiredFor: ['contact'], max: 100 },
  { key: 'canPickUp', label: 'Autorisé·e à venir chercher les enfants', group: 'lien', kind: 'yesno', roles: ['contact'], requiredFor: [] },
  { key: 'emergencyContact', label: 'À prévenir en cas d’urgence', group: 'lien', kind: 'yesno', roles: ['contact'], requiredFor: [] },
] as const;

const BY_KEY = new Map(MEMBER_FIELDS.map((field) => [field.key, field]));

export function fieldDefinition(key: string): FieldDefinition | undefined {
  return BY_KEY.get(key);
}

export function fieldsFor(role: MemberRole): FieldDefinition[] {
  return MEMBER_FIELDS.filter((field) => field.roles.includes(role));
}

/** The fields a guardian changes on « Mes coordonnées » (the e-mail has its own rule). */
export const CONTACT_PAGE_FIELDS = ['phone', 'addressLine', 'postcode', 'city', 'preferredContact'] as const;

export interface FieldChange {
  field: string;
  label: string;
  before: FieldValue;
  after: FieldValue;
}

const same = (a: FieldValue | undefined, b: FieldValue | undefined) => (a ?? null) === (b ?? null);

/** The fields whose proposed value differs from the current one, with both values. */
export function diffValues(
  current: Record<string, FieldValue | undefined>,
  proposed: Record<string, FieldValue | undefined>,
  labelOf: (key: string) => string,
): FieldChange[] {
  return Object.keys(proposed)
    .filter((key) => !same(current[key], proposed[key]))
    .map((key) => ({ field: key, label: labelOf(key), before: current[key] ?? null, after: proposed[key] ?? null }));
}

/**
 * A request was built on values that may have changed since (another guardian, staff): the
 * changes whose `before` no longer matches the data are conflicts staff must look at.
 */
export function conflictsOf(changes: FieldChange[], current: Record<string, FieldValue | undefined>): FieldChange[] {
  return changes.filter((change) => !same(change.before, current[change.field]));
}

/**
 * What a parent's change to a field does: the commune file marks each field `direct`, `request` or
 * `locked`, and a `direct` field changes at once only where the commune allows direct edits
 * (`features.directEdits`, DESIGN §6); elsewhere it goes to the service as a request.
 */
export function parentEditMode(marked: FieldMode | undefined, directEdits: boolean): FieldMode {
  if (!marked) return 'locked';
  return marked === 'direct' && !directEdits ? 'request' : marked;
}

/** Splits changes by what the commune allows; `locked` ones must be refused by the caller. */
export function splitByMode(changes: FieldChange[], modeOf: (field: string) => FieldMode) {
  return {
    direct: changes.filter((change) => modeOf(change.field) === 'direct'),
    request: changes.filter((change) => modeOf(change.field) === 'request'),
    locked: changes.filter((change) => modeOf(change.field) === 'locked'),
  };
}
