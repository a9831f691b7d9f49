import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { objetFor, refdetFor, UnknownPaymentError, type PaymentDetails, type PaymentProvider } from '../../integrations/payfip/index.ts';
import { PROVIDER_UNAVAILABLE } from '../../i18n/payment-words.ts';
import type { Payment } from '../../model/payment.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { INVOICES_FIELD, PaymentClosedError, type PaymentService } from './payment-service.ts';

/** How long a payment holds its invoices: PayFiP's 15 minutes on its site, and a margin for the notification. */
export const ONLINE_PAYMENT_HOLD_MS = 20 * 60_000;
/** Reconciliation leaves younger payments to their notification. */
export const RECONCILIATION_DELAY_MS = 2 * 60_000;

/** A payment sent to the provider: where the payer's browser goes (plain JSON: stored as the form's outcome). */
export interface StartedOnlinePayment {
  paymentId: number;
  paymentPageUrl: string;
}

/** What applying the provider's answer did to a payment. */
export type ProviderOutcome = 'settled' | 'already_settled' | 'closed' | 'not_known_yet' | 'expired' | 'ignored';

/**
 * Online payment through the provider (DESIGN §7 Payment; issue 12): the one place that speaks to
 * PayFiP. It opens the payment (`services.payments.openOnline`, amounts computed by the server),
 * sends it to the provider and keeps the operation id; then the provider's notification, the
 * return page and the reconciliation job all go through `applyProviderAnswer`, which trusts only
 * what `paymentDetails` answers — never what the notification or the browser carries.
 */
