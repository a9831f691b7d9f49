import {
  fieldDefinition,
  fieldsFor,
  type FieldChange,
  type FieldGroup,
  type FieldKind,
  type FieldMode,
  type FieldValue,
} from '../../domain/family-fields.ts';
import { GROUP_LABELS } from '../../i18n/family-words.ts';
import type { Member, MemberRole } from '../../model/family.ts';
import type { FamilyRequest } from '../../model/request.ts';
import type { SubmissionResult } from '../../services/family/family-edit-service.ts';
import { memberValues, type SignInAddress } from '../../services/family/family-members.ts';
import type { StaffEditOutcome } from '../../services/family/staff-family-file-service.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';

const ROLE_LABELS: Record<MemberRole, string> = {
  guardian: 'Responsable légal',
  child: 'Enfant',
  contact: 'Personne autorisée',
};

export interface MemberView {
  id: number;
  fullName: string;
  roleLabel: string;
  birthDate?: string;
  age?: string;
  school?: string;
  email?: string;
  phone?: string;
}

/** Age in whole years on the Paris calendar day of `now`. */
export function ageOn(birthDate: string, now: Date): number {
  const today = parisDay(now);
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function presentMembers(members: Member[], now: Date): MemberView[] {
  return members.map((member) => {
    const age = member.birthDate ? ageOn(member.birthDate, now) : undefined;
    return {
      id: member.id,
      fullName: `${member.firstName} ${member.lastName}`,
      roleLabel:
        member.role === 'contact'
          ? [member.relationship ?? 'Proche de la famille', member.canPickUp ? 'autorisé·e à venir chercher les enfants' : '', member.emergencyContact ? 'à prévenir en urgence' : '']
              .filter(Boolean)
              .join(', ')
          : member.role === 'guardian' && member.civility === 'madame'
            ? 'Responsable légale'
            : ROLE_LABELS[member.role],
      birthDate: member.birthDate ? formatDate(member.birthDate) : undefined,
      age: age === undefined ? undefined : `${age} an${age > 1 ? 's' : ''}`,
      school: [member.school, member.schoolLevel].filter(Boolean).join(', ') || undefined,
      email: member.email ?? undefined,
      phone: member.phone ?? undefined,
    };
  });
}

const CIVILITY_LABELS: Record<string, string> = { madame: 'Madame', monsieur: 'Monsieur' };
const CONTACT_WAY_LABELS: Record<string, string> = { email: 'E-mail', telephone: 'Téléphone', courrier: 'Courrier' };

/** A field value in words for reading: dates in French, yes/no, civility. */
export function displayValue(kind: FieldKind | 'contactWay', value: FieldValue | undefined): string {
  if (value === null || value === undefined || value === '') return 'Non renseigné';
  if (kind === 'yesno') return value ? 'Oui' : 'Non';
  if (kind === 'date' && typeof value === 'string') return formatDate(value);
  if (kind === 'civility') return CIVILITY_LABELS[String(value)] ?? String(value);
  if (kind === 'contactWay') return CONTACT_WAY_LABELS[String(value)] ?? String(value);
  return String(value);
}

export interface FieldView {
  key: string;
  label: string;
  kind: FieldKind | 'contactWay';
  mode: FieldMode;
  required: boolean;
  display: string;
  /** « Demande en attente : … » when a request on this field waits for the service. */
  pending?: string;
  /** In place of the usual hint: what changing the field involves (a sign-in address). */
  note?: string;
  /** Under a field the parent may change: how the change goes, and a request still waiting. */
  hint?: string;
}

const MODE_HINTS: Record<Exclude<FieldMode, 'locked'>, string> = {
  direct: 'Modifié immédiatement',
  request: 'Envoyé au service pour validation',
};

/** « Envoyé au service pour validation. Demande en attente : « CM1 » » */
function hintOf(mode: FieldMode, note: string | undefined, pending: string | undefined): string | undefined {
  if (mode === 'locked') return undefined;
  const hint = note || MODE_HINTS[mode];
  return pending ? `${hint}${note ? ' ' : '. '}Demande en attente : « ${pending} »` : hint;
}

/** A field view with its hint, from what the field allows, its note and the value waiting for the service. */
function withHint<T extends { mode: FieldMode; note?: string; pending?: string }>(field: T): T & { hint?: string } {
  return { ...field, hint: hintOf(field.mode, field.note, field.pending) };
}

export interface FieldGroupView {
  label: string;
  fields: FieldView[];
}

/** The member page: fields grouped as the file shows them, each with what the parent may do. */
export function presentMemberFields(
  member: Member,
  modeOf: (field: string) => FieldMode,
  pendingRequests: FamilyRequest[],
  notes: Record<string, string | undefined> = {},
): FieldGroupView[] {
  const values = memberValues(member);
  const pending = new Map<string, FieldValue>();
  for (const request of pendingRequests) {
    if (request.memberId !== member.id || request.payload.kind !== 'changes') continue;
    for (const change of request.payload.changes) pending.set(change.field, change.after);
  }
  const groups = new Map<FieldGroup, FieldView[]>();
  for (const field of fieldsFor(member.role)) {
    const views = groups.get(field.group) ?? [];
    views.push(
      withHint({
        key: field.key,
        label: field.label,
        kind: field.kind,
        mode: modeOf(field.key),
        required: field.requiredFor.includes(member.role),
        display: displayValue(field.kind, values[field.key]),
        pending: pending.has(field.key) ? displayValue(field.kind, pending.get(field.key)) : undefined,
        note: notes[field.key],
      }),
    );
    groups.set(field.group, views);
  }
  return [...groups.entries()].map(([group, fields]) => ({ label: GROUP_LABELS[group], fields }));
}

/** The fields of « Mes coordonnées » other than the preferred contact way (radios of their own). */
const CONTACT_FIELDS = [
  { key: 'email', label: 'Adresse e-mail', type: 'email', kind: 'email' as const },
  { key: 'phone', label: 'Téléphone', type: 'tel', kind: 'phone' as const },
  { key: 'addressLine', label: 'Adresse', type: 'text', kind: 'text' as const },
  { key: 'postcode', label: 'Code postal', type: 'text', kind: 'postcode' as const },
  { key: 'city', label: 'Ville', type: 'text', kind: 'text' as const },
];

/** « Mes coordonnées »: each field with what the parent may do, its value and a change waiting for the service. */
export function presentContactFields(
  member: Member,
  modeOf: (field: string) => FieldMode,
  pendingRequests: FamilyRequest[],
  notes: Record<string, string | undefined> = {},
) {
  const values = memberValues(member);
  const pending = new Map(
    pendingRequests.flatMap((request) => (request.payload.kind === 'changes' ? request.payload.changes : [])).map((change) => [change.field, change.after]),
  );
  return CONTACT_FIELDS.map((field) =>
    withHint({
      ...field,
      mode: modeOf(field.key),
      display: displayValue(field.kind, values[field.key]),
      pending: pending.has(field.key) ? displayValue(field.kind, pending.get(field.key)!) : undefined,
      note: notes[field.key],
    }),
  );
}

/** « Mes coordonnées »: how the sign-in address changes, and the hint of the preferred contact way. */
export function contactPageWords(modeOf: (field: string) => FieldMode) {
  return {
    emailIntro:
      modeOf('email') === 'locked'
        ? 'seul le service peut la changer, contactez-le.'
        : "son changement est vérifié par le service, puis vous le confirmez par un lien envoyé à la nouvelle adresse ; d'ici là, vous vous connectez avec l'adresse actuelle.",
    preferredContactHint: hintOf(modeOf('preferredContact'), undefined, undefined),
  };
}

/** « Ajouter un enfant »: every field of a child, each sent to the service with the request. */
export function presentNewChildFields(): FieldView[] {
  return fieldsFor('child').map((field) =>
    withHint({ key: field.key, label: field.label, kind: field.kind, mode: 'request', required: field.requiredFor.includes('child'), display: '' }),
  );
}

export function changeInWords(change: FieldChange): string {
  const kind = fieldDefinition(change.field)?.kind ?? (change.field === 'preferredContact' ? 'contactWay' : 'text');
  return `${change.label} : ${displayValue(kind, change.before)} → ${displayValue(kind, change.after)}`;
}

/**
 * What the e-mail field says when an account signs in with it, in place of the usual « Modifié
 * immédiatement » / « Envoyé au service » hint: to a parent looking at another member, that only
 * its holder may change it; otherwise that a new address waits for the link sent to it, and which
 * new address is waiting.
 */
export function signInAddressNote(
  address: SignInAddress | undefined,
  viewer: 'staff' | { userId: number; mode: FieldMode },
): string | undefined {
  if (!address) return undefined;
  const holder = `${address.holder.firstName} ${address.holder.lastName}`;
  if (viewer !== 'staff' && viewer.userId !== address.holder.id) {
    return `Cette adresse sert à ${holder} pour se connecter à son espace : seule cette personne peut en demander le changement.`;
  }
  const howItChanges =
    viewer === 'staff'
      ? `Adresse de connexion de ${holder} : une nouvelle adresse ne sert qu'une fois confirmée par le lien qui lui est envoyé, et l'ancienne adresse est prévenue.`
      : viewer.mode === 'locked'
        ? undefined
        : `${viewer.mode === 'request' ? 'Envoyé au service pour validation ; puis un' : 'Un'} lien de confirmation est envoyé à la nouvelle adresse, qui ne sert à vous connecter qu'une fois confirmée.`;
  const waiting = address.pending
    ? `Nouvelle adresse en attente de confirmation : ${address.pending.newEmail} (lien valable jusqu'au ${formatDateTime(address.pending.expiresAt)}).`
    : undefined;
  return [howItChanges, waiting].filter(Boolean).join(' ') || undefined;
}

/** The flash after a change of a sign-in address was started. */
export function signInAddressChangeMessage(newEmail: string): string {
  return `L'adresse de connexion ne change qu'après confirmation : un lien de confirmation est envoyé à ${newEmail}, et l'ancienne adresse est prévenue.`;
}

const lowerLabels = (changes: FieldChange[]) => changes.map((change) => change.label.toLowerCase()).join(', ');

/** The flash after a parent's change: what changed at once, what went to the service. */
export function changeOutcomeMessage(result: SubmissionResult): string {
  const parts: string[] = [];
  if (result.applied.length) parts.push(`Modifié : ${lowerLabels(result.applied)}.`);
  if (result.requested.length) {
    parts.push(`Envoyé au service pour validation : ${lowerLabels(result.requested)}. Vous recevrez un e-mail à sa décision.`);
  }
  if (result.confirmationSentTo) parts.push(signInAddressChangeMessage(result.confirmationSentTo));
  return parts.join(' ') || 'Aucune modification : les informations sont identiques.';
}

/** The flash after a staff edit of a member's record. */
export function staffEditMessage(outcome: StaffEditOutcome): string {
  const parts: string[] = [];
  if (outcome.changes.length) {
    parts.push(`Fiche de ${outcome.memberName} modifiée : ${lowerLabels(outcome.changes)}. La modification est inscrite au journal.`);
  }
  if (outcome.confirmationSentTo) parts.push(signInAddressChangeMessage(outcome.confirmationSentTo));
  return parts.join(' ') || `Aucune modification pour ${outcome.memberName} : les informations sont identiques.`;
}

/** The flash after « Ajouter un enfant ». */
export const newChildRequestedMessage = (firstName: string) =>
  `Votre demande d'ajout de ${firstName} est envoyée au service. Vous recevrez un e-mail à sa décision.`;

/** « Ma famille »: « 2 demandes en attente de réponse du service. » */
export const pendingRequestsNotice = (count: number) =>
  `${count} ${count > 1 ? 'demandes' : 'demande'} en attente de réponse du service.`;
