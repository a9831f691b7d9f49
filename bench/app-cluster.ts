import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { createRuntime } from '../src/bootstrap.ts';
import { parseEnv } from '../src/config/env.ts';
import { createLogger } from '../src/logger.ts';
import { createApp } from '../src/web/app.ts';

/*
 * The app as the benchmark runs it: BENCH_WORKERS processes (node:cluster, one per core by default)
 * sharing one port, each built exactly as src/server.ts builds it (createRuntime + createApp), with
 * templates cached, logs at info (to stdout, which the benchmark discards), no development mailbox.
 * The differences from a deployment, and why: FAKE_NOW (the rush is a Thursday morning), so
 * NODE_ENV is not production, and cookies are not `secure` (plain HTTP on loopback); the payment
 * worker is not started, nor the mail worker unless MAIL_WORKER=true (the benchmark leaves mails
 * in the outbox). The database is prepared by the
 * benchmark before it starts this process.
 *
 * The primary tells its parent `{ ready: pids }` once every worker listens.
 */
const workers = Number(process.env.BENCH_WORKERS ?? 2);

if (cluster.isPrimary) {
  const pids: number[] = [];
  for (let index = 0; index < workers; index += 1) cluster.fork();
  cluster.on('message', (worker, message: unknown) => {
    if ((message as { listening?: boolean }).listening) {
      pids.push(worker.process.pid!);
      if (pids.length === workers) process.send?.({ ready: pids });
    }
  });
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      console.error(`app worker ${worker.process.pid} exited (${code})`);
      process.exit(1);
    }
  });
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 2_000).unref();
    cluster.on('exit', () => {
      if (!Object.values(cluster.workers ?? {}).some((worker) => worker && !worker.isDead())) process.exit(0);
    });
  });
} else {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  const runtime = createRuntime(env.DATABASE_URL!, env, undefined, logger);
  const app = createApp({
    services: runtime.services,
    logger,
    sessionPool: runtime.sessionPool,
    sessionSecret: env.SESSION_SECRET!,
    production: false,
    devMailbox: false,
    reloadTemplates: false,
  });
  // The two-instance check runs each instance's mail worker, to show a mail leaves once.
  if (env.MAIL_WORKER) runtime.mailWorker.start(env.MAIL_POLL_MS);
  const server: Server = app.listen(env.PORT, env.HOST, () => process.send?.({ listening: true }));
  // Requests under way finish before the pools close (autocannon has closed its connections by then).
  process.on('SIGTERM', () => {
    server.closeIdleConnections();
    server.close(() => void runtime.close().then(() => process.exit(0)));
  });
}
