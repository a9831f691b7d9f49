// Reads one PDF with two maintained parsers and reports what could act when it is opened (see
// pdf-inspection.ts): Mozilla's pdf.js, the way a reader opens it, then pdf-lib over every object
// of the file. Plain JavaScript: it runs in a worker thread of its own, which the caller ends when
// it takes too long or too much memory.
import { parentPort, workerData } from 'node:worker_threads';

const ANNOTATION_FILE_ATTACHMENT = 17;
/** Annotations that play media or run a plug-in: a reader may run code to show them. */
const ACTIVE_SUBTYPES = new Set(['RichMedia', 'Screen', 'Movie', 'Sound', '3D']);
/** Links a certificate may carry: a web page or an e-mail address. */
const SAFE_LINK = /^(https?:|mailto:)/i;

const some = (value) => Boolean(value && (Array.isArray(value) ? value.length : Object.keys(value).length));

async function inspect({ content, maxPages }) {
  const { getDocument, PasswordException, InvalidPDFException } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(content),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
    isOffscreenCanvasSupported: false,
  });
  let document;
  try {
    document = await task.promise;
  } catch (error) {
    if (error instanceof PasswordException || error?.name === 'PasswordException') return { verdict: 'encrypted' };
    if (error instanceof InvalidPDFException || error?.name === 'InvalidPDFException') return { verdict: 'broken' };
    return { verdict: 'broken' };
  }
  try {
    const pages = document.numPages;
    if (pages > maxPages) return { verdict: 'too_many_pages', pages };
    // The document's own actions: /OpenAction, the catalog's /AA and the /JavaScript names tree.
    if (some(await document.getJSActions())) return { verdict: 'active', reason: 'javascript' };
    if (some(await document.getAttachments())) return { verdict: 'active', reason: 'embedded_file' };
    const { info } = await document.getMetadata();
    if (info?.IsXFAPresent) return { verdict: 'active', reason: 'xfa' };
    const fields = await document.getFieldObjects();
    if (fields && Object.values(fields).some((objects) => objects.some((object) => some(object.actions)))) return { verdict: 'active', reason: 'javascript' };
    for (let number = 1; number <= pages; number += 1) {
      const page = await document.getPage(number);
      // A page's /AA (open, close).
      if (some(await page.getJSActions())) return { verdict: 'active', reason: 'javascript' };
      for (const annotation of await page.getAnnotations()) {
        if (some(annotation.actions)) return { verdict: 'active', reason: 'javascript' };
        if (annotation.annotationType === ANNOTATION_FILE_ATTACHMENT || annotation.file || annotation.attachment) return { verdict: 'active', reason: 'embedded_file' };
        if (ACTIVE_SUBTYPES.has(annotation.subtype)) return { verdict: 'active', reason: 'media' };
        // A Launch or GoToR action names a file: pdf.js reports it as a link that is not a web address.
        if (annotation.unsafeUrl && !SAFE_LINK.test(annotation.url ?? '')) return { verdict: 'active', reason: 'launch' };
      }
      page.cleanup();
    }
    const swept = await sweepObjects(content);
    if (swept === 'unreadable') return { verdict: 'broken' };
    return swept ? { verdict: 'active', reason: swept } : { verdict: 'clean', pages };
  } finally {
    await document.destroy();
  }
}

/** Action types that run code or open something outside the document. */
const ACTIVE_ACTIONS = new Map([
  ['JavaScript', 'javascript'],
  ['Launch', 'launch'],
  ['ImportData', 'launch'],
  ['RichMediaExecute', 'media'],
]);

/**
 * pdf.js reports what Firefox would run; other readers run more (a link's JavaScript, a /Launch
 * in /OpenAction or in a page's /AA). pdf-lib parses every indirect object of the file — in object
 * streams too, names decoded — and each dictionary, however deep, is looked at: an action of an
 * active type, a /JS key, an embedded file, an XFA form or a rich-media annotation, reachable or not.
 */
async function sweepObjects(content) {
  const { PDFDocument, PDFDict, PDFArray, PDFName, PDFStream } = await import('@cantoo/pdf-lib');
  let document;
  try {
    document = await PDFDocument.load(new Uint8Array(content), { ignoreEncryption: true, throwOnInvalidObject: false, updateMetadata: false });
  } catch {
    // pdf.js read it; what pdf-lib cannot parse it cannot judge either: the file is refused as unreadable.
    return 'unreadable';
  }
  const nameOf = (value) => (value instanceof PDFName ? value.decodeText() : undefined);
  const seen = new Set();
  const visit = (value) => {
    if (value instanceof PDFStream) return visit(value.dict);
    if (value instanceof PDFArray) {
      for (const item of value.asArray()) {
        const found = visit(item);
        if (found) return found;
      }
      return undefined;
    }
    if (!(value instanceof PDFDict) || seen.has(value)) return undefined;
    seen.add(value);
    const entries = value.entries();
    for (const [key, item] of entries) {
      const name = key.decodeText();
      if (name === 'S' && ACTIVE_ACTIONS.has(nameOf(item))) return ACTIVE_ACTIONS.get(nameOf(item));
      if (name === 'JS') return 'javascript';
      if (name === 'XFA') return 'xfa';
      if (name === 'EF' || name === 'EmbeddedFiles' || (name === 'Type' && nameOf(item) === 'EmbeddedFile')) return 'embedded_file';
      if (name === 'Subtype' && ['RichMedia', 'FileAttachment'].includes(nameOf(item))) return nameOf(item) === 'RichMedia' ? 'media' : 'embedded_file';
    }
    for (const [, item] of entries) {
      const found = visit(item);
      if (found) return found;
    }
    return undefined;
  };
  for (const [, object] of document.context.enumerateIndirectObjects()) {
    const found = visit(object);
    if (found) return found;
  }
  // The trailer's own dictionary (a catalog written directly in it is not an indirect object).
  return visit(document.catalog);
}

inspect(workerData).then(
  (result) => parentPort.postMessage(result),
  () => parentPort.postMessage({ verdict: 'broken' }),
);
