import type { Logger } from 'pino';
import { pollingJob } from '../polling-job.ts';

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
  const runOnce = (): Promise<number> =>
    reconcile((paymentId, error) => logger.warn({ paymentId, err: error }, 'online payment not reconciled, will retry'), batchSize);
  return pollingJob(runOnce, batchSize, logger, 'payment reconciliation');
}

export type PaymentReconciliation = ReturnType<typeof paymentReconciliation>;
