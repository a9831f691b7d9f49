import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fileProblemWords } from '../../src/i18n/file-words.ts';
import { inspectPdf } from '../../src/integrations/pdf/pdf-inspection.ts';
import type { FileProblem } from '../../src/model/stored-file.ts';
import { CERTIFICATE_MAX_BYTES, checkUpload, pdfProblem, storedNameOf } from '../../src/services/files/file-checks.ts';
import { BENIGN_PDFS, HOSTILE_PDFS, onePagePdf } from '../support/pdf-bytes.ts';
import { smallPdf } from '../support/small-pdf.ts';

const bytes = (...values: number[]) => Buffer.from([...values, 0x00, 0x01, 0x02]);

/** A small PDF with `catalog` as its first object's dictionary (no cross-reference table: readers rebuild it). */
const pdf = (catalog = '<< /Type /Catalog /Pages 2 0 R >>', extra = '') =>
  Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n${catalog}\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n${extra}trailer\n<< /Root 1 0 R >>\n%%EOF\n`, 'latin1');

/** A PDF whose dictionaries sit in a compressed object stream (PDF 1.5), holding `hidden`. */
function pdfWithObjectStream(hidden: string): Buffer {
  const packed = deflateSync(Buffer.from(`3 0 ${hidden}`, 'latin1'));
  const head = Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`, 'latin1');
  return Buffer.concat([head, packed, Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1')]);
}

const check = (content: Buffer, name = 'attestation.pdf') => checkUpload({ content, originalName: name }, 'attestation');
const refusedWith = (problem: FileProblem) => ({ error: { field: 'attestation', problem } });

// Reading a PDF starts a worker thread and two parsers: generous time on a shared machine.
const SLOW = 60_000;

describe('checkUpload', () => {
  it.each([
    ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'image/png'],
    ['a JPEG (a phone photo)', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
  ])('accepts %s by its content, whatever its name, as one page', async (_, content, type) => {
    expect(await check(content, 'attestation.txt')).toEqual({ file: { content, originalName: 'attestation.txt', type, pages: 1 } });
  });

  it.each([...BENIGN_PDFS, ['a PDF whose action only opens a page', onePagePdf({ catalog: '/OpenAction [3 0 R /Fit] ' })] as [string, Buffer]])(
    'accepts %s, read by the PDF parsers, with its pages counted',
    async (_, content) => {
      expect(await check(content)).toEqual({ file: { content, originalName: 'attestation.pdf', type: 'application/pdf', pages: 1 } });
    },
    SLOW,
  );

  it('accepts a PDF made by pdfkit, as a doctor’s office or the CAF’s site sends it', async () => {
    const content = await smallPdf('Certificat médical');
    expect(await check(content)).toMatchObject({ file: { type: 'application/pdf', pages: 1 } });
  }, SLOW);

  // Issue 18 item 6: every hostile PDF is refused, with the reason the parsers found.
  it.each(HOSTILE_PDFS)('refuses %s', async (_, content) => {
    expect(await check(content)).toMatchObject({ error: { field: 'attestation', problem: { code: 'active_pdf' } } });
  }, SLOW);

  // The first cheap filter: what is refused before any parser reads the file.
  it.each([
    ['an empty file', Buffer.alloc(0), { code: 'empty' }],
    ['an HTML page named .pdf', Buffer.from('<!doctype html><title>x</title>'), { code: 'unknown_type' }],
    ['an SVG image', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), { code: 'unknown_type' }],
    ['an SVG with an XML declaration', Buffer.from('<?xml version="1.0"?><svg/>'), { code: 'unknown_type' }],
    ['a text file', Buffer.from('Ceci est une attestation, promis.'), { code: 'unknown_type' }],
    ['the PDF signature alone', Buffer.from('%PDF-'), { code: 'unknown_type' }],
    ['a PDF header and nothing of a PDF', Buffer.from('%PDF-1.7\n…'), { code: 'broken_pdf' }],
    ['an HTML page with %PDF- glued in front', Buffer.from('%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>'), { code: 'broken_pdf' }],
    ['the same page dressed with an object and %%EOF', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n<html><script>alert(1)</script></html>\n%%EOF'), { code: 'broken_pdf' }],
    ['a truncated PDF (no %%EOF)', pdf().subarray(0, 60), { code: 'broken_pdf' }],
    ['a PDF hiding /JavaScript as /J#61vaScript', pdf('<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>'), { code: 'active_pdf', reason: 'pattern' }],
    ['a PDF with a /JS key after a comment', pdf('<< /Type /Catalog /OpenAction 3 0 R >>', '3 0 obj\n<< /S /J#61vaScript /JS %code\n(app.alert(1)) >>\nendobj\n'), { code: 'active_pdf', reason: 'pattern' }],
    ['a PDF whose /JS code is a stream', pdf('<< /Type /Catalog /AA << /WC << /JS 4 0 R >> >> >>'), { code: 'active_pdf', reason: 'pattern' }],
    ['a PDF launching a program', pdf('<< /Type /Catalog /OpenAction << /S /Launch /F (calc.exe) >> >>'), { code: 'active_pdf', reason: 'pattern' }],
    ['a PDF hiding JavaScript in an object stream', pdfWithObjectStream('<< /S /JavaScript /JS (app.alert(1)) >>'), { code: 'active_pdf', reason: 'pattern' }],
    [
      'a PDF whose object stream cannot be read',
      Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\nnot zlib\nendstream\nendobj\n%%EOF\n'),
      { code: 'broken_pdf' },
    ],
  ] as [string, Buffer, FileProblem][])('refuses %s, next to the field', async (_, content, problem) => {
    expect(await check(content)).toEqual(refusedWith(problem));
  });

  it('refuses a file over 5 MB, read whole or stopped by the parser, in French', async () => {
    const tooBig = Buffer.concat([pdf(), Buffer.alloc(CERTIFICATE_MAX_BYTES)]);
    const refusal = { error: { field: 'justificatif', problem: { code: 'too_large', maxBytes: CERTIFICATE_MAX_BYTES } } };
    expect(await checkUpload({ content: tooBig, originalName: 'a.pdf' }, 'justificatif')).toEqual(refusal);
    expect(await checkUpload({ tooLarge: true }, 'justificatif')).toEqual(refusal);
    expect(fileProblemWords(refusal.error.problem as FileProblem)).toBe('Le fichier dépasse 5 Mo : choisissez un fichier plus léger');
  });

  it("keeps to a document type's size and formats", async () => {
    const rules = { maxBytes: 2 * 1024 * 1024, types: ['application/pdf'] as const };
    expect(await checkUpload({ content: Buffer.concat([pdf(), Buffer.alloc(2 * 1024 * 1024)]), originalName: 'a.pdf' }, 'fichiers', rules)).toEqual({
      error: { field: 'fichiers', problem: { code: 'too_large', maxBytes: 2 * 1024 * 1024 } },
    });
    const photo = await checkUpload({ content: bytes(0xff, 0xd8, 0xff, 0xe0), originalName: 'photo.jpg' }, 'fichiers', rules);
    expect(photo).toEqual({ error: { field: 'fichiers', problem: { code: 'type_not_allowed', types: ['application/pdf'] } } });
    expect(fileProblemWords({ code: 'type_not_allowed', types: ['application/pdf'] })).toBe('Ce document est attendu en PDF : choisissez un fichier dans ce format');
  });
});

/**
 * The decision alone (issue 18 item 6): each hostile PDF as the parsers read it, without the cheap
 * filter — the first two got past the byte patterns of before, and the parsers see them all.
 */
describe('inspectPdf', () => {
  it.each(HOSTILE_PDFS)('finds active content in %s', async (_, content) => {
    expect(await inspectPdf(content)).toMatchObject({ verdict: 'active' });
  }, SLOW);

  it.each([
    ['JavaScript when the document opens', onePagePdf({ catalog: '/OpenAction << /S /JavaScript /JS (x) >> ' }), 'javascript'],
    ['a Launch action when the document opens', onePagePdf({ catalog: '/OpenAction << /S /Launch /F (calc.exe) >> ' }), 'launch'],
    ['an XFA form', HOSTILE_PDFS.find(([name]) => name === 'an XFA form')![1], 'xfa'],
    ['an embedded file', HOSTILE_PDFS.find(([name]) => name === 'an embedded file')![1], 'embedded_file'],
  ])('says why for %s', async (_, content, reason) => {
    expect(await inspectPdf(content)).toEqual({ verdict: 'active', reason });
  }, SLOW);

  it.each(BENIGN_PDFS)('reads %s as clean', async (_, content) => {
    expect(await inspectPdf(content)).toEqual({ verdict: 'clean', pages: 1 });
  }, SLOW);

  it('the old byte patterns missed the first two hostile PDFs; the filter now sees NUL delimiters and object headers too', () => {
    // Kept as a first filter only: cheap, and no longer the decision.
    expect(pdfProblem(HOSTILE_PDFS[1]![1])).toBe('activePdf');
    expect(pdfProblem(HOSTILE_PDFS[2]![1])).toBe('activePdf');
  });

  it('is bounded: a PDF still being read at the deadline is refused as too complex, and more pages than allowed are not read', async () => {
    const pages = 5;
    const kids = Array.from({ length: pages }, (_, index) => `${index + 3} 0 R`).join(' ');
    const many = Buffer.from(
      `%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [${kids}] /Count ${pages} >>\nendobj\n${Array.from({ length: pages }, (_, index) => `${index + 3} 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>\nendobj\n`).join('')}trailer\n<< /Root 1 0 R >>\n%%EOF\n`,
      'latin1',
    );
    expect(await inspectPdf(many, { maxPages: 3, timeoutMs: 30_000 })).toEqual({ verdict: 'too_many_pages', pages });
    expect(await inspectPdf(many, { maxPages: 100, timeoutMs: 1 })).toEqual({ verdict: 'too_complex' });
  }, SLOW);

  it('refuses a file locked by a password, which staff could not open', async () => {
    // An /Encrypt dictionary with a user password pdf.js cannot guess.
    const locked = onePagePdf({ more: ['<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>'] });
    const withEncrypt = Buffer.from(locked.toString('latin1').replace('/Root 1 0 R', '/Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]'), 'latin1');
    expect((await inspectPdf(withEncrypt)).verdict).toMatch(/^(encrypted|broken)$/);
  }, SLOW);
});

describe('storedNameOf', () => {
  it("keeps the sender's name, shortened, or names the file by its type", () => {
    const content = Buffer.from('%PDF-1.7');
    expect(storedNameOf({ content, originalName: 'caf.pdf', type: 'application/pdf', pages: 1 }, 'attestation')).toBe('caf.pdf');
    expect(storedNameOf({ content, originalName: '', type: 'image/png', pages: 1 }, 'attestation')).toBe('attestation.png');
    expect(storedNameOf({ content, originalName: 'x'.repeat(300), type: 'application/pdf', pages: 1 }, 'attestation')).toHaveLength(200);
  });
});
