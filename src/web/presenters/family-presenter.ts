import {
  fieldDefinition,
  fieldsFor,
  GROUP_LABELS,
  type FieldChange,
  type FieldGroup,
  type FieldKind,
  type FieldMode,
  type FieldValue,
} from '../../domain/family-fields.ts';
import type { Member, MemberRole } from '../../data/family-repository.ts';
import type { FamilyRequest } from '../../data/request-repository.ts';
import { memberValues, type SignInAddress } from '../../services/family-file-service.ts';
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
    views.push({
      key: field.key,
      label: field.label,
      kind: field.kind,
      mode: modeOf(field.key),
      required: field.requiredFor.includes(member.role),
      display: displayValue(field.kind, values[field.key]),
      pending: pending.has(field.key) ? displayValue(field.kind, pending.get(field.key)) : undefined,
      note: notes[field.key],
    });
    groups.set(field.group, views);
  }
  return [...groups.entries()].map(([group, fields]) => ({ label: GROUP_LABELS[group], fields }));
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
