import { setTimeout as sleep } from 'node:timers/promises';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { pendingOnlineChoices, PaymentRefusedError } from '../../domain/payment-rules.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { objetFor, refdetFor, UnknownPaymentError, type PaymentDetails, type PaymentProvider } from '../../integrations/payfip/index.ts';
import type { Payment } from '../../model/payment.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { INVOICES_FIELD, PaymentClosedError, type PaymentService } from './payment-service.ts';

/** How long a payment holds its invoices: PayFiP's 15 minutes on its site, and a margin for the notification. */
export const ONLINE_PAYMENT_HOLD_MS = 20 * 60_000;
/** Reconciliation leaves younger payments to their notification. */
export const RECONCILIATION_DELAY_MS = 2 * 60_000;
/** How long the same form posted again waits for the first post's PayFiP operation (the provider's own timeout and a margin). */
export const OPERATION_WAIT_MS = 20_000;
const OPERATION_POLL_MS = 100;

/** The form field « Reprendre » and « Annuler » refusals are said next to. */
export const PAYMENT_FIELD = 'paiement';

/**
 * Where the payer's browser goes: the PayFiP operation's page while it can be completed, else
 * (null) the portal's page of the payment, which says where it stands. Plain JSON: stored as the form's outcome.
 */
export interface StartedOnlinePayment {
  paymentId: number;
  paymentPageUrl: string | null;
}

/** A pending online payment of the family and what the parent may do with it (issue 18 point 3). */
export interface PendingOnlinePayment {
  payment: Payment;
  /** Until when « Reprendre le paiement » takes the parent back to the same PayFiP operation. */
  resumableUntil: Date | null;
  /** From when « Annuler ce paiement » frees its invoices (PayFiP can no longer take it). */
  cancellableFrom: Date;
  cancellable: boolean;
}

/** What applying the provider's answer did to a payment. */
export type ProviderOutcome = 'settled' | 'already_settled' | 'closed' | 'not_known_yet' | 'expired' | 'ignored';

