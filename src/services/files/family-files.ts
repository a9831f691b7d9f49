import { DEFAULT_LIMITS, type CommuneLimits } from '../../config/commune-file.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Executor, Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import { DEFAULT_PDF_INSPECTION_LIMITS, type PdfInspectionLimits } from '../../integrations/pdf/pdf-inspection.ts';
import type { FamilyStorage } from '../../model/stored-file.ts';
import { fileRefusal, sha256Of, storedNameOf, type CheckedUpload } from './file-checks.ts';

const MB = 1024 * 1024;

/** The commune's limits on what a family sends (commune file `limits`; a commune stored before them has the defaults). */
export const limitsOf = (commune: Commune): CommuneLimits => ({ ...DEFAULT_LIMITS, ...commune.settings.limits });

export const familyBudgetBytes = (commune: Commune) => limitsOf(commune).familyStorageMb * MB;

/** How a family's PDF is read: no more pages than one sending may hold. */
export const familyPdfLimits = (commune: Commune): PdfInspectionLimits => ({ ...DEFAULT_PDF_INSPECTION_LIMITS, maxPages: limitsOf(commune).sendingMaxPages });

/**
 * The files of a family (issue 18 item 7, DESIGN §11): every file the family sends is written
 * here, inside the action's transaction, after its budget is checked in that same transaction
 * with the family's row locked — two sendings in parallel wait for each other, and the second
 * sees the first's bytes, so they cannot both pass the budget. Over it: a ValidationError on the
 * form's file field (409), and the transaction writes nothing.
 */
export function familyFiles(repositories: Repositories) {
  const { storedFiles } = repositories;

  /** Locks the family and checks that `bytes` more fit its budget. */
  async function reserve(commune: Commune, familyId: number, bytes: number, field: string, trx: Transaction): Promise<void> {
    if (!(await storedFiles.lockFamily(commune.id, familyId, trx))) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
    const budgetBytes = familyBudgetBytes(commune);
    const usedBytes = await storedFiles.familyUsage(commune.id, familyId, trx);
    if (usedBytes + bytes > budgetBytes) throw fileRefusal(field, { code: 'family_budget', fileBytes: bytes, usedBytes, budgetBytes }, 409);
  }

  return {
    reserve,

    /** The space the family uses and its budget, for the pages where it sends files. */
    async storage(commune: Commune, familyId: number, executor?: Executor): Promise<FamilyStorage> {
      return { usedBytes: await storedFiles.familyUsage(commune.id, familyId, executor), budgetBytes: familyBudgetBytes(commune) };
    },

    /**
     * Stores checked files the family sends, within its budget, in the action's transaction;
     * answers their ids. `field` is the form's file field, where a refusal is said.
     */
    async store(
      commune: Commune,
      familyId: number,
      files: readonly CheckedUpload[],
      options: { defaultName: string; createdAt: Date; field: string },
      trx: Transaction,
    ): Promise<number[]> {
      await reserve(commune, familyId, files.reduce((sum, file) => sum + file.content.length, 0), options.field, trx);
      return this.storeReserved(commune, familyId, files, options, trx);
    },

    /** Stores files whose bytes `reserve` counted already, in the same transaction. */
    async storeReserved(commune: Commune, familyId: number, files: readonly CheckedUpload[], options: { defaultName: string; createdAt: Date }, trx: Transaction): Promise<number[]> {
      const ids: number[] = [];
      for (const file of files) ids.push(await insert(commune.id, familyId, file, options.defaultName, options.createdAt, false, trx));
      return ids;
    },

    /** A file staff attach to their answer: kept with the family (who may download it), outside its budget. */
    storeFromStaff(commune: Commune, familyId: number, file: CheckedUpload, defaultName: string, createdAt: Date, trx: Transaction): Promise<number> {
      return insert(commune.id, familyId, file, defaultName, createdAt, true, trx);
    },
  };

  function insert(communeId: number, familyId: number, file: CheckedUpload, defaultName: string, createdAt: Date, sentByStaff: boolean, executor: Executor) {
    return storedFiles.insert(
      communeId,
      { familyId, content: file.content, detectedType: file.type, sha256: sha256Of(file.content), originalName: storedNameOf(file, defaultName), createdAt, sentByStaff, pages: file.pages },
      executor,
    );
  }
}

export type FamilyFiles = ReturnType<typeof familyFiles>;
