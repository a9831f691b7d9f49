import type { Logger } from 'pino';

/**
 * A job run by every app process side by side (the mail outbox, the payment reconciliation): one
 * pass every `intervalMs`, at once again after a full batch, logged and retried after a failure;
 * `stop` waits for the pass under way. Each pass claims its own work, so several processes may run it.
 */
export function pollingJob(runOnce: () => Promise<number>, batchSize: number, logger: Logger, name: string) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  return {
    runOnce,
    start(intervalMs: number) {
      const tick = async () => {
        if (stopped) return;
        try {
          running = runOnce();
          const done = await running;
          timer = setTimeout(tick, done === batchSize ? 0 : intervalMs);
        } catch (error) {
          logger.error({ err: error }, `${name} failed`);
          timer = setTimeout(tick, intervalMs);
        } finally {
          running = undefined;
        }
      };
      timer = setTimeout(tick, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
