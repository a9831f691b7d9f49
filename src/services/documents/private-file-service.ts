import type { Clock } from '../../domain/clock.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { PrivateFile, PrivateFileMeta } from '../../data/private-file-repository.ts';
import type { User } from '../../data/user-repository.ts';
import { DEFAULT_PRIVATE_FILE_LABEL, documentFormWords } from '../../i18n/document-words.ts';
import type { FamilyStorage } from '../../model/stored-file.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { checkUpload, fieldErrorOf, fileRefusal, sha256Of, storedNameOf, type CheckedUpload, type UploadInput } from '../files/file-checks.ts';
import { familyFiles, familyPdfLimits } from '../files/family-files.ts';

/** Issue 13 item 4: 50 Mo per account. */
export const PRIVATE_STORAGE_QUOTA_BYTES = 50 * 1024 * 1024;
export const PRIVATE_FILE_LABEL_MAX = 100;

/** The porte-documents page: the account's files, newest first, and the space they take. */
export interface PrivateStoragePage {
  files: PrivateFileMeta[];
  usedBytes: number;
  quotaBytes: number;
  /** The family's space, across all it sends (issue 18 item 7). */
  family: FamilyStorage;
}

export interface PrivateFileInput {
  /** The name the parent gives; the file's own name (without its extension) when left empty. */
  label: string;
  file?: UploadInput;
}

type FieldError = { field: string; message: string };

const labelTooLong = { field: 'libelle', message: documentFormWords({ code: 'label_too_long', max: PRIVATE_FILE_LABEL_MAX }) };

/** The label typed, or the file's name without its extension; cut to the limit only when it came from the file. */
function labelOf(typed: string, file: CheckedUpload | undefined): string {
  const label = typed.trim().replace(/\s+/g, ' ');
  if (label) return label;
  const fromName = file ? storedNameOf(file, 'document').replace(/\.[a-z0-9]{1,5}$/i, '').trim() : '';
  return (fromName || DEFAULT_PRIVATE_FILE_LABEL).slice(0, PRIVATE_FILE_LABEL_MAX);
}

/**
 * The porte-documents (DESIGN §7 Documents, issue 13 item 4), where the commune enables it
 * (`features.documentStorage`): a parent's private files. A file belongs to the ACCOUNT that stored
 * it: the other guardian of the family and staff cannot reach it — any other account, an unknown id
 * or a commune without the feature answers NotFoundError (404).
 */
