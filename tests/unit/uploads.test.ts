import { describe, expect, it } from 'vitest';
import { CERTIFICATE_MAX_BYTES, checkUpload, storedNameOf } from '../../src/services/uploads.ts';

const bytes = (...values: number[]) => Buffer.from([...values, 0x00, 0x01, 0x02]);

describe('checkUpload', () => {
  it.each([
    ['a PDF', Buffer.from('%PDF-1.7\n…'), 'application/pdf'],
    ['a PNG', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'image/png'],
    ['a JPEG', bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
  ])('accepts %s by its content, whatever its name', (_, content, type) => {
    expect(checkUpload({ content, originalName: 'attestation.txt' }, 'attestation')).toEqual({ file: { content, originalName: 'attestation.txt', type } });
  });

  it.each([
    ['an HTML page named .pdf', Buffer.from('<!doctype html><title>x</title>')],
    ['a text file', Buffer.from('Ceci est une attestation, promis.')],
    ['the PDF signature alone', Buffer.from('%PDF-')],
  ])('refuses %s, next to the field', (_, content) => {
    expect(checkUpload({ content, originalName: 'attestation.pdf' }, 'attestation')).toEqual({
      error: { field: 'attestation', message: 'Le fichier doit être un PDF, une image JPEG ou PNG (son contenu ne correspond à aucun de ces formats)' },
    });
  });

  it('refuses a file over 5 MB, read whole or stopped by the parser', () => {
    const tooBig = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(CERTIFICATE_MAX_BYTES)]);
    const message = { error: { field: 'justificatif', message: 'Le fichier dépasse 5 Mo : choisissez un fichier plus léger' } };
    expect(checkUpload({ content: tooBig, originalName: 'a.pdf' }, 'justificatif')).toEqual(message);
    expect(checkUpload({ tooLarge: true }, 'justificatif')).toEqual(message);
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
