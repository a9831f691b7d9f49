import type { Repositories } from '../../data/index.ts';
import type { Commune, CommuneSummary } from '../../data/commune-repository.ts';

export function communeService(repositories: Repositories) {
  return {
    findBySlug(slug: string): Promise<Commune | undefined> {
      return repositories.communes.findBySlug(slug);
    },
    listAll(): Promise<CommuneSummary[]> {
      return repositories.communes.listAll();
    },
    /** For /health: true when the database answers. */
    async databaseAnswers(): Promise<boolean> {
      try {
        await repositories.db.raw('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
  };
}

export type CommuneService = ReturnType<typeof communeService>;
