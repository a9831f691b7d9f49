import type { Clock } from '../domain/clock.ts';
import type { Repositories } from '../data/index.ts';
import { authService } from './auth-service.ts';
import { communeService } from './commune-service.ts';
import { familyService } from './family-service.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { seedService } from './seed-service.ts';

export interface ServiceDependencies {
  repositories: Repositories;
  clock: Clock;
  hasher: PasswordHasher;
  production: boolean;
}

/** Composition root of the use cases; `createApp` receives what this returns. */
export function createServices({ repositories, clock, hasher, production }: ServiceDependencies) {
  return {
    clock,
    communes: communeService(repositories),
    auth: authService(repositories, hasher, clock),
    families: familyService(repositories),
    seed: seedService(repositories, hasher, { production }),
  };
}

export type Services = ReturnType<typeof createServices>;
