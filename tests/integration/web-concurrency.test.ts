import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { csrfTokenFrom, formBody, sessionCookieFrom } from '../../bench/pages.ts';
import { DEFAULT_NOW } from '../support/test-clock.ts';
import { adminSql } from '../support/admin-sql.ts';

/*
 * WEB_CONCURRENCY=2 npm start: two HTTP processes (node:cluster) on one port, the first process
 * keeping the database set-up. On a database of its own on the test server (start-up applies the
 * demo data, which must not move the other suites' rows).
 */
const PROJECT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(PROJECT, 'node_modules/.bin/tsx');
const databaseName = `espace_famille_cluster_${randomBytes(4).toString('hex')}`;
let server: ChildProcess;
let output = '';
let base: string;

/** A request on a connection of its own, so the port's two processes share the requests. */
const fresh = (pathname: string, init: RequestInit = {}) =>
  fetch(`${base}${pathname}`, { redirect: 'manual', ...init, headers: { connection: 'close', ...(init.headers as Record<string, string>) } });

beforeAll(async () => {
  await adminSql(`CREATE DATABASE ${databaseName}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${databaseName}`;
  const port = await getPort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(TSX, ['src/server.ts'], {
    cwd: PROJECT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: url.toString(),
      FAKE_NOW: DEFAULT_NOW.toISOString(),
      MAIL_WORKER: 'false',
      WEB_CONCURRENCY: '2',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Espace Famille : ')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    server.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start stopped (${code}): ${output}`));
    });
  });
}, 120_000);

afterAll(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  await adminSql(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

describe('WEB_CONCURRENCY=2', () => {
  it('serves the port from two processes, and a session opened on one is valid on the other', async () => {
    for (let index = 0; index < 12; index += 1) expect((await fresh('/health')).status).toBe(200);
    const signInPage = await fresh('/echirolles/connexion');
    const cookie = sessionCookieFrom({ 'set-cookie': signInPage.headers.getSetCookie() })!;
    const signedIn = await fresh('/echirolles/connexion', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody({ _csrf: csrfTokenFrom(await signInPage.text())!, identifiant: 'martin-claire', motDePasse: 'demo-parent-2026' }),
    });
    expect(signedIn.status).toBe(303);
    const session = sessionCookieFrom({ 'set-cookie': signedIn.headers.getSetCookie() })!;
    for (let index = 0; index < 4; index += 1) {
      expect((await fresh('/echirolles/tableau-de-bord', { headers: { cookie: session } })).status).toBe(200);
    }
    // Each request's log line names the process that served it.
    const pids = new Set(
      output
        .split('\n')
        .filter((line) => line.includes('"url":"/echirolles/tableau-de-bord"') || line.includes('"url":"/echirolles/connexion"'))
        .map((line) => /"pid":(\d+)/.exec(line)?.[1]),
    );
    pids.delete(undefined);
    expect(pids.size).toBe(2);
    expect(output).toContain('"processes":2');
  });

  it('stops on SIGTERM, its processes with it, with status 0', async () => {
    server.kill('SIGTERM');
    const code = await new Promise((resolve) => server.once('exit', resolve));
    expect(code).toBe(0);
  });
});
