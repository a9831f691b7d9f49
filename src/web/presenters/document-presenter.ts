import { familyStorageWords, sendingLimitWords } from '../../i18n/file-words.ts';
import type { DocumentState } from '../../domain/document-status.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { acceptedFormatsWords, documentStatusWords, fileSizeWords } from '../../i18n/document-words.ts';
import type { QueuedDocument, DocumentType } from '../../model/document.ts';
import type { StoredFileMeta } from '../../model/stored-file.ts';
import type { FamilyDocument, FamilyDocuments, SendingSpace } from '../../services/documents/document-service.ts';

/** The colour of a status repeats its words (never alone): the tag classes of public/css/main.css. */
const STATUS_CLASS: Record<DocumentState['code'], string> = {
  missing: 'tag--due',
  pending: 'tag--pending',
  accepted: 'tag--ok',
  refused: 'tag--late',
  expired: 'tag--late',
};

export interface DocumentView {
  key: string;
  name: string;
  /** « Obligatoire pour : Restauration scolaire, Mercredis » or « Facultatif ». */
  requirement: string;
  asked: boolean;
  statusLabel: string;
  statusClass: string;
  /** The refusal's reason, when refused. */
  reason: string | null;
  formats: string;
  sent: string | null;
  files: { id: number; name: string; size: string }[];
}

const TYPE_LABELS = { 'application/pdf': 'PDF', 'image/jpeg': 'image JPEG', 'image/png': 'image PNG' } as const;

const presentFiles = (files: StoredFileMeta[]) =>
  files.map((file) => ({
    id: file.id,
    name: file.originalName,
    size: fileSizeWords(file.size),
    type: TYPE_LABELS[file.detectedType],
    /** A JPEG or PNG is shown in the page (an <img> loads a download too); a PDF is downloaded. */
    image: file.detectedType !== 'application/pdf',
  }));

function presentDocument(document: FamilyDocument): DocumentView {
  const optionalUnsent = !document.asked && document.state.code === 'missing';
  return {
    key: document.key,
    name: document.type.name,
    requirement: document.asked ? `Obligatoire pour : ${document.requiredFor.join(', ')}` : 'Facultatif : vous pouvez le transmettre si vous le souhaitez',
    asked: document.asked,
    statusLabel: optionalUnsent ? 'Non transmis' : documentStatusWords(document.state),
    statusClass: optionalUnsent ? 'tag--ended' : STATUS_CLASS[document.state.code],
    reason: document.state.code === 'refused' ? document.state.reason : null,
    formats: acceptedFormatsWords(document.type.formats, document.type.maxSizeMb),
    sent: document.latest ? `Dernier envoi le ${formatDateTime(document.latest.submittedAt)}` : null,
    files: document.latest ? presentFiles(document.latest.files) : [],
  };
}

const ownerOf = (member: FamilyDocument['member']) => (member ? `${member.firstName} ${member.lastName}` : null);

/** « Mes documents »: one section for the family, one per child; the form's choices, asked ones first. */
export function presentFamilyDocuments({ groups }: FamilyDocuments, space?: SendingSpace) {
  const sections = groups.map((group) => ({
    id: group.member ? `documents-${group.member.id}` : 'documents-famille',
    title: group.member ? `Documents de ${ownerOf(group.member)}` : 'Documents de la famille',
    documents: group.documents.map(presentDocument),
  }));
  const choices = groups.flatMap((group) =>
    group.documents.map((document) => ({
      value: document.key,
      label: group.member ? `${document.type.name} – ${group.member.firstName}` : `${document.type.name} – famille`,
      asked: document.asked,
    })),
  );
  const toSend = groups.flatMap((group) => group.documents).filter((document) => document.asked && document.state.code !== 'accepted' && document.state.code !== 'pending').length;
  return {
    sections,
    choices: [...choices.filter((choice) => choice.asked), ...choices.filter((choice) => !choice.asked)],
    storageWords: space && familyStorageWords(space.storage),
    sendingWords: space && sendingLimitWords(space.sending.maxPages, space.sending.maxBytes),
    summary: toSend === 0 ? 'Aucun document obligatoire ne manque à votre dossier.' : toSend === 1 ? 'Un document obligatoire est à fournir.' : `${toSend} documents obligatoires sont à fournir.`,
  };
}

/** The dashboard's « Documents à fournir »: each one with what it says and for whom. */
export function presentDocumentsToSend(documents: FamilyDocument[]) {
  return documents.map((document) => ({
    key: document.key,
    label: document.member ? `${document.type.name} de ${document.member.firstName}` : `${document.type.name} (famille)`,
    statusLabel: documentStatusWords(document.state),
    statusClass: STATUS_CLASS[document.state.code],
  }));
}

/** « Documents à vérifier »: oldest first, who sent what for whom, and its pages. */
export function presentDocumentQueue(queue: (QueuedDocument & { type: DocumentType | undefined })[]) {
  return queue.map((document) => ({
    id: document.id,
    name: document.type?.name ?? document.typeCode,
    about: document.memberName ?? 'Toute la famille',
    familyId: document.familyId,
    family: `${document.familyName} (dossier n° ${document.familyReference})`,
    submitted: `Envoyé le ${formatDateTime(document.submittedAt)} par ${document.submittedByName}`,
    files: presentFiles(document.files),
  }));
}

/** The first day a validity end may take: tomorrow, for the date field's `min`. */
export const validityHint = (today: string) => `Le dernier jour où le document est valable, après le ${formatDate(today)}.`;

/** Under an activity of the registration form: « Document exigé : Attestation d'assurance extrascolaire ». */
export function requiredDocumentsHint(requiredDocuments: readonly string[], types: readonly DocumentType[]): string | null {
  const names = requiredDocuments.map((code) => types.find((type) => type.code === code)?.name).filter((name): name is string => Boolean(name));
  if (!names.length) return null;
  return `${names.length > 1 ? 'Documents exigés' : 'Document exigé'} : ${names.join(', ')}`;
}

/**
 * The family file's « Documents » for staff: every document asked of the family or sent by it, for
 * whom, where it stands, and the last sending — in the service's words, not the parent's.
 */
export function presentStaffDocuments({ groups }: FamilyDocuments) {
  return groups.flatMap((group) =>
    group.documents
      .filter((document) => document.asked || document.latest)
      .map((document) => ({
        name: document.type.name,
        about: group.member ? `${group.member.firstName} ${group.member.lastName}` : 'Toute la famille',
        requirement: document.asked ? `Obligatoire pour : ${document.requiredFor.join(', ')}` : 'Facultatif',
        statusLabel: documentStatusWords(document.state),
        statusClass: STATUS_CLASS[document.state.code],
        reason: document.state.code === 'refused' ? document.state.reason : null,
        sent: document.latest ? `Dernier envoi le ${formatDateTime(document.latest.submittedAt)}` : null,
      })),
  );
}