/**
 * Online payment through the provider (DESIGN §7 Payment; issues 12 and 18): the one place that
 * speaks to PayFiP. No call to PayFiP is ever made while a transaction is open (DESIGN §11): the
 * payment is opened (its invoices held) in one short transaction, PayFiP is called outside it, and
 * its operation id recorded in another; a failed call frees the invoices. Then the provider's
 * notification, the return page, « Reprendre », « Annuler » and the reconciliation job all go
 * through `applyProviderAnswer`, which trusts only what `paymentDetails` answers — never what the
 * notification or the browser carries.
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

  const unavailable = (cause: unknown) => Object.assign(new PaymentRefusedError({ code: 'provider_unavailable' }, INVOICES_FIELD, 503), { cause });

  /** The operation's page while PayFiP can still take it; null otherwise (the portal's page of the payment says why). */
  function pageOf(payment: Payment): string | null {
    if (payment.status !== 'pending' || !payment.providerOperationId || !provider) return null;
    return pendingOnlineChoices(payment, clock.now()).resumableUntil ? provider.paymentPageUrl(payment.providerOperationId) : null;
  }

  /**
   * Sends an opened payment to PayFiP, no transaction open: the call may take the provider's whole
   * timeout without holding a row lock or a pool connection. The operation id is then recorded in
   * its own statement; the call failing, the payment is discarded and its invoices free at once.
   */
  async function sendToProvider(commune: Commune, parent: User, paymentId: number): Promise<StartedOnlinePayment> {
    const payfip = providerOf(commune);
    const payment = (await payments.find(commune, paymentId))!;
    const now = clock.now();
    const refdet = refdetFor(`EF${String(paymentId).padStart(8, '0')}`);
    const numbers = payment.invoices.map((invoice) => invoice.number).join(' ');
    let idOp: string;
    try {
      ({ idOp } = await payfip.createPayment({
        numcli: commune.settings.payment!.numcli,
        exer: Number(parisDay(now).slice(0, 4)),
        refdet,
        montantCents: payment.amountCents,
        mel: parent.email,
        objet: objetFor(`${commune.name} factures ${numbers}`),
        urlnotif: `${publicUrl}/${commune.slug}/paiement/notification`,
        urlredirect: `${publicUrl}/${commune.slug}/paiement/retour?paiement=${paymentId}`,
        saisie: commune.settings.payment!.saisie,
      }));
    } catch (error) {
      // The provider never took it: the payment goes, and the parent is told to retry.
      await payments.discardUnsent(commune, paymentId);
      throw unavailable(error);
    }
    // False when the parent cancelled it meanwhile (it had no operation yet): the browser is not sent to pay it.
    const recorded = await payments.recordProviderOperation(commune, paymentId, idOp, refdet);
    return { paymentId, paymentPageUrl: recorded ? payfip.paymentPageUrl(idOp) : null };
  }

  /**
   * The same form posted again while its first post is sending the payment: waits (without a
   * transaction) for the operation id the first post records, then answers the same page.
   */
  async function sentBy(commune: Commune, paymentId: number): Promise<StartedOnlinePayment> {
    for (let waited = 0; ; waited += OPERATION_POLL_MS) {
      const payment = await repositories.payments.find(commune.id, paymentId);
      // Discarded: the first post's call to PayFiP failed.
      if (!payment) throw unavailable(undefined);
      if (payment.status !== 'pending' || payment.providerOperationId || waited >= OPERATION_WAIT_MS) return { paymentId, paymentPageUrl: pageOf(payment) };
      await sleep(OPERATION_POLL_MS);
    }
  }

  /** The provider's answer applied to a pending payment; only ever called with `paymentDetails`' answer. */
  async function apply(commune: Commune, payment: Payment, details: PaymentDetails | 'unknown'): Promise<ProviderOutcome> {
    if (payment.status === 'paid') return 'already_settled';
    // An expired or cancelled payment the payer finished late was paid all the same: settled if its
    // invoices are still free, else its money owed back (never left uncounted).
    const lateButPaid = (payment.status === 'expired' || payment.status === 'cancelled') && details !== 'unknown' && details.result === 'paid';
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
    // A closed payment may still have been paid (finished late, or cancelled by the family and paid all the same).
    if (payment.status === 'refused') return 'ignored';
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

  /** The family's own online payment; another family's, or another kind, is not found. */
  async function ownOnline(commune: Commune, familyId: number, paymentId: number): Promise<Payment> {
    const payment = await payments.find(commune, paymentId, familyId);
    if (payment.method !== 'online') throw new NotFoundError(`payment ${paymentId} is not an online payment`);
    return payment;
  }

  /** Asks PayFiP again about a pending payment, the provider's failure said as a refusal. */
  async function refreshed(commune: Commune, familyId: number, payment: Payment): Promise<Payment> {
    if (payment.status !== 'pending') return payment;
    try {
      await refresh(commune, payment);
    } catch (error) {
      if (error instanceof PaymentRefusedError) throw error;
      throw Object.assign(new PaymentRefusedError({ code: 'provider_unavailable' }, PAYMENT_FIELD, 503), { cause: error });
    }
    return payments.find(commune, payment.id, familyId);
  }

  const choicesOf = (payment: Payment): PendingOnlinePayment => ({ payment, ...pendingOnlineChoices(payment, clock.now()) });

  return {
    available,

    /**
     * « Payer en ligne »: opens the payment of the ticked invoices in one short transaction (with
     * the form's key), then sends it to the provider outside it. `formKey`: the same form posted
     * twice (double click, refreshed POST, at the same moment) starts one payment and answers its
     * page again. `seenCents`: the total the page showed the parent, when the form sent it — the
     * payment is refused if the invoices cost otherwise now.
     */
    async start(commune: Commune, parent: User, invoiceIds: readonly number[], formKey?: string, seenCents?: number): Promise<StartedOnlinePayment> {
      providerOf(commune);
      const familyId = parent.familyId;
      if (familyId === null || familyId === undefined) throw new NotFoundError(`user ${parent.id} has no family`);
      const submission = submissionOf(commune, parent, 'online_payment', formKey);
      const replayed = await forms.replay<{ paymentId: number }>(submission);
      if (replayed) return sentBy(commune, replayed.outcome.paymentId);
      let opened = false;
      let outcome: { paymentId: number };
      try {
        outcome = await forms.transaction(submission, async (trx) => {
          const pending = await payments.openOnline(commune, parent, familyId, invoiceIds, new Date(clock.now().getTime() + ONLINE_PAYMENT_HOLD_MS), trx, seenCents);
          opened = true;
          return { paymentId: pending.paymentId };
        });
      } catch (error) {
        // Rolled back, even after the payment was written: nothing of this post is to be sent.
        opened = false;
        if (error instanceof NotFoundError) throw error;
        outcome = await forms.refuse<{ paymentId: number }>(submission, error as Error);
      }
      // The same form posted at the same moment waited on its key: the first post sends the payment.
      return opened ? sendToProvider(commune, parent, outcome.paymentId) : sentBy(commune, outcome.paymentId);
    },

    /** The family's online payments still pending, each with what the parent may do with it (`/factures`). */
    async pendingOf(commune: Commune, familyId: number): Promise<PendingOnlinePayment[]> {
      const all = await payments.listForFamily(commune, familyId);
      return all.filter((payment) => payment.method === 'online' && payment.status === 'pending').map(choicesOf);
    },

    /**
     * « Reprendre le paiement »: PayFiP is asked first (it may be paid or closed by now); while
     * the same operation can still be completed, its page — never a second operation. Null: it
     * cannot be resumed; the payment's page says where it stands.
     */
    async resume(commune: Commune, familyId: number, paymentId: number): Promise<string | null> {
      providerOf(commune);
      const payment = await refreshed(commune, familyId, await ownOnline(commune, familyId, paymentId));
      return pageOf(payment);
    },

    /**
     * « Annuler ce paiement »: frees the invoices at once where PayFiP confirms that nothing can be
     * paid (no operation was sent, or its 15 minutes are over and PayFiP reports no payment).
     * Before that, refused with when it can be resumed and cancelled. The close is conditional on
     * the operation checked, so a payment never closes while an operation it did not check is live.
     */
    async cancel(commune: Commune, familyId: number, paymentId: number): Promise<Payment> {
      providerOf(commune);
      const payment = await refreshed(commune, familyId, await ownOnline(commune, familyId, paymentId));
      if (payment.status !== 'pending') return payment;
      const choices = pendingOnlineChoices(payment, clock.now());
      if (!choices.cancellable) {
        throw new PaymentRefusedError({ code: 'not_cancellable', resumableUntil: choices.resumableUntil, cancellableFrom: choices.cancellableFrom }, PAYMENT_FIELD, 409);
      }
      await payments.close(commune, payment.id, 'cancelled', 'cancelled_by_family', undefined, payment.providerOperationId);
      return payments.find(commune, paymentId, familyId);
    },

    /** The provider's notification: it carries the operation id only, so the provider is asked. An unknown id changes nothing. */
    async notify(commune: Commune, operationId: string): Promise<ProviderOutcome> {
      if (!available(commune)) return 'ignored';
      const payment = await payments.findByProviderOperation(commune, operationId);
      if (!payment) return 'ignored';
      return refresh(commune, payment);
    },

    /** The return page: the family's own payment (another's is not found), asked again while it is pending, with its choices. */
    async returned(commune: Commune, familyId: number, paymentId: number): Promise<PendingOnlinePayment | { payment: Payment }> {
      const payment = await ownOnline(commune, familyId, paymentId);
      if (payment.status === 'pending') await refresh(commune, payment);
      const now = await payments.find(commune, paymentId, familyId);
      return now.status === 'pending' ? choicesOf(now) : { payment: now };
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
