import { explainStartupFailure } from '../startup-failure.ts';

/**
 * Runs a command-line tool: its answer is the exit status; a failure ends with the one French
 * sentence `explainStartupFailure` gives (the error itself too with LOG_LEVEL=debug), status 1.
 */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const env = process.env;
      if (env.LOG_LEVEL === 'debug') console.error(error);
      console.error(explainStartupFailure(error, { port: 0, host: '', databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR }));
      process.exit(1);
    },
  );
}
