import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import { familyFiles } from '../files/family-files.ts';

/** A one-page PDF saying `text`, with its cross-reference table: what a scanner or the CAF's site sends. */
export function demoPdf(text: string): Buffer {
  const escaped = text.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = `BT /F1 14 Tf 72 760 Td (${escaped}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * The Martin family's documents (DESIGN §10: « a missing mandatory document »): Léa's insurance
 * certificate sent by Claire and accepted by the agent until the end of August; Hugo's, required by
 * his canteen and Wednesday registrations, is still to send — « Mes documents » and the dashboard
 * show it. Once: a family with any document sent is left alone.
 */
export async function ensureDemoDocuments(repositories: Repositories, clock: Clock, commune: Commune, familyReference: string) {
  const type = commune.settings.documentTypes.find((candidate) => candidate.code === 'attestation-assurance');
  const family = await repositories.families.findByReference(commune.id, familyReference);
  if (!type || !family || (await repositories.documents.listForFamily(commune.id, family.id)).length) return;
  const lea = (await repositories.families.listMembers(commune.id, family.id)).find((member) => member.firstName === 'Léa');
  const claire = await repositories.users.findByEmail(commune.id, `parent@${commune.slug}.example.org`);
  const agent = await repositories.users.findByEmail(commune.id, `agent@${commune.slug}.example.org`);
  if (!lea || !claire || !agent) return;
  const now = clock.now();
  const today = parisDay(now);
  const year = Number(today.slice(0, 4)) + (today.slice(5) >= '09-01' ? 1 : 0);
  await repositories.db.transaction(async (trx) => {
    const documentId = await repositories.documents.pendingFor(
      commune.id,
      { familyId: family.id, memberId: lea.id, typeCode: type.code, submittedBy: claire.id, submittedAt: now },
      trx,
    );
    const content = demoPdf(`Attestation d'assurance extrascolaire - Lea Martin - ${year - 1}-${year}`);
    const [fileId] = await familyFiles(repositories).store(
      commune,
      family.id,
      [{ content, originalName: 'attestation-assurance-lea.pdf', type: 'application/pdf', pages: 1 }],
      { defaultName: type.code, createdAt: now, field: 'fichiers' },
      trx,
    );
    await repositories.documents.attachFile(commune.id, documentId, fileId!, trx);
    await repositories.documents.recordDecision(commune.id, documentId, { status: 'accepted', validUntil: `${year}-08-31`, decidedBy: agent.id, decidedAt: now }, trx);
  });
}
