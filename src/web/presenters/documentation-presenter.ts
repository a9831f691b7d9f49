import { formatDate } from '../../i18n/format.ts';
import { FILE_KIND_LABELS, formatFileSize } from '../../i18n/file-words.ts';
import type { CommuneDocumentMeta } from '../../model/commune-document.ts';

export interface DocumentTypeName {
  code: string;
  name: string;
}

export interface CommuneDocumentView {
  id: number;
  title: string;
  description: string;
  /** « Publié le lundi 23 novembre 2026 » */
  publishedOn: string;
  /** « PDF, 1,2 Mo » */
  fileDetails: string;
  /** A form to send back: the requested document it is sent as, and the anchor of its line on `/documents`. */
  toReturn?: { code: string; name: string };
}

/** The commune's documents as families and staff read them. `types`: the commune file's document types. */
export function presentCommuneDocuments(documents: CommuneDocumentMeta[], types: DocumentTypeName[]): CommuneDocumentView[] {
  const names = new Map(types.map((type) => [type.code, type.name]));
  return documents.map((document) => ({
    id: document.id,
    title: document.title,
    description: document.description,
    publishedOn: `Publié le ${formatDate(document.publishedAt)}`,
    fileDetails: `${FILE_KIND_LABELS[document.detectedType]}, ${formatFileSize(document.size)}`,
    toReturn:
      document.toReturn && document.documentTypeCode
        ? { code: document.documentTypeCode, name: names.get(document.documentTypeCode) ?? document.documentTypeCode }
        : undefined,
  }));
}
