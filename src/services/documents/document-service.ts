import type { CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { askedDocuments, documentKey, documentState, parseDocumentKey, type DocumentState } from '../../domain/document-status.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { FamilyStorage, StoredFile, StoredFileMeta } from '../../model/stored-file.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { Member } from '../../data/family-repository.ts';
import type { FamilyReads } from '../booking/booking-grid-service.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import type { DocumentType, QueuedDocument } from '../../model/document.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { mailQueue } from '../mail.ts';
import { documentDecisionMail } from './document-mails.ts';
import { documentFormWords, documentLabelWords } from '../../i18n/document-words.ts';
import { fileProblemOfNamedWords } from '../../i18n/file-words.ts';
import { checkUpload, fileRefusal, FORMAT_TYPES, type CheckedUpload, type UploadInput, type UploadRules } from '../files/file-checks.ts';
import { familyFiles, familyPdfLimits, limitsOf } from '../files/family-files.ts';

/** One document the commune may ask of the family, or of one child, and where it stands. */
export interface FamilyDocument {
  /** The form's value for this document: « attestation-assurance.12 », « justificatif-domicile ». */
  key: string;
  type: DocumentType;
  /** Null for a family-wide document. */
  member: Pick<Member, 'id' | 'firstName' | 'lastName'> | null;
  /** Asked: an activity of a running registration requires it (else the family may send it anyway). */
  asked: boolean;
  /** The activities requiring it, by name. */
  requiredFor: string[];
  state: DocumentState;
  /** The newest sending, with its pages. */
  latest: { submittedAt: Date; files: StoredFileMeta[] } | null;
}

export interface FamilyDocuments {
  today: CalendarDay;
  /** The family's documents first, then each child's. */
  groups: { member: FamilyDocument['member']; documents: FamilyDocument[] }[];
}

/** What the « Envoyer » form says of the limits (issue 18 item 7): the family's space, and what one sending may hold. */
export interface SendingSpace {
  storage: FamilyStorage;
  sending: { maxPages: number; maxBytes: number };
}

/** The pages a family may send at once for one document. */
export const MAX_FILES_PER_SENDING = 10;

const FILE_FIELD = 'fichiers';
const DOCUMENT_FIELD = 'document';

/** What a document type accepts: its formats and its size. */
export const uploadRulesOf = (type: DocumentType): UploadRules => ({ maxBytes: type.maxSizeMb * 1024 * 1024, types: type.formats.map((format) => FORMAT_TYPES[format]) });

export type DocumentDecision = { accept: true; validUntil: string } | { accept: false; reason: string };

/**
 * Requested documents (DESIGN §6 `/documents`, §7 Documents; issue 13 items 1–3): what the commune
 * asks of a family and of each child, the sending of files, and the staff « Documents à vérifier ».
 * Statuses are computed when read (src/domain/document-status.ts); the mandatory block lives in
 * src/services/documents/document-requirements.ts.
 */
export function documentService(repositories: Repositories, clock: Clock, mail: MailRenderer) {
  const { db, documents, families, registrations, activities, users, audit } = repositories;
  const forms = formSubmissions(repositories, clock);
  const familyStore = familyFiles(repositories);
  const queueMail = mailQueue(repositories.outbox, mail, clock);

  const typeOf = (commune: Commune, code: string) => commune.settings.documentTypes.find((type) => type.code === code);

  /**
   * `known`: what the caller read of the family already (the dashboard: its members, every
   * registration, and the activities of those validated or pending), not read again.
   */
  async function overview(commune: Commune, familyId: number, known: Partial<FamilyReads> = {}): Promise<FamilyDocuments> {
    const today = parisDay(clock.now());
    const [everyone, running, sendings] = await Promise.all([
      known.members ?? families.listMembers(commune.id, familyId),
      known.registrations ?? registrations.listForFamily(commune.id, familyId),
      documents.listForFamily(commune.id, familyId),
    ]);
    const children = everyone.filter((member) => member.role === 'child');
    const involved = known.activities ?? (await activities.listByIds(commune.id, [...new Set(running.map((registration) => registration.activityId))]));
    const asked = askedDocuments(
      {
        types: commune.settings.documentTypes,
        requiredByActivity: new Map(involved.map((activity) => [activity.id, activity.rules.requiredDocuments])),
        registrations: running,
      },
      today,
    );
    const activityNames = new Map(involved.map((activity) => [activity.id, activity.name]));

    const documentFor = (type: DocumentType, member: FamilyDocument['member']): FamilyDocument => {
      const key = documentKey(type.code, member?.id ?? null);
      const own = sendings.filter((sending) => sending.typeCode === type.code && sending.memberId === (member?.id ?? null));
      const newest = own.at(-1);
      const need = asked.get(key);
      return {
        key,
        type,
        member,
        asked: Boolean(need),
        requiredFor: (need?.activityIds ?? []).map((id) => activityNames.get(id)!).filter(Boolean),
        state: documentState(own, today),
        latest: newest ? { submittedAt: newest.submittedAt, files: newest.files } : null,
      };
    };
    const byAsked = (a: FamilyDocument, b: FamilyDocument) => Number(b.asked) - Number(a.asked);
    const familyTypes = commune.settings.documentTypes.filter((type) => type.scope === 'family');
    const childTypes = commune.settings.documentTypes.filter((type) => type.scope === 'child');
    return {
      today,
      groups: [
        ...(familyTypes.length ? [{ member: null, documents: familyTypes.map((type) => documentFor(type, null)).sort(byAsked) }] : []),
        ...(childTypes.length
          ? children.map((child) => {
              const member = { id: child.id, firstName: child.firstName, lastName: child.lastName };
              return { member, documents: childTypes.map((type) => documentFor(type, member)).sort(byAsked) };
            })
          : []),
      ],
    };
  }

  /** The document a form names, of this family: its type and member, or the field's message. */
  async function documentOfForm(commune: Commune, familyId: number, key: string): Promise<{ type: DocumentType; memberId: number | null }> {
    const parsed = parseDocumentKey(key);
    const type = parsed && typeOf(commune, parsed.code);
    const refuse = () => new ValidationError([{ field: DOCUMENT_FIELD, message: documentFormWords({ code: 'document_unknown' }) }], 422);
    if (!parsed || !type || (type.scope === 'child') !== (parsed.memberId !== null)) throw refuse();
    if (parsed.memberId !== null) {
      const member = await families.findMember(commune.id, familyId, parsed.memberId);
      if (!member || member.role !== 'child') throw refuse();
    }
    return { type, memberId: parsed.memberId };
  }

  const labelOf = (type: DocumentType, memberName: string | null) => documentLabelWords(type.name, memberName);

  return {
    overview,

    /** The family's space and a sending's caps, for « Mes documents » only (the dashboard does not read them). */
    async space(commune: Commune, familyId: number): Promise<SendingSpace> {
      const limits = limitsOf(commune);
      return { storage: await familyStore.storage(commune, familyId), sending: { maxPages: limits.sendingMaxPages, maxBytes: limits.sendingMaxMb * 1024 * 1024 } };
    },

    /** Today in Paris, for the staff's validity-end field. */
    today: (): CalendarDay => parisDay(clock.now()),

    /** The documents the family still has to send (missing, refused, expired), for the dashboard. */
    async toSend(commune: Commune, familyId: number, known: Partial<FamilyReads> = {}): Promise<FamilyDocument[]> {
      const { groups } = await overview(commune, familyId, known);
      return groups.flatMap((group) => group.documents).filter((document) => document.asked && ['missing', 'refused', 'expired'].includes(document.state.code));
    },

    /**
     * The « Mes documents » form: the files the parent chose for the document `key`, checked
     * against its type (formats, size), then sent with `submit`. Every file's problem is said
     * next to the file field; nothing is written unless all pass.
     */
    async send(
      commune: Commune,
      user: User,
      key: string,
      uploads: { tooLarge: true } | { tooMany: true } | readonly UploadInput[],
      formKey?: string,
    ): Promise<{ documentId: number; label: string }> {
      const { type, memberId } = await documentOfForm(commune, user.familyId!, key);
      const rules = uploadRulesOf(type);
      if ('tooMany' in uploads) throw fileRefusal(FILE_FIELD, { code: 'too_many_files', maxFiles: MAX_FILES_PER_SENDING });
      const list: readonly UploadInput[] = 'tooLarge' in uploads ? [uploads] : uploads;
      if (!list.length) throw fileRefusal(FILE_FIELD, { code: 'missing', purpose: 'send' });
      const checked: CheckedUpload[] = [];
      for (const upload of list) {
        const result = await checkUpload(upload, FILE_FIELD, rules, familyPdfLimits(commune));
        if ('error' in result) {
          if ('originalName' in upload && list.length > 1 && upload.originalName) {
            throw new ValidationError([{ field: FILE_FIELD, message: fileProblemOfNamedWords(result.error.problem, upload.originalName) }], 422);
          }
          throw fileRefusal(FILE_FIELD, result.error.problem);
        }
        checked.push(result.file);
      }
      return this.submit(commune, user, { typeCode: type.code, memberId }, checked, formKey);
    },

    /**
     * Sends files already checked (`checkUpload`) to a requested document of the user's family:
     * the « Mes documents » form, and the porte-documents' « Transmettre » (a copy of a stored
     * file, read back as a `CheckedUpload`). `document` names the type (`documentTypes[].code`)
     * and, for a per-child type, the child of the family (`memberId`; null for a family-wide
     * type). Each file must also fit the type's `formats` and `maxSizeMb`. The files join the
     * document's pending sending (several pages, sent in one go or several) or start a new one,
     * which staff then accept or refuse; a form key (`formKey`) makes a resent form act once.
     * Answers the sending's id and the document's label. Refusals are ValidationErrors on the
     * fields `document` and `fichiers`.
     */
    async submit(
      commune: Commune,
      user: User,
      document: { typeCode: string; memberId: number | null },
      files: CheckedUpload | readonly CheckedUpload[],
      formKey?: string,
    ): Promise<{ documentId: number; label: string }> {
      const familyId = user.familyId;
      if (!familyId) throw new NotFoundError('only a parent sends documents');
      const { type, memberId } = await documentOfForm(commune, familyId, documentKey(document.typeCode, document.memberId));
      const list = Array.isArray(files) ? (files as readonly CheckedUpload[]) : [files as CheckedUpload];
      if (!list.length) throw fileRefusal(FILE_FIELD, { code: 'missing', purpose: 'send' });
      const rules = uploadRulesOf(type);
      for (const file of list) {
        if (file.content.length > rules.maxBytes) throw fileRefusal(FILE_FIELD, { code: 'too_large', maxBytes: rules.maxBytes });
        if (!rules.types.includes(file.type)) throw fileRefusal(FILE_FIELD, { code: 'type_not_allowed', types: rules.types });
      }
      const limits = limitsOf(commune);
      const maxBytes = limits.sendingMaxMb * 1024 * 1024;
      const member = memberId === null ? null : await families.findMember(commune.id, familyId, memberId);
      const label = labelOf(type, member ? member.firstName : null);
      return forms.transaction(submissionOf(commune, user, 'document', formKey), async (trx) => {
        const now = clock.now();
        // The family is locked and its budget checked first, then the sending's row (every writer locks in this order).
        const bytes = list.reduce((sum, file) => sum + file.content.length, 0);
        await familyStore.reserve(commune, familyId, bytes, FILE_FIELD, trx);
        const documentId = await documents.pendingFor(commune.id, { familyId, memberId, typeCode: type.code, submittedBy: user.id, submittedAt: now }, trx);
        const held = await documents.sendingSize(commune.id, documentId, trx);
        const pages = held.pages + list.reduce((sum, file) => sum + file.pages, 0);
        if (pages > limits.sendingMaxPages) throw fileRefusal(FILE_FIELD, { code: 'sending_too_many_pages', maxPages: limits.sendingMaxPages, pages });
        if (held.bytes + bytes > maxBytes) throw fileRefusal(FILE_FIELD, { code: 'sending_too_large', maxBytes, bytes: held.bytes + bytes });
        for (const fileId of await familyStore.storeReserved(commune, familyId, list, { defaultName: type.code, createdAt: now }, trx)) {
          await documents.attachFile(commune.id, documentId, fileId, trx);
        }
        return { documentId, label };
      });
    },

    /**
     * The porte-documents' « Transmettre »: a copy of a file the parent stored (read back by its
     * owner) sent to the document `key` of the family, checked again against the document's type
     * (and read again by the PDF reader, which counts its pages), then sent as `submit` does.
     */
    async transmit(commune: Commune, user: User, key: string, file: { content: Buffer; originalName: string }, formKey?: string): Promise<{ documentId: number; label: string }> {
      const { type, memberId } = await documentOfForm(commune, user.familyId!, key);
      const checked = await checkUpload(file, FILE_FIELD, uploadRulesOf(type), familyPdfLimits(commune));
      if ('error' in checked) throw fileRefusal(FILE_FIELD, checked.error.problem);
      return this.submit(commune, user, { typeCode: type.code, memberId }, checked.file, formKey);
    },

    /** A page the family sent; any other file (another family's, a certificate…) is unknown here. */
    async fileForFamily(commune: Commune, familyId: number, fileId: number): Promise<StoredFile> {
      const file = await documents.findFile(commune.id, fileId, { familyId });
      if (!file) throw new NotFoundError(`no document file ${fileId} for family ${familyId}`);
      return file;
    },

    /** « Documents à vérifier »: the pending sendings of the commune, oldest first, with their type. */
    async queue(commune: Commune): Promise<(QueuedDocument & { type: DocumentType | undefined })[]> {
      return (await documents.listPending(commune.id)).map((queued) => ({ ...queued, type: typeOf(commune, queued.typeCode) }));
    },

    /** A page of a sending of the commune, for staff. */
    async fileForStaff(commune: Commune, documentId: number, fileId: number): Promise<StoredFile> {
      const file = await documents.findFile(commune.id, fileId, { documentId });
      if (!file) throw new NotFoundError(`no file ${fileId} in document ${documentId}`);
      return file;
    },

    /**
     * Staff accept a sending with its validity end (required, after today: the last valid day) or
     * refuse it with a reason (required). Audited, and every guardian of the family is e-mailed,
     * in the same transaction. A sending decided meanwhile by another agent answers `already_decided`.
     */
    async decide(commune: Commune, staff: User, documentId: number, decision: DocumentDecision): Promise<{ outcome: 'decided' | 'already_decided'; label: string | null }> {
      const today = parisDay(clock.now());
      if (decision.accept && !(/^\d{4}-\d{2}-\d{2}$/.test(decision.validUntil) && decision.validUntil > today)) {
        throw new ValidationError([{ field: 'validiteFin', message: documentFormWords({ code: 'valid_until_missing' }) }]);
      }
      if (!decision.accept && !decision.reason.trim()) {
        throw new ValidationError([{ field: 'motif', message: documentFormWords({ code: 'refusal_reason_missing' }) }]);
      }
      return db.transaction(async (trx) => {
        const document = await documents.lockPending(commune.id, documentId, trx);
        if (!document) return { outcome: 'already_decided' as const, label: null };
        const now = clock.now();
        const type = typeOf(commune, document.typeCode);
        const member = document.memberId === null ? null : await families.findMember(commune.id, document.familyId, document.memberId, trx);
        const label = labelOf(type ?? { code: document.typeCode, name: document.typeCode } as DocumentType, member ? member.firstName : null);
        if (decision.accept) {
          await documents.recordDecision(commune.id, document.id, { status: 'accepted', validUntil: decision.validUntil, decidedBy: staff.id, decidedAt: now }, trx);
        } else {
          await documents.recordDecision(commune.id, document.id, { status: 'refused', reason: decision.reason.trim(), decidedBy: staff.id, decidedAt: now }, trx);
        }
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: now,
            action: decision.accept ? 'document_accepted' : 'document_refused',
            entity: 'document',
            entityId: document.id,
            familyId: document.familyId,
            before: { status: 'pending', type: document.typeCode, memberId: document.memberId },
            after: decision.accept ? { status: 'accepted', validUntil: decision.validUntil } : { status: 'refused', reason: decision.reason.trim() },
          },
          trx,
        );
        for (const guardian of await users.listActiveParentsOfFamily(commune.id, document.familyId, trx)) {
          await queueMail(
            trx,
            commune,
            documentDecisionMail({
              commune,
              guardian,
              documentLabel: label,
              submittedAt: document.submittedAt,
              decision: decision.accept ? { accepted: true, validUntil: decision.validUntil } : { accepted: false, reason: decision.reason.trim() },
              links: mail,
            }),
          );
        }
        return { outcome: 'decided' as const, label };
      });
    },
  };
}

export type DocumentService = ReturnType<typeof documentService>;
