import { prepareDatabase, type Runtime } from '../bootstrap.ts';
import { parseEnv } from '../config/env.ts';
import { createLogger } from '../logger.ts';
import { argon2Hasher } from '../services/accounts/password-hasher.ts';
import { SCALE_PASSWORD, ScaleSeedRefusal, scaleSeedService } from '../services/commune/scale-seed-service.ts';
import { runCommand } from './exit.ts';
import { withRuntime } from './with-runtime.ts';
import { parseScaleArguments } from './scale-arguments.ts';

/*
 * npm run seed:scale -- --commune echirolles --families 20000 — fills a commune with generated
 * families for the benchmark (README « Benchmark »): the database of DATABASE_URL, or else the
 * embedded PostgreSQL of `npm start` (DATA_DIR). Refused in production unless --allow-production,
 * and refused on a commune that already holds generated families.
 * Exit status: 0 done, 1 failure, 2 refused (arguments, production, already seeded).
 */
async function main(): Promise<number> {
  const args = parseScaleArguments(process.argv.slice(2));
  if ('error' in args) {
    console.error(args.error);
    return 2;
  }
  // Before anything else (a deployment's environment included): NODE_ENV unset means production.
  if ((process.env.NODE_ENV ?? 'production') === 'production' && !args.allowProduction) {
    console.error('Données de charge refusées en production (NODE_ENV=production) : ajoutez --allow-production si cette base est vraiment une base de test.');
    return 2;
  }
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
  const seedWith = async (runtime: Runtime): Promise<number> => {
    await prepareDatabase(runtime, env, logger);
    const seeder = scaleSeedService({
      repositories: runtime.repositories,
      // The app's own parameters (ARGON2_*), so the generated accounts cost what real ones cost.
      hasher: argon2Hasher({ memoryKib: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST, parallelism: env.ARGON2_PARALLELISM }),
      calendars: runtime.services.calendars,
      invoicing: runtime.services.invoicing,
      clock: runtime.services.clock,
      production: env.NODE_ENV === 'production',
    });
    const outcome = await seeder.seed(args.commune, args.families, {
      invoices: args.invoices,
      allowProduction: args.allowProduction,
      log: (step, ms) => logger.debug({ ms }, step),
    });
    console.log(
      [
        `${outcome.commune}, année ${outcome.schoolYear} : ${outcome.families} familles, ${outcome.parents} comptes parents, ${outcome.children} enfants,`,
        `${outcome.registrations} inscriptions validées, ${outcome.bookings} réservations, ${outcome.waiting} en liste d'attente, ${outcome.attendance} présences relevées`,
        `en ${outcome.seconds.data.toFixed(1)} s` +
          (outcome.invoicedMonth ? ` ; ${outcome.invoices} factures de ${outcome.invoicedMonth.slice(0, 7)} émises par la facturation en ${outcome.seconds.invoicing.toFixed(1)} s.` : '.'),
        `Identifiants scale-00001 … scale-${String(outcome.families).padStart(5, '0')}, mot de passe ${SCALE_PASSWORD}.`,
      ].join('\n'),
    );
    return 0;
  };
  try {
    return await withRuntime(env, logger, seedWith);
  } catch (error) {
    if (error instanceof ScaleSeedRefusal) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

runCommand(main);
