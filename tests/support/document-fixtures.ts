import { demoPdf } from '../../src/services/commune/demo-documents.ts';
import { sha256Of } from '../../src/services/files/file-checks.ts';
import type { FreshFamily } from './fresh-family.ts';
import type { TestApp } from './test-app.ts';

/**
 * A document of the family accepted by the commune's agent until `validUntil`, as « Documents à
 * vérifier » leaves it: for suites that register children to activities requiring it (issue 13).
 */
export async function acceptedDocument(
  t: TestApp,
  family: Pick<FreshFamily, 'commune' | 'familyId'> & { parents: { user: { id: number } }[] },
  typeCode: string,
  memberId: number | null,
  validUntil = '2027-08-31',
): Promise<number> {
  const { repositories } = t.runtime;
  const communeId = family.commune.id;
  const agent = await repositories.users.findByEmail(communeId, `agent@${family.commune.slug}.example.org`);
  return repositories.db.transaction(async (trx) => {
    const now = t.clock.now();
    const documentId = await repositories.documents.pendingFor(
      communeId,
      { familyId: family.familyId, memberId, typeCode, submittedBy: family.parents[0]!.user.id, submittedAt: now },
      trx,
    );
    const content = demoPdf(typeCode);
    const fileId = await repositories.storedFiles.insert(
      communeId,
      { familyId: family.familyId, content, detectedType: 'application/pdf', sha256: sha256Of(content), originalName: `${typeCode}.pdf`, createdAt: now, sentByStaff: false, pages: 1 },
      trx,
    );
    await repositories.documents.attachFile(communeId, documentId, fileId, trx);
    await repositories.documents.recordDecision(communeId, documentId, { status: 'accepted', validUntil, decidedBy: agent!.id, decidedAt: now }, trx);
    return documentId;
  });
}
