import { communeRepository } from './commune-repository.ts';
import type { Database } from './database.ts';
import { familyRepository } from './family-repository.ts';
import { userRepository } from './user-repository.ts';

/** Composition root of the data layer. */
export function createRepositories(db: Database) {
  return {
    db,
    communes: communeRepository(db),
    families: familyRepository(db),
    users: userRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
