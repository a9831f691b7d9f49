import { prepareDatabase } from '../bootstrap.ts';
import { developmentTools, parseEnv } from '../config/env.ts';
import { createLogger } from '../logger.ts';
import { runCommand } from './exit.ts';
import { withRuntime } from './with-runtime.ts';

/*
 * npm run seed — what `npm start` does to the database before it listens, and nothing else:
 * migrations, the commune files of seeds/communes (checked, then applied: a broken file is named
 * with its field) and, in development on this machine, the demo data. For town IT after editing a
 * commune file, and for a deployment's release step.
 */
async function main(): Promise<number> {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
  return withRuntime(env, logger, async (runtime) => {
    await prepareDatabase(runtime, env, logger);
    const communes = await runtime.services.communes.listAll();
    console.log(`Communes à jour : ${communes.map((commune) => `${commune.name} (/${commune.slug})`).join(', ')}.`);
    if (developmentTools(env).demoData) console.log('Données de démonstration présentes (développement sur cette machine).');
    return 0;
  });
}

runCommand(main);
