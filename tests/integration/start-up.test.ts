import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SHARED_ROOT, startEmbeddedPostgres } from '../../src/data/embedded-postgres.ts';
import { TEST_DATA_KEY } from '../support/test-env.ts';

/*
 * The real start path (`npm start`, src/server.ts) in a child process, as a newcomer or town IT
 * runs it: it either serves /health, or ends with one sentence, a non-zero exit and no stack trace.
 */

const PROJECT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(PROJECT, 'node_modules/.bin/tsx');
const isRoot = process.getuid?.() === 0;

/** The environment of a fresh shell: none of vitest's variables (NODE_ENV=test among them). */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_ENV: _nodeEnv, VITEST: _vitest, DATABASE_URL: _databaseUrl, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'warn', MAIL_WORKER: 'false', ...extra };
}

interface Ended {
  code: number | null;
  output: string;
}

/** Runs the server until it exits (it must, within `timeoutMs`). */
function runUntilExit(env: NodeJS.ProcessEnv, cwd = PROJECT, timeoutMs = 60_000, user?: { uid: number; gid: number }): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/server.ts'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not exit in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    // Not started at all (the program or its folder out of reach): fail at once, not at the timeout.
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** One sentence for the person, never a stack trace or pino's JSON of the error. */
function expectOneSentence(output: string) {
  const lines = output.split('\n').filter((line) => line.trim() && !line.startsWith('{'));
  expect(lines).toHaveLength(1);
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toMatch(/Error:/);
}

