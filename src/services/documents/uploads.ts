import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import type { StoredFileType } from '../../data/absence-repository.ts';
import type { Executor } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';

/**
 * Uploads a family sends (an absence's certificate, a quotient's attestation, a requested
 * document): PDF, JPEG or PNG, checked by content, 5 MB at most unless a document type says
 * otherwise, kept in PostgreSQL (DESIGN §7 Documents, §11 Files).
 *
 * What is refused, and why a byte scan is enough here (issue 13 item 2):
 * - an empty file, a file over the size limit;
 * - anything whose first bytes are not a PDF, PNG or JPEG signature: an SVG, an HTML page, a
 *   text file — whatever the name or the browser's type say;
 * - a « PDF » that is not one: no indirect object, no `%%EOF` in its last kilobyte, or HTML/SVG
 *   markup in its first kilobyte (an HTML page with `%PDF-` glued in front). That does not prove a
 *   PDF is well-formed — only a full parser could — but it turns away the polyglots a browser would
 *   render. Whatever passes is only ever served as an attachment with its detected type and
 *   `X-Content-Type-Options: nosniff`, so no browser renders it as a page;
 * - a PDF that can run something when opened: a name `/JavaScript` or `/Launch`, or a `/JS` key
 *   with its code, anywhere in the file (the `/OpenAction` and `/AA` actions that run code name
 *   them; the scan covers stream data too, so no crafted « stream » keyword hides a dictionary),
 *   also written with `#xx` escapes (`/J#61vaScript`). Dictionaries may hide in compressed object streams
 *   (`/Type /ObjStm`, PDF 1.5): those are inflated (bounded) and scanned too. A name inside any
 *   other stream is content, not a dictionary, and cannot trigger an action.
 */

/** DESIGN §7 / issue 6: a file of 5 MB at most. */
export const CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024;

/** The largest file any form takes (a document type may allow up to 20 MB, src/config/commune-file.ts). */
export const UPLOAD_HARD_MAX_BYTES = 20 * 1024 * 1024;

/**
 * The type of an upload read from its first bytes, never from its name or the browser's claim.
 * A small signature table rather than a dependency: three formats only (DESIGN §7 Documents).
 * - PDF: « %PDF- » at offset 0 (ISO 32000-1 §7.5.2);
 * - PNG: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A (RFC 2083 §3.1);
 * - JPEG: FF D8 FF (SOI marker followed by another marker).
 */
const SIGNATURES: { type: StoredFileType; bytes: number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

export function detectFileType(content: Buffer): StoredFileType | undefined {
  return SIGNATURES.find(({ bytes }) => content.length > bytes.length && bytes.every((byte, index) => content[index] === byte))?.type;
}

export const EXTENSIONS: Record<StoredFileType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** The formats of a document type (commune file) as detected types. */
export const FORMAT_TYPES: Record<'pdf' | 'jpeg' | 'png', StoredFileType> = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };

/** A file as the form sent it; `tooLarge` when it went over the limit (the body parser stopped reading it). */
export type UploadInput = { content: Buffer; originalName: string } | { tooLarge: true };

/** A file that passed the checks, with its type read from its content. */
export interface CheckedUpload {
  content: Buffer;
  originalName: string;
  type: StoredFileType;
}

/** What a form accepts: a size and the formats (by default, 5 MB of PDF, JPEG or PNG). */
export interface UploadRules {
  maxBytes: number;
  types: readonly StoredFileType[];
}

export const DEFAULT_UPLOAD_RULES: UploadRules = { maxBytes: CERTIFICATE_MAX_BYTES, types: ['application/pdf', 'image/jpeg', 'image/png'] };

const TYPE_WORDS: Record<StoredFileType, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'image JPEG', 'image/png': 'image PNG' };

export const UPLOAD_MESSAGES = {
  empty: 'Le fichier est vide : choisissez un autre fichier',
  tooLarge: (maxBytes: number) => `Le fichier dépasse ${Math.round(maxBytes / (1024 * 1024))} Mo : choisissez un fichier plus léger`,
  unknownType: 'Le fichier doit être un PDF, une image JPEG ou PNG (son contenu ne correspond à aucun de ces formats)',
  typeNotAllowed: (types: readonly StoredFileType[]) =>
    `Ce document est attendu en ${types.map((type) => TYPE_WORDS[type]).join(' ou ')} : choisissez un fichier dans ce format`,
  brokenPdf: "Le fichier n'est pas un PDF complet : enregistrez-le de nouveau en PDF, ou envoyez une photo du document",
  activePdf: "Le PDF contient du code (JavaScript ou lancement d'un programme) : nous ne pouvons pas l'accepter. Enregistrez-le de nouveau (« Imprimer » en PDF), ou envoyez une photo du document",
};

