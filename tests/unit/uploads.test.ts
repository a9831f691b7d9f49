import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CERTIFICATE_MAX_BYTES, checkUpload, storedNameOf, UPLOAD_MESSAGES } from '../../src/services/documents/uploads.ts';

const bytes = (...values: number[]) => Buffer.from([...values, 0x00, 0x01, 0x02]);

/** A small PDF with `catalog` as its first object's dictionary, as a reader would accept it. */
const pdf = (catalog = '<< /Type /Catalog /Pages 2 0 R >>', extra = '') =>
  Buffer.from(`%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n${catalog}\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n${extra}trailer\n<< /Root 1 0 R >>\n%%EOF\n`, 'latin1');

/** A PDF whose dictionaries sit in a compressed object stream (PDF 1.5), holding `hidden`. */
function pdfWithObjectStream(hidden: string): Buffer {
  const packed = deflateSync(Buffer.from(`3 0 ${hidden}`, 'latin1'));
  const head = Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`, 'latin1');
  return Buffer.concat([head, packed, Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1')]);
}

const check = (content: Buffer, name = 'attestation.pdf') => checkUpload({ content, originalName: name }, 'attestation');
const refusedWith = (message: string) => ({ error: { field: 'attestation', message } });

describe('checkUpload', () => {
  it.each([
    ['a PDF', pdf(), 'application/pdf'],
    ['a PDF whose action only opens a page', pdf('<< /Type /Catalog /OpenAction [3 0 R /Fit] >>'), 'application/pdf'],
    ['a PDF with a clean object stream', pdfWithObjectStream('<< /Type /Page >>'), 'application/pdf'],
    ['a scan whose image data holds the bytes « /JS » by chance', pdf('<< /Type /Catalog >>', '3 0 obj\n<< /Length 12 >>\nstream\n\x01/JS\x00\x07/JSx\xff\nendstream\nendobj\n'), 'application/pdf'],
    ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'image/png'],
    ['a JPEG (a phone photo)', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
  ])('accepts %s by its content, whatever its name', (_, content, type) => {
    expect(check(content, 'attestation.txt')).toEqual({ file: { content, originalName: 'attestation.txt', type } });
  });

  // The hard cases of issue 13: each is refused with a French sentence for the field.
  it.each([
    ['an empty file', Buffer.alloc(0), UPLOAD_MESSAGES.empty],
    ['an HTML page named .pdf', Buffer.from('<!doctype html><title>x</title>'), UPLOAD_MESSAGES.unknownType],
    ['an SVG image', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), UPLOAD_MESSAGES.unknownType],
    ['an SVG with an XML declaration', Buffer.from('<?xml version="1.0"?><svg/>'), UPLOAD_MESSAGES.unknownType],
    ['a text file', Buffer.from('Ceci est une attestation, promis.'), UPLOAD_MESSAGES.unknownType],
    ['the PDF signature alone', Buffer.from('%PDF-'), UPLOAD_MESSAGES.unknownType],
    ['a PDF header and nothing of a PDF', Buffer.from('%PDF-1.7\n…'), UPLOAD_MESSAGES.brokenPdf],
    ['an HTML page with %PDF- glued in front', Buffer.from('%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>'), UPLOAD_MESSAGES.brokenPdf],
    [
      'the same page dressed with an object and %%EOF',
      Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n<html><script>alert(1)</script></html>\n%%EOF'),
      UPLOAD_MESSAGES.brokenPdf,
    ],
    ['a truncated PDF (no %%EOF)', pdf().subarray(0, 60), UPLOAD_MESSAGES.brokenPdf],
    ['a PDF running JavaScript when opened', pdf('<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>'), UPLOAD_MESSAGES.activePdf],
    ['a PDF with a JavaScript name tree', pdf('<< /Type /Catalog /Names << /JavaScript 3 0 R >> >>'), UPLOAD_MESSAGES.activePdf],
    ['a PDF with a page action (/AA) in JS', pdf('<< /Type /Catalog >>', '3 0 obj\n<< /Type /Page /AA << /O << /S /JavaScript /JS (app.alert(1)) >> >> >>\nendobj\n'), UPLOAD_MESSAGES.activePdf],
    ['a PDF hiding /JavaScript as /J#61vaScript', pdf('<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>'), UPLOAD_MESSAGES.activePdf],
    ['a PDF with a /JS key after a comment', pdf('<< /Type /Catalog /OpenAction 3 0 R >>', '3 0 obj\n<< /S /J#61vaScript /JS %code\n(app.alert(1)) >>\nendobj\n'), UPLOAD_MESSAGES.activePdf],
    ['a PDF with /JS code and no action type', pdf('<< /Type /Catalog /OpenAction << /JS <6170702e616c657274283129> >> >>'), UPLOAD_MESSAGES.activePdf],
    ['a PDF whose /JS code is a stream', pdf('<< /Type /Catalog /AA << /WC << /JS 4 0 R >> >> >>'), UPLOAD_MESSAGES.activePdf],
    ['a PDF launching a program', pdf('<< /Type /Catalog /OpenAction << /S /Launch /F (calc.exe) >> >>'), UPLOAD_MESSAGES.activePdf],
    ['a PDF hiding JavaScript in an object stream', pdfWithObjectStream('<< /S /JavaScript /JS (app.alert(1)) >>'), UPLOAD_MESSAGES.activePdf],
    [
      'a PDF whose object stream cannot be read',
      Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\nnot zlib\nendstream\nendobj\n%%EOF\n'),
      UPLOAD_MESSAGES.brokenPdf,
    ],
  ])('refuses %s, next to the field', (_, content, message) => {
    expect(check(content)).toEqual(refusedWith(message));
  });

  it('refuses a file over 5 MB, read whole or stopped by the parser', () => {
    const tooBig = Buffer.concat([pdf(), Buffer.alloc(CERTIFICATE_MAX_BYTES)]);
    const message = { error: { field: 'justificatif', message: 'Le fichier dépasse 5 Mo : choisissez un fichier plus léger' } };
    expect(checkUpload({ content: tooBig, originalName: 'a.pdf' }, 'justificatif')).toEqual(message);
    expect(checkUpload({ tooLarge: true }, 'justificatif')).toEqual(message);
  });

  it("keeps to a document type's size and formats", () => {
    const rules = { maxBytes: 2 * 1024 * 1024, types: ['application/pdf'] as const };
    expect(checkUpload({ content: Buffer.concat([pdf(), Buffer.alloc(2 * 1024 * 1024)]), originalName: 'a.pdf' }, 'fichiers', rules)).toEqual({
      error: { field: 'fichiers', message: 'Le fichier dépasse 2 Mo : choisissez un fichier plus léger' },
    });
    expect(checkUpload({ content: bytes(0xff, 0xd8, 0xff, 0xe0), originalName: 'photo.jpg' }, 'fichiers', rules)).toEqual({
      error: { field: 'fichiers', message: 'Ce document est attendu en PDF : choisissez un fichier dans ce format' },
    });
  });
});

describe('storedNameOf', () => {
  it("keeps the sender's name, shortened, or names the file by its type", () => {
    const content = Buffer.from('%PDF-1.7');
    expect(storedNameOf({ content, originalName: 'caf.pdf', type: 'application/pdf' }, 'attestation')).toBe('caf.pdf');
    expect(storedNameOf({ content, originalName: '', type: 'image/png' }, 'attestation')).toBe('attestation.png');
    expect(storedNameOf({ content, originalName: 'x'.repeat(300), type: 'application/pdf' }, 'attestation')).toHaveLength(200);
  });
});