describe('npm start when something is wrong', () => {
  it('says the port is taken, and exits non-zero', async () => {
    const port = await getPort({ host: '127.0.0.1' });
    const taken = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    try {
      const { code, output } = await runUntilExit(shellEnv({ NODE_ENV: 'development', PORT: String(port) }));
      expect(code).not.toBe(0);
      expect(output).toContain(`Le port ${port} est déjà utilisé`);
      expectOneSentence(output);
    } finally {
      taken.close();
    }
  });

  it('says the server of DATABASE_URL refuses the connection, without printing its password', async () => {
    const closedPort = await getPort({ host: '127.0.0.1' });
    const { code, output } = await runUntilExit(
      shellEnv({ NODE_ENV: 'development', PORT: String(await getPort()), DATABASE_URL: `postgres://famille:very-secret-pw@127.0.0.1:${closedPort}/espace_famille` }),
    );
    expect(code).not.toBe(0);
    expect(output).toContain(`La connexion au serveur PostgreSQL de DATABASE_URL (127.0.0.1:${closedPort}/espace_famille) est refusée`);
    expect(output).not.toContain('very-secret-pw');
    expectOneSentence(output);
  });

  it('says the data folder is a file, not a folder', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ef-start-'));
    const notAFolder = path.join(scratch, 'data');
    fs.writeFileSync(notAFolder, 'a file where the data folder should be');
    try {
      const { code, output } = await runUntilExit(shellEnv({ NODE_ENV: 'development', PORT: String(await getPort()), DATA_DIR: notAFolder }));
      expect(code).not.toBe(0);
      expect(output).toContain("devrait être un dossier mais c'est un fichier");
      expectOneSentence(output);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  // An ordinary user (nobody) given a data folder only root may read: what a wrong DATA_DIR or a
  // clone copied with root's ownership looks like. It needs a clone an ordinary user may run: from
  // a clone in a folder only root may enter (/root), no ordinary user can start the app at all.
  const nobody = isRoot
    ? { uid: Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' })) }
    : undefined;
  const nobodyCanRunTheClone =
    nobody !== undefined &&
    spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(TSX)}, require('fs').constants.X_OK)`], nobody).status === 0;
  it.skipIf(!nobodyCanRunTheClone)('says the data folder cannot be read, as an ordinary user', async () => {
    const privateData = fs.mkdtempSync(path.join(os.tmpdir(), 'ef-unreadable-')); // 0700, root's
    try {
      const { code, output } = await runUntilExit(
        shellEnv({ NODE_ENV: 'development', PORT: String(await getPort()), DATA_DIR: path.join(privateData, 'data'), HOME: os.tmpdir() }),
        PROJECT,
        60_000,
        nobody,
      );
      expect(code).not.toBe(0);
      expect(output).toContain(`Accès refusé à ${privateData}/data`);
      expectOneSentence(output);
    } finally {
      fs.rmSync(privateData, { recursive: true, force: true });
    }
  });

  it('refuses, in a deployment, a database that holds the demo accounts', async () => {
    const { code, output } = await runUntilExit(
      shellEnv({
        PORT: String(await getPort()),
        DATABASE_URL: inject('databaseUrl'),
        SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
        DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
        SMTP_URL: 'smtp://127.0.0.1:2525',
        PUBLIC_URL: 'https://famille.example.fr',
        PAYFIP_URL: 'https://www.payfip.gouv.fr/tpa/services/securite',
      }),
    );
    expect(code).not.toBe(0);
    expect(output).toContain('Cette base contient les comptes de démonstration');
    expectOneSentence(output);
  });

  it('refuses, in a deployment, communes that take payments online without PAYFIP_URL', async () => {
    const { code, output } = await runUntilExit(
      shellEnv({
        PORT: String(await getPort()),
        DATABASE_URL: inject('databaseUrl'),
        SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
        DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
        SMTP_URL: 'smtp://127.0.0.1:2525',
        PUBLIC_URL: 'https://famille.example.fr',
      }),
    );
    expect(code).not.toBe(0);
    expect(output).toContain("Le paiement en ligne est activé pour echirolles, lemesnilsaintdenis, villennes mais PAYFIP_URL n'est pas défini");
    expectOneSentence(output);
  });

  it('refuses to start a deployment without the key that encrypts bank details, before touching the database', async () => {
    const { code, output } = await runUntilExit(
      shellEnv({
        PORT: String(await getPort()),
        DATABASE_URL: inject('databaseUrl'),
        SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
        SMTP_URL: 'smtp://127.0.0.1:2525',
        PUBLIC_URL: 'https://famille.example.fr',
        PAYFIP_URL: 'https://www.payfip.gouv.fr/tpa/services/securite',
      }),
    );
    expect(code).not.toBe(0);
    expect(output).toContain('DATA_ENCRYPTION_KEY: required in production');
    expect(output).not.toContain('DATABASE_URL: required');
    expectOneSentence(output);
  });

  it('lists what is wrong in the environment of a deployment', async () => {
    const { code, output } = await runUntilExit(shellEnv({ PORT: String(await getPort()) }));
    expect(code).not.toBe(0);
    expect(output).toMatch(/SESSION_SECRET: required in production ; DATABASE_URL: required in production/);
    expectOneSentence(output);
  });
});

describe('the embedded PostgreSQL when something is wrong', () => {
  it('says its binaries are missing', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ef-bin-'));
    fs.chmodSync(scratch, 0o755);
    try {
      await expect(
        startEmbeddedPostgres({
          dataDir: path.join(scratch, 'pg'),
          persistent: false,
          binaries: { initdb: '/nonexistent/bin/initdb', postgres: '/nonexistent/bin/postgres' },
        }),
      ).rejects.toThrow(/Les programmes de la base PostgreSQL intégrée manquent \(\/nonexistent\/bin\/initdb introuvable\) : relancez npm install/);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  // A real full disk: a 4 MB tmpfs, where initdb needs about 40 MB. Mounting needs root.
  const canMount = isRoot && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount)('says the disk is full', async () => {
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'ef-full-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0755', 'tmpfs', mountPoint]).status === 0;
    if (!mounted) return; // A container without the right to mount: nothing to prove here.
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(mountPoint, 'pg'), persistent: false })).rejects.toThrow(
        new RegExp(`Le disque qui porte ${mountPoint}/pg est plein : libérez de la place`),
      );
    } finally {
      spawnSync('umount', [mountPoint]);
      fs.rmSync(mountPoint, { recursive: true, force: true });
    }
  });
});

/**
 * A newcomer's clone as root in a folder only root may enter (/root is 0700): PostgreSQL runs as
 * the `postgres` user, which can reach neither the binaries nor a cluster below it.
 */
describe.skipIf(!isRoot)('npm start as root in a folder only root may enter', () => {
  const privateFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'ef-private-')); // mode 0700
  const clone = path.join(privateFolder, 'espace-famille');
  let clusterDir: string | undefined;

  afterAll(() => {
    fs.rmSync(privateFolder, { recursive: true, force: true });
    if (clusterDir) fs.rmSync(clusterDir, { recursive: true, force: true });
  });

  it('starts, serves /health and the demo on localhost, and stops cleanly', async () => {
    expect(fs.statSync(privateFolder).mode & 0o777).toBe(0o700);
    // The project's files, and a node_modules whose PostgreSQL binaries really sit below the 0700
    // folder (the other packages are links: they are not what is under test).
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: PROJECT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      if (!fs.existsSync(path.join(PROJECT, file))) continue;
      fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      fs.copyFileSync(path.join(PROJECT, file), path.join(clone, file));
    }
    fs.mkdirSync(path.join(clone, 'node_modules'));
    for (const entry of fs.readdirSync(path.join(PROJECT, 'node_modules'))) {
      const source = path.join(PROJECT, 'node_modules', entry);
      if (entry === '@embedded-postgres') fs.cpSync(source, path.join(clone, 'node_modules', entry), { recursive: true, verbatimSymlinks: true });
      else fs.symlinkSync(source, path.join(clone, 'node_modules', entry));
    }

    const port = await getPort({ host: '127.0.0.1' });
    // `npm start` itself: it is what the README tells a newcomer to type.
    // In a process group of its own, stopped as Ctrl-C in a terminal would: every process of the group is signalled.
    const child = spawn('npm', ['start'], {
      cwd: clone,
      env: shellEnv({ PORT: String(port), LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
    try {
      let health: Response | undefined;
      for (let waited = 0; !health && waited < 150_000; waited += 500) {
        if (child.exitCode !== null) break;
        health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(health?.status, output).toBe(200);
      expect(await health!.json()).toEqual({ status: 'ok', database: true });
      // The cluster lives where the postgres user can reach it, owned by that user.
      const hash = createHash('sha256').update(path.join(clone, '.data', 'postgres')).digest('hex').slice(0, 12);
      clusterDir = path.join(SHARED_ROOT, 'clusters', `espace-famille-${hash}`);
      expect(fs.existsSync(path.join(clusterDir, 'PG_VERSION')), output).toBe(true);
      expect(fs.statSync(clusterDir).uid).toBe(Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })));
      // Development on a loopback address: the demo and the mailbox are there.
      expect((await fetch(`http://127.0.0.1:${port}/_dev/mails`)).status).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${port}/echirolles`)).text()).toContain('Échirolles');
      // No PAYFIP_URL outside production: the local PayFiP simulator, on a loopback port of its own.
      const simulator = /PayFiP simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(simulator, output).toBeDefined();
      expect((await fetch(`${simulator}/tpa/paiementws.web?idop=unknown`)).status).toBe(404);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
    // A clean stop: PostgreSQL removes its postmaster.pid once it has shut down.
    const pidFile = path.join(clusterDir!, 'postmaster.pid');
    for (let waited = 0; fs.existsSync(pidFile) && waited < 20_000; waited += 250) await new Promise((resolve) => setTimeout(resolve, 250));
    expect(fs.existsSync(pidFile), output).toBe(false);
  }, 240_000);
});
