import { formatDate } from '../../i18n/format.ts';
import { familyStorageWords, FILE_KIND_LABELS, formatFileSize, formatSpaceUsed } from '../../i18n/file-words.ts';
import type { PrivateFileMeta } from '../../model/private-file.ts';
import type { PrivateStoragePage } from '../../services/documents/private-file-service.ts';

export interface PrivateFileView {
  id: number;
  label: string;
  /** « PDF, 1,2 Mo, ajouté le lundi 23 novembre 2026 » */
  details: string;
}

export function presentPrivateFile(file: PrivateFileMeta): PrivateFileView {
  return { id: file.id, label: file.label, details: `${FILE_KIND_LABELS[file.detectedType]}, ${formatFileSize(file.size)}, ajouté le ${formatDate(file.createdAt)}` };
}

/** The porte-documents: its files and the space used, in words and as a meter (not colour only). */
export function presentPrivateStorage(page: PrivateStoragePage) {
  return {
    files: page.files.map(presentPrivateFile),
    space: {
      words: formatSpaceUsed(page.usedBytes, page.quotaBytes),
      used: page.usedBytes,
      quota: page.quotaBytes,
      // The meter turns « high » past 90 %, where one more photo may not fit.
      high: Math.round(page.quotaBytes * 0.9),
      full: page.usedBytes >= page.quotaBytes,
    },
    quotaWords: formatFileSize(page.quotaBytes),
    familyStorageWords: familyStorageWords(page.family),
  };
}
