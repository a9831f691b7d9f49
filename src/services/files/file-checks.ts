import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { ValidationError } from '../../domain/errors.ts';
import { fileProblemWords } from '../../i18n/file-words.ts';
import { DEFAULT_PDF_INSPECTION_LIMITS, inspectPdf, type PdfInspectionLimits } from '../../integrations/pdf/pdf-inspection.ts';
import type { FileProblem, StoredFileType } from '../../model/stored-file.ts';

/**
 * The checks of every file a person sends (an absence's certificate, a quotient's attestation, a
 * requested document, a porte-documents file, a message attachment, a document the commune
 * publishes): PDF, JPEG or PNG, checked by content, 5 MB at most unless a document type says
 * otherwise (DESIGN §7 Documents, §11 Files and Hostile files; issue 18 item 6).
 *
 * What is refused, in this order:
 * - a file over the size limit, an empty file;
 * - anything whose first bytes are not a PDF, PNG or JPEG signature (an SVG, an HTML page, a text
 *   file), whatever the name or the browser's type say; a format the form does not take;
 * - a « PDF » that is not one, by a cheap first filter on the bytes: no indirect object, no `%%EOF`
 *   in its last kilobyte, or HTML/SVG markup in its first kilobyte (a polyglot a browser renders);
 *   and, still on the bytes, the names `/JavaScript`, `/Launch` or a `/JS` key with its code,
 *   escaped or not, in the file or in its inflated object streams — quick, but patterns can be
 *   dodged, so it is only a filter;
 * - then the decision: the PDF read by pdf.js as a reader opens it (src/integrations/pdf/
 *   pdf-inspection.ts) — JavaScript in any action, launch actions, embedded files, XFA, media,
 *   a password, a file it cannot read, too many pages or too long to read are refused.
 * Whatever passes is only ever served as an attachment with its detected type, `nosniff` and a
 * sandbox policy (src/web/file-download.ts).
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
  /** A PDF's pages as its reader counted them; an image is one page. */
  pages: number;
}

/** What a form accepts: a size and the formats (by default, 5 MB of PDF, JPEG or PNG). */
export interface UploadRules {
  maxBytes: number;
  types: readonly StoredFileType[];
}

export const DEFAULT_UPLOAD_RULES: UploadRules = { maxBytes: CERTIFICATE_MAX_BYTES, types: ['application/pdf', 'image/jpeg', 'image/png'] };

/** A refused file: the form field and what is wrong, as a code (said by src/i18n/file-words.ts). */
export type UploadRefusal = { field: string; problem: FileProblem };

/** The file checked by size, format and content (see the module's comment), or the problem for the form field `field`. */
export async function checkUpload(
  file: UploadInput,
  field: string,
  rules: UploadRules = DEFAULT_UPLOAD_RULES,
  pdfLimits?: PdfInspectionLimits,
): Promise<{ file: CheckedUpload } | { error: UploadRefusal }> {
  const refuse = (problem: FileProblem) => ({ error: { field, problem } });
  if ('tooLarge' in file || file.content.length > rules.maxBytes) return refuse({ code: 'too_large', maxBytes: rules.maxBytes });
  if (file.content.length === 0) return refuse({ code: 'empty' });
  const type = detectFileType(file.content);
  if (!type) return refuse({ code: 'unknown_type' });
  if (type !== 'application/pdf') {
    return rules.types.includes(type) ? { file: { ...file, type, pages: 1 } } : refuse({ code: 'type_not_allowed', types: rules.types });
  }
  const cheap = pdfProblem(file.content);
  if (cheap) return refuse(cheap === 'brokenPdf' ? { code: 'broken_pdf' } : { code: 'active_pdf', reason: 'pattern' });
  if (!rules.types.includes(type)) return refuse({ code: 'type_not_allowed', types: rules.types });
  const read = await inspectPdf(file.content, pdfLimits);
  switch (read.verdict) {
    case 'clean':
      return { file: { ...file, type, pages: Math.max(1, read.pages) } };
    case 'active':
      return refuse({ code: 'active_pdf', reason: read.reason });
    case 'encrypted':
      return refuse({ code: 'encrypted_pdf' });
    case 'broken':
      return refuse({ code: 'broken_pdf' });
    case 'too_many_pages':
      return refuse({ code: 'sending_too_many_pages', maxPages: (pdfLimits ?? DEFAULT_PDF_INSPECTION_LIMITS).maxPages, pages: read.pages });
    case 'too_complex':
      return refuse({ code: 'too_complex_pdf' });
  }
}

/** A ValidationError saying `problem` next to the field `field` (and in the error summary). */
export function fileRefusal(field: string, problem: FileProblem, status = 422): ValidationError {
  return new ValidationError([{ field, message: fileProblemWords(problem) }], status);
}

/** Names that make a PDF act when it is opened: run JavaScript, or launch a program. */
const ACTIVE_NAMES = new Set(['JavaScript', 'Launch']);
/**
 * `/JS` is a key whose value is the code: a string `(…)` or `<…>`, or a stream's reference `12 0 R`,
 * after blanks or comments. Three bytes alone turn up by chance in a large scan's image data; with
 * what must follow, a real key is still always caught and a chance match becomes rare.
 */
const JS_VALUE = /^(?:[\s\0]|%[^\r\n]*[\r\n])*[(<\d]/;
/** A PDF name: a solidus then regular characters (ISO 32000-1 §7.3.5), `#xx` escapes included; NUL delimits too (§7.2.2). */
const NAME = /\/([^\s\0/[\]<>(){}%]+)/g;
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

const OBJECT_HEADER = /\d+[\s\0]+\d+[\s\0]+obj\b/g;

/** Where the indirect object holding `index` starts (its « n g obj »), within the 4 KB before it. */
function lastObjectHeader(text: string, index: number): number {
  let last = -1;
  const window = Math.max(0, index - 4096);
  OBJECT_HEADER.lastIndex = window;
  for (let match = OBJECT_HEADER.exec(text); match && match.index < index; match = OBJECT_HEADER.exec(text)) last = match.index;
  return last;
}

/** The decoded text of the compressed object streams (`/Type /ObjStm`, `/FlateDecode`). */
function objectStreams(content: Buffer, text: string): string[] | 'unreadable' {
  const decoded: string[] = [];
  const start = /stream\r?\n/g;
  for (let match = start.exec(text); match; match = start.exec(text)) {
    if (text.slice(match.index - 3, match.index) === 'end') continue;
    // The stream's dictionary, between its « n 0 obj » and « stream » (a few hundred bytes at most).
    const dictionary = text.slice(Math.max(0, lastObjectHeader(text, match.index), match.index - 4096), match.index);
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

/** The content's SHA-256 in hex, kept beside every stored file. */
export const sha256Of = (content: Buffer) => createHash('sha256').update(content).digest('hex');

/** The name a stored file keeps: the sender's, shortened, or `<defaultName>.<extension>`. */
export function storedNameOf(file: CheckedUpload, defaultName: string): string {
  return file.originalName.slice(0, 200) || `${defaultName}.${EXTENSIONS[file.type]}`;
}

/** A refused file as a form's field error (the message said by src/i18n/file-words.ts). */
export const fieldErrorOf = (refusal: UploadRefusal) => ({ field: refusal.field, message: fileProblemWords(refusal.problem) });