export function privateFileService(repositories: Repositories, clock: Clock) {
  const { privateFiles } = repositories;
  const forms = formSubmissions(repositories, clock);
  const files = familyFiles(repositories);

  /** The parent's own account, in a commune that has the porte-documents. */
  function requireOwner(commune: Commune, user: User): number {
    if (!commune.settings.features.documentStorage) throw new NotFoundError(`document storage is off in ${commune.slug}`);
    if (user.role !== 'parent' || user.communeId !== commune.id) throw new NotFoundError(`${user.role} ${user.id} has no porte-documents`);
    return user.id;
  }

  async function ownFile(commune: Commune, user: User, fileId: number): Promise<PrivateFileMeta> {
    const file = await privateFiles.find(commune.id, requireOwner(commune, user), fileId);
    if (!file) throw new NotFoundError(`private file ${fileId} not of user ${user.id}`);
    return file;
  }

  return {
    quotaBytes: PRIVATE_STORAGE_QUOTA_BYTES,

    async page(commune: Commune, user: User): Promise<PrivateStoragePage> {
      const ownerId = requireOwner(commune, user);
      const [list, usedBytes, family] = await Promise.all([
        privateFiles.listForOwner(commune.id, ownerId),
        privateFiles.usedBytes(commune.id, ownerId),
        files.storage(commune, user.familyId!),
      ]);
      return { files: list, usedBytes, quotaBytes: PRIVATE_STORAGE_QUOTA_BYTES, family };
    },

    /** One file of the account, for the rename and delete pages. */
    get: ownFile,

    async download(commune: Commune, user: User, fileId: number): Promise<PrivateFile> {
      const file = await privateFiles.findWithContent(commune.id, requireOwner(commune, user), fileId);
      if (!file) throw new NotFoundError(`private file ${fileId} not of user ${user.id}`);
      return file;
    },

    /**
     * Stores a file, checked by content (PDF, JPEG, PNG, 5 Mo), within the account's quota. The quota
     * is checked in the transaction that writes, with the account's row locked: two uploads at the
     * limit wait for each other and the second sees the first. Over the quota: a ValidationError on
     * the file field, nothing written. The same form posted twice (`formKey`) stores once. Answers the
     * file's id and label.
     */
    async store(commune: Commune, user: User, input: PrivateFileInput, formKey?: string): Promise<{ id: number; label: string }> {
      const ownerId = requireOwner(commune, user);
      const errors: FieldError[] = [];
      let file: CheckedUpload | undefined;
      if (!input.file) errors.push(fieldErrorOf({ field: 'fichier', problem: { code: 'missing', purpose: 'store' } }));
      else {
        const checked = await checkUpload(input.file, 'fichier', undefined, familyPdfLimits(commune));
        if ('error' in checked) errors.push(fieldErrorOf(checked.error));
        else file = checked.file;
      }
      const label = labelOf(input.label, file);
      if (label.length > PRIVATE_FILE_LABEL_MAX) errors.unshift(labelTooLong);
      if (errors.length) throw new ValidationError(errors);
      const checked = file!;
      return forms.transaction(submissionOf(commune, user, 'private_file_store', formKey), async (trx) => {
        // The family first, then the account: every writer of the family's files locks in this order.
        await files.reserve(commune, user.familyId!, checked.content.length, 'fichier', trx);
        if (!(await privateFiles.lockOwner(commune.id, ownerId, trx))) throw new NotFoundError(`user ${ownerId} not in commune ${commune.id}`);
        const used = await privateFiles.usedBytes(commune.id, ownerId, trx);
        if (used + checked.content.length > PRIVATE_STORAGE_QUOTA_BYTES) {
          throw fileRefusal('fichier', { code: 'account_quota', fileBytes: checked.content.length, usedBytes: used, quotaBytes: PRIVATE_STORAGE_QUOTA_BYTES }, 409);
        }
        const id = await privateFiles.insert(
          commune.id,
          {
            ownerId,
            label,
            content: checked.content,
            detectedType: checked.type,
            sha256: sha256Of(checked.content),
            originalName: storedNameOf(checked, 'document'),
            createdAt: clock.now(),
          },
          trx,
        );
        return { id, label };
      });
    },

    async rename(commune: Commune, user: User, fileId: number, typed: string): Promise<string> {
      const ownerId = requireOwner(commune, user);
      const label = typed.trim().replace(/\s+/g, ' ');
      if (!label) throw new ValidationError([{ field: 'libelle', message: documentFormWords({ code: 'label_missing' }) }]);
      if (label.length > PRIVATE_FILE_LABEL_MAX) throw new ValidationError([labelTooLong]);
      if (!(await privateFiles.rename(commune.id, ownerId, fileId, label))) throw new NotFoundError(`private file ${fileId} not of user ${ownerId}`);
      return label;
    },

    /** Deletes a file; answers its label. Posted twice (`formKey`), the second answers the first. */
    async remove(commune: Commune, user: User, fileId: number, formKey?: string): Promise<string> {
      const ownerId = requireOwner(commune, user);
      return forms.transaction(submissionOf(commune, user, 'private_file_remove', formKey), async (trx) => {
        const label = await privateFiles.remove(commune.id, ownerId, fileId, trx);
        if (label === undefined) throw new NotFoundError(`private file ${fileId} not of user ${ownerId}`);
        return label;
      });
    },
  };
}
