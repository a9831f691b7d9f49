import { NotFoundError } from '../domain/errors.ts';
import type { Repositories } from '../data/index.ts';
import type { Family, FamilySummary, Member } from '../data/family-repository.ts';

export interface FamilyOverview {
  family: Family;
  members: Member[];
}

export function familyService(repositories: Repositories) {
  return {
    async getOverview(communeId: number, familyId: number): Promise<FamilyOverview> {
      const family = await repositories.families.findById(communeId, familyId);
      if (!family) throw new NotFoundError(`family ${familyId} not found in commune ${communeId}`);
      const members = await repositories.families.listMembers(communeId, familyId);
      return { family, members };
    },

    listFamilies(communeId: number): Promise<FamilySummary[]> {
      return repositories.families.listFamilies(communeId);
    },
  };
}

export type FamilyService = ReturnType<typeof familyService>;