export function onlinePaymentService(
  repositories: Repositories,
  clock: Clock,
  payments: PaymentService,
  provider: PaymentProvider | undefined,
  publicUrl: string,
) {
  const forms = formSubmissions(repositories, clock);

  /** Whether the commune takes payments online here: its file says so and a provider is configured. */
  function available(commune: Commune): boolean {
    return !!provider && commune.settings.features.onlinePayment && !!commune.settings.payment;
  }

  function providerOf(commune: Commune): PaymentProvider {
    if (!provider || !available(commune)) throw new NotFoundError(`commune ${commune.id} has no online payment`);
    return provider;
  }

  /**
   * Opens the payment and sends it to the provider in `trx`: the payment, its invoices held and the
   * operation id are written together, or — the provider out of reach or refusing — not at all.
   */
  async function sendToProvider(commune: Commune, parent: User, familyId: number, invoiceIds: readonly number[], trx: Transaction, seenCents?: number): Promise<StartedOnlinePayment> {
    const payfip = providerOf(commune);
    const now = clock.now();
    const pending = await payments.openOnline(commune, parent, familyId, invoiceIds, new Date(now.getTime() + ONLINE_PAYMENT_HOLD_MS), trx, seenCents);
    const payment = (await repositories.payments.find(commune.id, pending.paymentId, null, trx))!;
    const refdet = refdetFor(`EF${String(pending.paymentId).padStart(8, '0')}`);
    const numbers = payment.invoices.map((invoice) => invoice.number).join(' ');
    let idOp: string;
    try {
      ({ idOp } = await payfip.createPayment({
        numcli: commune.settings.payment!.numcli,
        exer: Number(parisDay(now).slice(0, 4)),
        refdet,
        montantCents: pending.amountCents,
        mel: parent.email,
        objet: objetFor(`${commune.name} factures ${numbers}`),
        urlnotif: `${publicUrl}/${commune.slug}/paiement/notification`,
        urlredirect: `${publicUrl}/${commune.slug}/paiement/retour?paiement=${pending.paymentId}`,
        saisie: commune.settings.payment!.saisie,
      }));
    } catch (error) {
      // The provider never took it: nothing is written, and the parent is told to retry.
      throw Object.assign(new ValidationError([{ field: INVOICES_FIELD, message: PROVIDER_UNAVAILABLE }], 503), { cause: error });
    }
    await payments.recordProviderOperation(commune, pending.paymentId, idOp, refdet, trx);
    return { paymentId: pending.paymentId, paymentPageUrl: payfip.paymentPageUrl(idOp) };
  }

  /** The provider's answer applied to a pending payment; only ever called with `paymentDetails`' answer. */
  async function apply(commune: Commune, payment: Payment, details: PaymentDetails | 'unknown'): Promise<ProviderOutcome> {
    if (payment.status === 'paid') return 'already_settled';
    // An expired payment the payer finished late was paid all the same: settled if its invoices are still free.
    const lateButPaid = payment.status === 'expired' && details !== 'unknown' && details.result === 'paid';
    if (payment.status !== 'pending' && !lateButPaid) return 'ignored';
    if (details === 'unknown' || details.result === 'unknown_yet') {
      const expired = payment.expiresAt !== null && payment.expiresAt.getTime() <= clock.now().getTime();
      if (!expired) return 'not_known_yet';
      await payments.close(commune, payment.id, 'expired', details === 'unknown' ? 'unknown' : 'unknown_yet');
      return 'expired';
    }
    const kept = JSON.stringify(details);
    if (details.result === 'paid') {
      // The provider's amount and reference must be this payment's: anything else is not this payment paid.
      if (details.amountCents !== payment.amountCents || details.refdet !== payment.providerReference) return 'ignored';
      try {
        const settled = await payments.settle(commune, payment.id, kept);
        return settled.changed ? 'settled' : 'already_settled';
      } catch (error) {
        if (error instanceof PaymentClosedError) return 'ignored';
        throw error;
      }
    }
    await payments.close(commune, payment.id, details.result, kept);
    return 'closed';
  }

  /** Asks the provider about the payment's operation and applies the answer. */
  async function refresh(commune: Commune, payment: Payment): Promise<ProviderOutcome> {
    if (payment.status === 'paid') return 'already_settled';
    if (payment.status !== 'pending' && payment.status !== 'expired') return 'ignored';
    if (!payment.providerOperationId || !provider) return apply(commune, payment, 'unknown');
    let details: PaymentDetails | 'unknown';
    try {
      details = await provider.paymentDetails(payment.providerOperationId);
    } catch (error) {
      if (!(error instanceof UnknownPaymentError)) throw error;
      details = 'unknown';
    }
    return apply(commune, payment, details);
  }

  return {
    available,

    /**
     * « Payer en ligne »: opens the payment of the ticked invoices and sends it to the provider.
     * `formKey`: the same form posted twice (double click, refreshed POST, at the same moment)
     * starts one payment and answers its page again. `seenCents`: the total the page showed the
     * parent, when the form sent it — the payment is refused if the invoices cost otherwise now.
     */
    async start(commune: Commune, parent: User, invoiceIds: readonly number[], formKey?: string, seenCents?: number): Promise<StartedOnlinePayment> {
      providerOf(commune);
      const familyId = parent.familyId;
      if (familyId === null || familyId === undefined) throw new NotFoundError(`user ${parent.id} has no family`);
      const submission = submissionOf(commune, parent, 'online_payment', formKey);
      const replayed = await forms.replay<StartedOnlinePayment>(submission);
      if (replayed) return replayed.outcome;
      try {
        // One transaction takes the form's key, opens the payment and sends it: a second submission
        // of the same form waits on the key, then answers this one's page.
        return await forms.transaction(submission, (trx) => sendToProvider(commune, parent, familyId, invoiceIds, trx, seenCents));
      } catch (error) {
        if (error instanceof NotFoundError) throw error;
        return forms.refuse<StartedOnlinePayment>(submission, error as Error);
      }
    },

    /** The provider's notification: it carries the operation id only, so the provider is asked. An unknown id changes nothing. */
    async notify(commune: Commune, operationId: string): Promise<ProviderOutcome> {
      if (!available(commune)) return 'ignored';
      const payment = await payments.findByProviderOperation(commune, operationId);
      if (!payment) return 'ignored';
      return refresh(commune, payment);
    },

    /** The return page: the family's own payment (another's is not found), asked again while it is pending. */
    async returned(commune: Commune, familyId: number, paymentId: number): Promise<Payment> {
      const payment = await payments.find(commune, paymentId, familyId);
      if (payment.method !== 'online') throw new NotFoundError(`payment ${paymentId} is not an online payment`);
      if (payment.status === 'pending') await refresh(commune, payment);
      return payments.find(commune, paymentId, familyId);
    },

    /**
     * One reconciliation pass: every pending online payment older than two minutes is asked again;
     * past its 20 minutes without a result it is closed as expired. The number of payments looked at.
     */
    async reconcile(onError: (paymentId: number, error: unknown) => void, limit = 50): Promise<number> {
      const due = await repositories.payments.listPendingOnline(new Date(clock.now().getTime() - RECONCILIATION_DELAY_MS), limit);
      for (const { communeSlug, paymentId } of due) {
        try {
          const commune = await repositories.communes.findBySlug(communeSlug);
          if (commune) await refresh(commune, await payments.find(commune, paymentId));
        } catch (error) {
          // The provider out of reach for one payment does not stop the others; the next pass asks again.
          onError(paymentId, error);
        }
      }
      return due.length;
    },
  };
}

export type OnlinePaymentService = ReturnType<typeof onlinePaymentService>;
