import { NotFoundError } from '../../domain/errors.ts';
import type { Repositories } from '../../data/index.ts';
import type { Family, FamilySummary, Member } from '../../data/family-repository.ts';

export interface FamilyOverview {
  family: Family;
  members: Member[];
}

export const FAMILIES_PER_PAGE = 50;

export interface FamilyPage {
  families: FamilySummary[];
  total: number;
  /** 1 = the first page. */
  page: number;
  pageCount: number;
}

export function familyService(repositories: Repositories) {
  return {
    async getOverview(communeId: number, familyId: number): Promise<FamilyOverview> {
      // Side by side on the pool: the members of an unknown family are none, and the answer is 404 anyway.
      const [family, members] = await Promise.all([
        repositories.families.findById(communeId, familyId),
        repositories.families.listMembers(communeId, familyId),
      ]);
      if (!family) throw new NotFoundError(`family ${familyId} not found in commune ${communeId}`);
      return { family, members };
    },

    /** A page of the commune's families by name; a page past the last gives the last. */
    async listFamilies(communeId: number, page: number): Promise<FamilyPage> {
      const read = (number: number) => repositories.families.listFamiliesPage(communeId, { limit: FAMILIES_PER_PAGE, offset: (number - 1) * FAMILIES_PER_PAGE });
      let { families, total } = await read(page);
      const pageCount = Math.max(1, Math.ceil(total / FAMILIES_PER_PAGE));
      if (page > pageCount) {
        page = pageCount;
        ({ families, total } = await read(page));
      }
      return { families, total, page, pageCount };
    },
  };
}

export type FamilyService = ReturnType<typeof familyService>;