/** The file checked by size and content, or the French message for the form field `field`. */
export function checkUpload(
  file: UploadInput,
  field: string,
  rules: UploadRules = DEFAULT_UPLOAD_RULES,
): { file: CheckedUpload } | { error: { field: string; message: string } } {
  const refuse = (message: string) => ({ error: { field, message } });
  if ('tooLarge' in file || file.content.length > rules.maxBytes) return refuse(UPLOAD_MESSAGES.tooLarge(rules.maxBytes));
  if (file.content.length === 0) return refuse(UPLOAD_MESSAGES.empty);
  const type = detectFileType(file.content);
  if (!type) return refuse(UPLOAD_MESSAGES.unknownType);
  if (type === 'application/pdf') {
    const problem = pdfProblem(file.content);
    if (problem) return refuse(UPLOAD_MESSAGES[problem]);
  }
  if (!rules.types.includes(type)) return refuse(UPLOAD_MESSAGES.typeNotAllowed(rules.types));
  return { file: { ...file, type } };
}

/** Names that make a PDF act when it is opened: run JavaScript, or launch a program. */
const ACTIVE_NAMES = new Set(['JavaScript', 'Launch']);
/**
 * `/JS` is a key whose value is the code: a string `(…)` or `<…>`, or a stream's reference `12 0 R`,
 * after blanks or comments. Three bytes alone turn up by chance in a large scan's image data; with
 * what must follow, a real key is still always caught and a chance match becomes rare.
 */
const JS_VALUE = /^(?:\s|%[^\r\n]*[\r\n])*[(<\d]/;
/** A PDF name: a solidus then regular characters (ISO 32000-1 §7.3.5), `#xx` escapes included. */
const NAME = /\/([^\s/[\]<>(){}%]+)/g;
const MARKUP = /<\s*(!doctype\s+html|html|head|body|script|svg|iframe|object|embed)\b/i;
const INDIRECT_OBJECT = /\d+\s+\d+\s+obj\b/;
/** A decoded object stream larger than this is refused rather than read (a « zip bomb »). */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

const decodeName = (name: string) => name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function namesActive(text: string): boolean {
  for (const match of text.matchAll(NAME)) {
    const name = decodeName(match[1]!);
    if (ACTIVE_NAMES.has(name)) return true;
    if (name === 'JS' && JS_VALUE.test(text.slice(match.index + match[0].length, match.index + match[0].length + 256))) return true;
  }
  return false;
}

/** What is wrong with a file that starts like a PDF, if anything (see the module's comment). */
export function pdfProblem(content: Buffer): 'brokenPdf' | 'activePdf' | undefined {
  // latin1 maps each byte to one character: offsets in the text are offsets in the file.
  const text = content.toString('latin1');
  if (MARKUP.test(text.slice(0, 1024))) return 'brokenPdf';
  if (!text.slice(-1024).includes('%%EOF') || !INDIRECT_OBJECT.test(text)) return 'brokenPdf';
  if (namesActive(text)) return 'activePdf';
  const streams = objectStreams(content, text);
  if (streams === 'unreadable') return 'brokenPdf';
  return streams.some(namesActive) ? 'activePdf' : undefined;
}

/** The decoded text of the compressed object streams (`/Type /ObjStm`, `/FlateDecode`). */
function objectStreams(content: Buffer, text: string): string[] | 'unreadable' {
  const decoded: string[] = [];
  const start = /stream\r?\n/g;
  for (let match = start.exec(text); match; match = start.exec(text)) {
    if (text.slice(match.index - 3, match.index) === 'end') continue;
    // The stream's dictionary, between its « n 0 obj » and « stream » (a few hundred bytes at most).
    const dictionary = text.slice(Math.max(0, text.lastIndexOf('obj', match.index), match.index - 4096), match.index);
    const names = [...dictionary.matchAll(NAME)].map((name) => decodeName(name[1]!));
    if (!names.includes('ObjStm')) continue;
    const end = text.indexOf('endstream', match.index + match[0].length);
    if (end < 0) return 'unreadable';
    if (!names.includes('FlateDecode')) return 'unreadable';
    try {
      decoded.push(inflateSync(content.subarray(match.index + match[0].length, end), { maxOutputLength: MAX_INFLATED_BYTES }).toString('latin1'));
    } catch {
      return 'unreadable';
    }
    start.lastIndex = end;
  }
  return decoded;
}

/** Stores a checked file of the family in `stored_files`, in the action's transaction; answers its id. */
export function storeUpload(
  repositories: Repositories,
  communeId: number,
  familyId: number,
  file: CheckedUpload,
  defaultName: string,
  createdAt: Date,
  executor: Executor,
): Promise<number> {
  return repositories.absences.insertFile(
    communeId,
    {
      familyId,
      content: file.content,
      detectedType: file.type,
      sha256: sha256Of(file.content),
      originalName: storedNameOf(file, defaultName),
      createdAt,
    },
    executor,
  );
}

/** The content's SHA-256 in hex, kept beside every stored file. */
export const sha256Of = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/** The name a stored file keeps: the sender's, shortened, or `<defaultName>.<extension>`. */
export function storedNameOf(file: CheckedUpload, defaultName: string): string {
  return file.originalName.slice(0, 200) || `${defaultName}.${EXTENSIONS[file.type]}`;
}
