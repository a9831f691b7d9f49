import type { Logger } from 'pino';

export interface PaymentReconciliationOptions {
  /** One pass (`services.onlinePayments.reconcile`): how many payments it looked at; `onError` for each one it could not. */
  reconcile: (onError: (paymentId: number, error: unknown) => void, limit: number) => Promise<number>;
  logger: Logger;
  batchSize?: number;
}

/**
 * The reconciliation job (DESIGN §7 Payment): a notification PayFiP never sent, or one lost on the
 * way, must not leave a paid payment pending. Every interval, one pass asks the provider again about
 * the pending online payments older than two minutes (`reconcile`): paid ones are
 * settled, refused or abandoned ones closed, and those past their 20 minutes without a result closed
 * as expired. Settling is idempotent, so passes of several processes side by side do no harm.
 */
export function paymentReconciliation({ reconcile, logger, batchSize = 50 }: PaymentReconciliationOptions) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  function runOnce(): Promise<number> {
    return reconcile((paymentId, error) => logger.warn({ paymentId, err: error }, 'online payment not reconciled, will retry'), batchSize);
  }

  return {
    runOnce,
    /** One pass every `intervalMs`; a full batch is followed at once by the next one. */
    start(intervalMs: number) {
      const tick = async () => {
        if (stopped) return;
        try {
          running = runOnce();
          const seen = await running;
          timer = setTimeout(tick, seen === batchSize ? 0 : intervalMs);
        } catch (error) {
          logger.error({ err: error }, 'payment reconciliation failed');
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

export type PaymentReconciliation = ReturnType<typeof paymentReconciliation>;
