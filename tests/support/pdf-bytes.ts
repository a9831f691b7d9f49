import { deflateSync } from 'node:zlib';
import { demoPdf } from '../../src/services/commune/demo-documents.ts';

/** An object of a PDF being built: a dictionary (or any value), or a dictionary with its stream. */
export type PdfObject = string | { dictionary: string; stream: string | Buffer };

export interface PdfBuild {
  /** Object numbers (1-based) written inside a compressed object stream (PDF 1.5) rather than in the file. */
  packed?: number[];
  /** Written into the object stream's dictionary after its own keys (a key the reader ignores). */
  objectStreamExtra?: string;
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/**
 * A PDF written byte by byte, as the hostile files of issue 18 are: objects 1…n (object 1 the
 * catalog), a cross-reference table — or, with `packed`, an object stream and a cross-reference
 * stream, so a reader finds the packed objects the way it would in any PDF 1.5.
 */
export function buildPdf(objects: PdfObject[], build: PdfBuild = {}): Buffer {
  const packed = new Set(build.packed ?? []);
  const parts: Buffer[] = [latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  let length = parts[0]!.length;
  const push = (part: Buffer) => {
    parts.push(part);
    length += part.length;
  };
  const entries = new Map<number, { type: 1; offset: number } | { type: 2; stream: number; index: number }>();
  const write = (number: number, object: PdfObject) => {
    entries.set(number, { type: 1, offset: length });
    if (typeof object === 'string') return push(latin1(`${number} 0 obj\n${object}\nendobj\n`));
    const stream = typeof object.stream === 'string' ? latin1(object.stream) : object.stream;
    push(latin1(`${number} 0 obj\n${object.dictionary.replace(/>>\s*$/, ` /Length ${stream.length} >>`)}\nstream\n`));
    push(stream);
    push(latin1('\nendstream\nendobj\n'));
  };
  objects.forEach((object, index) => {
    if (!packed.has(index + 1)) write(index + 1, object);
  });
  let size = objects.length + 1;
  if (packed.size) {
    const streamNumber = size;
    let header = '';
    let body = '';
    [...packed].forEach((number, index) => {
      header += `${number} ${body.length} `;
      body += `${objects[number - 1] as string}\n`;
      entries.set(number, { type: 2, stream: streamNumber, index });
    });
    const content = deflateSync(latin1(`${header}\n${body}`));
    const first = header.length + 1;
    write(streamNumber, { dictionary: `<< /Type /ObjStm /N ${packed.size} /First ${first} /Filter /FlateDecode${build.objectStreamExtra ?? ''} >>`, stream: content });
    const xrefNumber = streamNumber + 1;
    size = xrefNumber + 1;
    const xrefOffset = length;
    entries.set(xrefNumber, { type: 1, offset: xrefOffset });
    const table = Buffer.alloc(size * 7);
    table.writeUInt8(0, 0);
    table.writeUInt16BE(0xffff, 5);
    for (const [number, entry] of entries) {
      table.writeUInt8(entry.type, number * 7);
      table.writeUInt32BE(entry.type === 1 ? entry.offset : entry.stream, number * 7 + 1);
      table.writeUInt16BE(entry.type === 1 ? 0 : entry.index, number * 7 + 5);
    }
    push(latin1(`${xrefNumber} 0 obj\n<< /Type /XRef /Size ${size} /W [1 4 2] /Root 1 0 R /Length ${table.length} >>\nstream\n`));
    push(table);
    push(latin1(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`));
    return Buffer.concat(parts);
  }
  const xrefOffset = length;
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let number = 1; number < size; number += 1) xref += `${String((entries.get(number) as { offset: number }).offset).padStart(10, '0')} 00000 n \n`;
  push(latin1(`${xref}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xrefOffset}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** A one-page document around `catalog` (object 1) and `page` (object 3), with `more` objects from 4 on. */
export function onePagePdf({ catalog = '', page = '', more = [] as PdfObject[], build = {} as PdfBuild } = {}): Buffer {
  return buildPdf(
    [
      `<< /Type /Catalog /Pages 2 0 R ${catalog}>>`,
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ${page}>>`,
      ...more,
    ],
    build,
  );
}

const JS = '<< /S /JavaScript /JS (app.alert\\(1\\)) >>';

/**
 * The hostile PDFs of issue 18 item 6, each as bytes, with what must refuse it. The first two got
 * past the byte patterns of before: names delimited by NUL bytes (a delimiter in PDF), and
 * JavaScript in an object stream whose dictionary carries one more key.
 */
export const HOSTILE_PDFS: [string, Buffer][] = [
  ['JavaScript run when the document opens (/OpenAction)', onePagePdf({ catalog: `/OpenAction ${JS} ` })],
  ['JavaScript whose names are delimited by NUL bytes', onePagePdf({ catalog: '/OpenAction<</S/JavaScript\0/JS\0(app.alert\\(1\\))>>' })],
  [
    'JavaScript in an object stream whose dictionary carries one more key',
    onePagePdf({ catalog: '/OpenAction 4 0 R ', more: [JS], build: { packed: [4], objectStreamExtra: ' /Subobj 1' } }),
  ],
  ['a page action (/AA) running JavaScript when the page opens', onePagePdf({ page: `/AA << /O ${JS} >> ` })],
  ['document actions (/AA) before printing', onePagePdf({ catalog: `/AA << /WP ${JS} >> ` })],
  ['JavaScript in the names tree', onePagePdf({ catalog: '/Names << /JavaScript << /Names [(init) 4 0 R] >> >> ', more: [JS] })],
  ['a link annotation running JavaScript', onePagePdf({ page: '/Annots [4 0 R] ', more: [`<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A ${JS} >>`] })],
  [
    'a link annotation launching a program (written with #xx escapes)',
    onePagePdf({ page: '/Annots [4 0 R] ', more: ['<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] /A << /S /L#61unch /F (calc.exe) >> >>'] }),
  ],
  [
    'a form field running JavaScript when it is clicked',
    onePagePdf({
      catalog: '/AcroForm << /Fields [4 0 R] >> ',
      page: '/Annots [4 0 R] ',
      more: [`<< /Type /Annot /Subtype /Widget /FT /Btn /Ff 65536 /T (ok) /Rect [0 0 100 40] /P 3 0 R /AA << /U ${JS} >> >>`],
    }),
  ],
  ['an XFA form', onePagePdf({ catalog: '/AcroForm << /Fields [] /XFA 4 0 R >> ', more: [{ dictionary: '<< >>', stream: '<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/></xdp:xdp>' }] })],
  [
    'an embedded file',
    onePagePdf({
      catalog: '/Names << /EmbeddedFiles << /Names [(facture.exe) 4 0 R] >> >> ',
      more: ['<< /Type /Filespec /F (facture.exe) /UF (facture.exe) /EF << /F 5 0 R >> >>', { dictionary: '<< /Type /EmbeddedFile >>', stream: 'MZ this is not a document' }],
    }),
  ],
  [
    'a file attachment annotation',
    onePagePdf({
      page: '/Annots [4 0 R] ',
      more: [
        '<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS 5 0 R >>',
        '<< /Type /Filespec /F (note.exe) /EF << /F 6 0 R >> >>',
        { dictionary: '<< /Type /EmbeddedFile >>', stream: 'MZ' },
      ],
    }),
  ],
];

/** PDFs people really send, which must still pass: a scan (an image on a page), the demo documents, a plain web link. */
export const BENIGN_PDFS: [string, Buffer][] = [
  ['a demo document', demoPdf("Attestation d'assurance extrascolaire - Lea Martin")],
  [
    'a scan: one image on a page, its data holding « /JS » and NUL bytes by chance',
    onePagePdf({
      page: '/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R ',
      more: [
        { dictionary: '<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8 >>', stream: Buffer.from([0x01, 0x2f, 0x4a, 0x53, 0x00, 0x07, 0xff, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90]) },
        { dictionary: '<< >>', stream: 'q 595 0 0 842 0 0 cm /Im1 Do Q' },
      ],
    }),
  ],
  ['a PDF with a plain web link', onePagePdf({ page: '/Annots [4 0 R] ', more: ['<< /Type /Annot /Subtype /Link /Rect [0 0 200 20] /A << /S /URI /URI (https://www.caf.fr/) >> >>'] })],
  ['a PDF whose objects sit in an object stream', onePagePdf({ catalog: '/PageMode /UseNone ', more: ['<< /Producer (Scanner) >>'], build: { packed: [2] } })],
];
