import type { Logger } from 'pino';
import { createRuntime, openDatabase, type Runtime } from '../bootstrap.ts';
import type { Env } from '../config/env.ts';
import type { EmbeddedServer } from '../data/embedded-postgres.ts';

/**
 * Runs a command on the database of DATABASE_URL, or else the embedded PostgreSQL of `npm start`
 * (DATA_DIR), with the app's services; closes both afterwards, whatever happens.
 */
export async function withRuntime<T>(env: Env, logger: Logger, act: (runtime: Runtime) => Promise<T>): Promise<T> {
  let embedded: EmbeddedServer | undefined;
  let runtime: Runtime | undefined;
  try {
    const opened = await openDatabase(env, logger);
    embedded = opened.embedded;
    runtime = createRuntime(opened.connectionString, env, undefined, logger);
    return await act(runtime);
  } finally {
    await runtime?.close();
    await embedded?.stop().catch(() => {});
  }
}
