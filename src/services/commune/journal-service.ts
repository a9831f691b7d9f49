import type { JournalEntry } from '../../data/audit-repository.ts';
import type { Repositories } from '../../data/index.ts';

export const JOURNAL_PAGE_SIZE = 50;

/** The commune's journal of staff actions (DESIGN §8), read by admins. */
export function journalService(repositories: Repositories) {
  return {
    /** Newest first, `JOURNAL_PAGE_SIZE` entries a page (page 1 first). */
    async listJournal(communeId: number, page: number): Promise<{ entries: JournalEntry[]; hasOlder: boolean }> {
      const rows = await repositories.audit.listJournal(communeId, { limit: JOURNAL_PAGE_SIZE, offset: (page - 1) * JOURNAL_PAGE_SIZE });
      return { entries: rows.slice(0, JOURNAL_PAGE_SIZE), hasOlder: rows.length > JOURNAL_PAGE_SIZE };
    },
  };
}

export type JournalService = ReturnType<typeof journalService>;
