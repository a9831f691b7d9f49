import { fieldDefinition, type FieldValue } from '../../domain/family-fields.ts';
import type { JournalEntry } from '../../model/audit.ts';
import type { RequestStatus } from '../../model/request.ts';
import { REQUEST_STATUS_LABELS } from '../../i18n/request-words.ts';
import { formatAmount, formatDate, formatMonth } from '../../i18n/format.ts';
import { formatWholeEuros } from '../../i18n/quotient-words.ts';
import { fieldValueInWords } from './staff-request-presenter.ts';

/** Staff actions in French; an action this list does not know yet shows its code rather than nothing. */
const ACTION_LABELS: Record<string, string> = {
  request_accepted: 'Demande acceptée',
  request_refused: 'Demande refusée',
  member_updated: 'Fiche modifiée par le service',
  email_change_requested: 'Adresse de connexion changée, en attente de confirmation par la nouvelle adresse',
  news_published: 'Actualité publiée',
  news_updated: 'Actualité modifiée',
  news_removed: 'Actualité retirée',
  message_sent: 'Message envoyé à la famille',
  message_answered: 'Réponse à la famille',
  message_thread_assigned: 'Conversation attribuée',
  message_thread_closed: 'Conversation close',
  message_thread_reopened: 'Conversation rouverte',
  family_created: 'Famille créée, liens d’activation envoyés',
  account_activated: 'Compte activé',
  account_refused: 'Création de compte refusée',
  registration_validated: 'Inscription validée',
  registration_refused: 'Inscription refusée',
  attendance_marked: 'Présence pointée',
  quotient_set: 'Quotient familial saisi par le service',
  invoicing_run: 'Factures du mois émises',
  credit_note_issued: 'Avoir émis',
  counter_payment: 'Paiement encaissé au guichet',
  debit_rejection: 'Prélèvement rejeté par la banque, facture remise à payer',
  refund_done: 'Remboursement fait à la famille',
  commune_document_published: 'Document publié dans la documentation',
  commune_document_removed: 'Document retiré de la documentation',
  document_accepted: 'Document validé',
  document_refused: 'Document refusé',
};

const ENTITY_LABELS: Record<string, string> = {
  request: 'demande',
  document: 'document',
  member: 'membre',
  news: 'actualité',
  message: 'message',
  message_thread: 'conversation',
  family: 'famille',
  user: 'compte',
  quotient: 'quotient familial',
  invoicing_run: 'facturation',
  invoice: 'avoir',
  payment: 'paiement',
  commune_document: 'documentation',
};

const OTHER_STATUS_LABELS: Record<string, string> = {
  pending_activation: 'en attente d’activation',
  active: 'actif',
  refused: 'refusé',
  validated: 'validée',
};

const PRESENCE_LABELS: Record<string, string> = { present: 'présent·e', absent: 'absent·e' };

/** Keys of before/after that are not member fields. */
const OTHER_KEYS: Record<string, { label: string; words: (value: unknown) => string }> = {
  presence: { label: 'Présence', words: (value) => (value ? (PRESENCE_LABELS[String(value)] ?? String(value)) : 'Non pointé') },
  status: {
    label: 'Statut',
    words: (value) => REQUEST_STATUS_LABELS[value as RequestStatus] ?? OTHER_STATUS_LABELS[String(value)] ?? String(value),
  },
  reason: { label: 'Motif', words: (value) => (typeof value === 'string' && value ? value : 'Non renseigné') },
  quotient: { label: 'Quotient familial', words: (value) => formatWholeEuros(Number(value)) },
  quotientValidFrom: { label: 'Valable à partir du', words: (value) => formatDate(String(value)) },
  quotientValidUntil: { label: 'Valable jusqu’au', words: (value) => formatDate(String(value)) },
  month: { label: 'Mois', words: (value) => formatMonth(String(value).slice(0, 7)) },
  issued: { label: 'Factures émises', words: (value) => String(value) },
  totalCents: { label: 'Montant', words: (value) => formatAmount(Number(value)) },
  firstNumber: { label: 'Premier numéro', words: (value) => String(value) },
  lastNumber: { label: 'Dernier numéro', words: (value) => String(value) },
  number: { label: 'Numéro', words: (value) => String(value) },
  creditFor: { label: 'Facture corrigée', words: (value) => String(value) },
  title: { label: 'Titre', words: (value) => String(value) },
  toReturn: { label: 'À nous retourner', words: (value) => (value ? 'Oui' : 'Non') },
  documentTypeCode: { label: 'Document demandé correspondant', words: (value) => String(value) },
  subject: { label: 'Objet', words: (value) => String(value) },
  body: { label: 'Texte', words: (value) => String(value) },
  assignedTo: { label: 'Attribuée à', words: (value) => String(value) },
  closed: { label: 'Close', words: (value) => (value ? 'Oui' : 'Non') },
  note: { label: 'Détail', words: (value) => String(value) },
};

function inWords(key: string, value: unknown): string {
  if (OTHER_KEYS[key]) return value === undefined || value === null ? 'Non renseigné' : OTHER_KEYS[key].words(value);
  if (fieldDefinition(key) || key === 'preferredContact') return fieldValueInWords(key, value as FieldValue | undefined);
  if (value === null || value === undefined || value === '') return 'Non renseigné';
  if (typeof value === 'boolean') return value ? 'Oui' : 'Non';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function labelOf(key: string): string {
  return fieldDefinition(key)?.label ?? OTHER_KEYS[key]?.label ?? (key === 'preferredContact' ? 'Moyen de contact préféré' : key);
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

export interface AuditChangeView {
  label: string;
  before: string;
  after: string;
}

/** Before → after, key by key, in words; keys whose words did not change are left out. */
export function auditChanges(before: unknown, after: unknown): AuditChangeView[] {
  const was = asRecord(before);
  const is = asRecord(after);
  const keys = [...new Set([...Object.keys(was), ...Object.keys(is)])];
  return keys
    .map((key) => ({ label: labelOf(key), before: inWords(key, was[key]), after: inWords(key, is[key]) }))
    .filter((change) => change.before !== change.after);
}

export interface AuditEntryView {
  id: number;
  occurredAt: Date;
  staffName: string;
  actionLabel: string;
  /** « demande n° 12 – Tom Fontaine » */
  about: string;
  family?: { id: number; name: string; reference: string };
  changes: AuditChangeView[];
}

export function presentAuditEntries(entries: JournalEntry[]): AuditEntryView[] {
  return entries.map((entry) => {
    const entity = ENTITY_LABELS[entry.entity] ?? entry.entity;
    const about = [entry.entityId ? `${entity} n° ${entry.entityId}` : entity, entry.subjectName].filter(Boolean).join(' – ');
    return {
      id: entry.id,
      occurredAt: entry.occurredAt,
      staffName: entry.staffName,
      actionLabel: ACTION_LABELS[entry.action] ?? entry.action,
      about,
      family:
        entry.familyId && entry.familyName
          ? { id: entry.familyId, name: entry.familyName, reference: entry.familyReference ?? '' }
          : undefined,
      changes: auditChanges(entry.before, entry.after),
    };
  });
}
