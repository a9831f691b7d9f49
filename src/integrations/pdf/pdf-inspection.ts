import { Worker } from 'node:worker_threads';

/**
 * Whether a PDF can act when it is opened, decided by real PDF parsers — not by patterns on its
 * bytes (issue 18 item 6, DESIGN §11 Hostile files). Mozilla's pdf.js (pdfjs-dist, the reader of
 * Firefox) opens the document as a reader does and reports:
 * - JavaScript anywhere a reader runs it: the document's /OpenAction and /AA, the /JavaScript names
 *   tree, each page's /AA, each annotation's and form field's actions (with their /Next chains);
 * - embedded files: the /EmbeddedFiles names tree and file-attachment annotations;
 * - an XFA form (IsXFAPresent);
 * - links that launch or open a file (/Launch, /GoToR): a link whose target is not a web address;
 * - media annotations (RichMedia, Screen, Movie, Sound, 3D);
 * - a file it cannot read, or one locked by a password (staff could not open it either).
 * Then pdf-lib (@cantoo/pdf-lib, the maintained fork) parses every object of the file and looks at
 * each dictionary for what other readers run and pdf.js does not report: a link's JavaScript, a
 * /Launch in /OpenAction or /AA, an /ImportData action — reachable from the catalog or not.
 * Both parse object streams, cross-reference streams, name escapes and every PDF delimiter as a
 * reader does, so a name split by NUL bytes or a dictionary hidden in an object stream is seen.
 *
 * Bounded: each PDF is read in a worker thread of its own, with a heap limit, a deadline and a page
 * limit; at most two run at once (the other checks wait their turn), so a hostile PDF cannot hang
 * the server or take all its memory: past the deadline or the heap the worker is ended and the
 * file refused as too complex.
 */
export type PdfInspection =
  | { verdict: 'clean'; pages: number }
  | { verdict: 'active'; reason: 'javascript' | 'embedded_file' | 'xfa' | 'launch' | 'media' }
  | { verdict: 'broken' }
  | { verdict: 'encrypted' }
  | { verdict: 'too_many_pages'; pages: number }
  | { verdict: 'too_complex' };

export interface PdfInspectionLimits {
  /** A PDF with more pages is refused without reading them. */
  maxPages: number;
  /** A PDF still being read after this is refused. */
  timeoutMs: number;
}

export const DEFAULT_PDF_INSPECTION_LIMITS: PdfInspectionLimits = { maxPages: 200, timeoutMs: 15_000 };

/** At most this many PDFs are read at once (the machine has few cores; uploads are rare). */
const PARALLEL_INSPECTIONS = 2;
/** The heap a worker may use: pdf.js on a 20 MB scan needs well under this. */
const WORKER_HEAP_MB = 256;
const WORKER_FILE = new URL('./pdf-inspection-worker.mjs', import.meta.url);

// One queue per process, on purpose: what it shares is this process's cores, not a connection or a tenant.
let running = 0;
const waiting: (() => void)[] = [];

async function turn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= PARALLEL_INSPECTIONS) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

function readInWorker(content: Buffer, limits: PdfInspectionLimits): Promise<PdfInspection> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_FILE, {
      workerData: { content, maxPages: limits.maxPages },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
      // The worker is plain JavaScript: no TypeScript loader to inherit.
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const settle = (inspection: PdfInspection) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      void worker.terminate();
      resolve(inspection);
    };
    const deadline = setTimeout(() => settle({ verdict: 'too_complex' }), limits.timeoutMs);
    worker.once('message', (inspection: PdfInspection) => settle(inspection));
    // Out of heap (ERR_WORKER_OUT_OF_MEMORY) or any crash of the reader.
    worker.once('error', () => settle({ verdict: 'too_complex' }));
    worker.once('exit', () => settle({ verdict: 'too_complex' }));
  });
}

/** Reads the PDF `content` with pdf.js in a bounded worker thread (see the module's comment). */
export function inspectPdf(content: Buffer, limits: PdfInspectionLimits = DEFAULT_PDF_INSPECTION_LIMITS): Promise<PdfInspection> {
  return turn(() => readInWorker(content, limits));
}
