import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { DomainError, NotFoundError, ValidationError } from '../../domain/errors.ts';
import { checkPayment, receiptNumber, type PaymentCandidate, type PaymentCheck } from '../../domain/payment-rules.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Executor, Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import { isLivePaymentConflict } from '../../data/payment-repository.ts';
import type { User } from '../../data/user-repository.ts';
import { amountChangedWords, CHEQUE_NUMBER_MISSING, paymentRefusalWords } from '../../i18n/payment-words.ts';
import { renderReceiptPdf } from '../../integrations/pdf/receipt-pdf.ts';
import type { Family } from '../../model/family.ts';
import type { Invoice } from '../../model/invoice.ts';
import type { CounterMeans, Payment, PaymentMethod } from '../../model/payment.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';

/** The form field a refusal is shown next to: the list of invoices to tick. */
export const INVOICES_FIELD = 'factures';

/** What settling a payment did: `changed` false when it was paid already (a replayed notification). */
export interface SettleOutcome {
  paymentId: number;
  receiptNumber: string;
  paidAt: Date;
  changed: boolean;
}

/** What a counter payment did (plain JSON: it is stored as the form's outcome). */
export interface CounterPaymentOutcome {
  paymentId: number;
  familyId: number;
  receiptNumber: string;
  amountCents: number;
  invoiceNumbers: string[];
}

/** A pending online payment just opened: what to send to the provider. */
export interface PendingPayment {
  paymentId: number;
  amountCents: number;
  invoiceIds: number[];
  expiresAt: Date;
}

/** A payment that can no longer be settled (refused or cancelled; expired with its invoices taken since). */
export class PaymentClosedError extends DomainError {
  readonly status = 409;
}

/** The counter form of a family: its unsettled invoices, each with what is left to pay and whether it can be ticked. */
export interface CounterForm {
  family: Family;
  invoices: (Invoice & { leftToPayCents: number; payable: boolean })[];
}

/**
 * Payments of invoices (DESIGN §7 Payment; issue 12): the one place where invoices get paid.
 *
 * Every payment is for whole invoices of one family, computed by the server from the stored
 * invoices (`checkPayment`), under row locks on the invoices (taken in id order): of two payments of
 * the same invoice at the same moment — two counter payments, a counter and an online one — the
 * second waits, then finds the invoice settled or in payment and is refused. The partial unique
 * index of migration 25 is the last word: an invoice is in one pending-or-paid payment at most.
 *
 * `settle` is the one way a payment becomes paid: in ONE transaction the payment gets its receipt
 * number (gap-free) and every invoice its `settled_at`; a second call changes nothing.
 */
/** Said next to the invoices when a family paying by direct debit tries to pay online. */
export const DIRECT_DEBIT_REFUSAL =
  'Vos factures sont réglées par prélèvement automatique : chacune est prélevée à son échéance, le paiement en ligne ne vous est donc pas proposé, sauf pour une facture dont votre banque a rejeté le prélèvement.';

export function paymentService(repositories: Repositories, clock: Clock) {
  const { db, payments, invoices, counters, families, audit } = repositories;

  async function onDirectDebit(commune: Commune, familyId: number, executor: Executor): Promise<boolean> {
    return (await repositories.mandates.listForFamily(commune.id, familyId, executor)).some((mandate) => mandate.status === 'active');
  }
  const forms = formSubmissions(repositories, clock);

  function refusal(commune: Commune, check: Extract<PaymentCheck, { ok: false }>, candidates: readonly PaymentCandidate[]): Error {
    if (check.refusal === 'not_found') return new NotFoundError(`invoices ${check.invoiceIds.join(', ')} not payable by this family in commune ${commune.id}`);
    const numbers = candidates.filter((candidate) => check.invoiceIds.includes(candidate.id)).map((candidate) => candidate.number).sort();
    const status = check.refusal === 'settled' || check.refusal === 'in_payment' ? 409 : 400;
    return new ValidationError([{ field: INVOICES_FIELD, message: paymentRefusalWords(check.refusal, numbers) }], status);
  }

  /**
   * Locks the invoices and checks them for a new payment of `familyId`: the amounts to pay, or a
   * refusal (NotFoundError for an unknown or another family's invoice; ValidationError otherwise).
   */
  async function payable(commune: Commune, familyId: number, invoiceIds: readonly number[], method: PaymentMethod, trx: Transaction) {
    const candidates = await payments.lockCandidates(commune.id, invoiceIds, trx);
    const check = checkPayment(familyId, invoiceIds, candidates, method);
    if (!check.ok) throw refusal(commune, check, candidates);
    return check;
  }

  /** The unique index refused a second live payment of an invoice: the same words as the rule's. */
  function conflictRefusal(error: unknown): never {
    if (isLivePaymentConflict(error)) throw new ValidationError([{ field: INVOICES_FIELD, message: paymentRefusalWords('in_payment') }], 409);
    throw error;
  }

  async function settleIn(commune: Commune, paymentId: number, providerResult: string | null, trx: Transaction): Promise<SettleOutcome> {
    const status = await payments.lock(commune.id, paymentId, trx);
    if (!status) throw new NotFoundError(`payment ${paymentId} not in commune ${commune.id}`);
    if (status === 'paid') {
      const paid = (await payments.find(commune.id, paymentId, null, trx))!;
      return { paymentId, receiptNumber: paid.receiptNumber!, paidAt: paid.paidAt!, changed: false };
    }
    if (status !== 'pending' && status !== 'expired') throw new PaymentClosedError(`payment ${paymentId} is ${status}`);
    const payment = (await payments.find(commune.id, paymentId, null, trx))!;
    const paidAt = clock.now();
    const year = Number(parisDay(paidAt).slice(0, 4));
    const receipt = receiptNumber(year, await counters.next(commune.id, 'receipt', year, trx));
    // From `expired`, the links become live again: the unique index refuses it if another payment took an invoice since.
    await payments.markPaid(commune.id, paymentId, paidAt, receipt, providerResult, trx);
    for (const invoice of payment.invoices) await invoices.settle(commune.id, invoice.invoiceId, paidAt, trx);
    return { paymentId, receiptNumber: receipt, paidAt, changed: true };
  }

  async function find(commune: Commune, paymentId: number, familyId: number | null = null): Promise<Payment> {
    const payment = await payments.find(commune.id, paymentId, familyId);
    if (!payment) throw new NotFoundError(`payment ${paymentId} not in commune ${commune.id}${familyId === null ? '' : ` for family ${familyId}`}`);
    return payment;
  }

  return {
    /**
     * Marks the payment paid with its receipt number and every one of its invoices settled, in one
     * transaction. Idempotent: a payment paid already is answered as it is (`changed: false`).
     * Refused or cancelled payments, and expired ones whose invoices were taken since, throw
     * PaymentClosedError; an unknown id, NotFoundError. `providerResult`: the provider's answer, kept.
     */
    async settle(commune: Commune, paymentId: number, providerResult: string | null = null): Promise<SettleOutcome> {
      try {
        return await db.transaction((trx) => settleIn(commune, paymentId, providerResult, trx));
      } catch (error) {
        if (isLivePaymentConflict(error)) throw new PaymentClosedError(`payment ${paymentId}: an invoice was paid by another payment since it expired`);
        throw error;
      }
    },

    /**
     * A counter payment (cash, cheque with its number, CESU) of whole invoices of a family: paid at
     * once, with its receipt, audited. `formKey`: the same form posted twice pays once.
     */
    async recordCounterPayment(
      commune: Commune,
      staff: User,
      familyId: number,
      invoiceIds: readonly number[],
      means: CounterMeans,
      details: { chequeNumber?: string; chequeBank?: string } = {},
      formKey?: string,
    ): Promise<CounterPaymentOutcome> {
      const submission = submissionOf(commune, staff, 'counter_payment', formKey);
      const replayed = await forms.replay<CounterPaymentOutcome>(submission);
      if (replayed) return replayed.outcome;
      const chequeNumber = means === 'cheque' ? details.chequeNumber?.trim() || undefined : undefined;
      const chequeBank = means === 'cheque' ? details.chequeBank?.trim() || undefined : undefined;
      if (means === 'cheque' && !chequeNumber) throw new ValidationError([{ field: 'numeroCheque', message: CHEQUE_NUMBER_MISSING }]);
      try {
        return await forms.transaction(submission, async (trx) => {
          const family = await families.findById(commune.id, familyId, trx);
          if (!family) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
          const check = await payable(commune, familyId, invoiceIds, 'counter', trx);
          const createdAt = clock.now();
          const paymentId = await payments.insert(
            commune.id,
            {
              familyId,
              method: 'counter',
              status: 'pending',
              amountCents: check.amountCents,
              createdBy: staff.id,
              createdAt,
              counterMeans: means,
              chequeNumber: chequeNumber ?? null,
              chequeBank: chequeBank ?? null,
              invoices: check.invoices,
            },
            trx,
          ).catch(conflictRefusal);
          const settled = await settleIn(commune, paymentId, null, trx);
          const paid = (await payments.find(commune.id, paymentId, null, trx))!;
          const outcome: CounterPaymentOutcome = {
            paymentId,
            familyId,
            receiptNumber: settled.receiptNumber,
            amountCents: paid.amountCents,
            invoiceNumbers: paid.invoices.map((invoice) => invoice.number),
          };
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: createdAt,
              action: 'counter_payment',
              entity: 'payment',
              entityId: paymentId,
              familyId,
              after: { receiptNumber: outcome.receiptNumber, amountCents: outcome.amountCents, means, chequeNumber: chequeNumber ?? null, invoices: outcome.invoiceNumbers },
            },
            trx,
          );
          return outcome;
        });
      } catch (error) {
        if (error instanceof ValidationError) return forms.refuse<CounterPaymentOutcome>(submission, error);
        throw error;
      }
    },

    /** Whether the family's invoices are paid by an active SEPA mandate (then not online). */
    onDirectDebit(commune: Commune, familyId: number): Promise<boolean> {
      return onDirectDebit(commune, familyId, db);
    },

    /**
     * Opens a pending online payment of whole invoices (the PayFiP part sends it, then records the
     * provider's operation id with `recordProviderOperation`): refused like a counter payment, and
     * under 1,00 €. Its invoices read « en cours de paiement » until it is settled or closed.
     * `within`: the caller's transaction, when the payment must be written with what follows it. A
     * family on direct debit pays online only the invoices whose debit the bank sent back.
     */
    async openOnline(
      commune: Commune,
      parent: User,
      familyId: number,
      invoiceIds: readonly number[],
      expiresAt: Date,
      within?: Transaction,
      /** The total the parent saw, when the form sent it: a different amount is refused (409). */
      seenCents?: number,
    ): Promise<PendingPayment> {
      const inTransaction = <T>(act: (trx: Transaction) => Promise<T>): Promise<T> => (within ? act(within) : db.transaction(act));
      return inTransaction(async (trx) => {
        // A family on direct debit pays by its mandate, at each due date: never twice. Only an
        // invoice whose debit the bank sent back is to be paid otherwise.
        if (await onDirectDebit(commune, familyId, trx)) {
          const rejected = await repositories.debitFiles.rejectedInvoices(commune.id, invoiceIds, trx);
          if (!invoiceIds.length || !invoiceIds.every((id) => rejected.has(id))) {
            throw new ValidationError([{ field: 'factures', message: DIRECT_DEBIT_REFUSAL }], 409);
          }
        }
        const check = await payable(commune, familyId, invoiceIds, 'online', trx);
        if (seenCents !== undefined && seenCents !== check.amountCents) {
          throw new ValidationError([{ field: INVOICES_FIELD, message: amountChangedWords(seenCents, check.amountCents) }], 409);
        }
        const paymentId = await payments
          .insert(
            commune.id,
            { familyId, method: 'online', status: 'pending', amountCents: check.amountCents, createdBy: parent.id, createdAt: clock.now(), expiresAt, invoices: check.invoices },
            trx,
          )
          .catch(conflictRefusal);
        return { paymentId, amountCents: check.amountCents, invoiceIds: check.invoices.map((invoice) => invoice.invoiceId), expiresAt };
      });
    },

    /**
     * Opens the pending direct-debit payment of one invoice, in the debit export's transaction:
     * undefined when the invoice is not payable now (settled, or held by another payment).
     */
    async openDirectDebit(commune: Commune, familyId: number, invoiceId: number, trx: Transaction): Promise<{ paymentId: number; amountCents: number } | undefined> {
      const candidates = await payments.lockCandidates(commune.id, [invoiceId], trx);
      const check = checkPayment(familyId, [invoiceId], candidates, 'direct_debit');
      if (!check.ok || check.amountCents < 1) return undefined;
      const paymentId = await payments.insert(
        commune.id,
        { familyId, method: 'direct_debit', status: 'pending', amountCents: check.amountCents, createdBy: null, createdAt: clock.now(), invoices: check.invoices },
        trx,
      );
      return { paymentId, amountCents: check.amountCents };
    },

    /** Keeps the provider's operation id (PayFiP's idOp, unique per commune) and reference on a pending payment; false when it is not pending. */
    async recordProviderOperation(commune: Commune, paymentId: number, operationId: string, reference: string | null = null, within?: Transaction): Promise<boolean> {
      return payments.recordProviderOperation(commune.id, paymentId, operationId, reference, within);
    },

    /** The payment of a provider's operation id, undefined when unknown (a forged notification). */
    async findByProviderOperation(commune: Commune, operationId: string): Promise<Payment | undefined> {
      const id = await payments.idOfProviderOperation(commune.id, operationId);
      return id === undefined ? undefined : payments.find(commune.id, id);
    },

    /** Closes a pending payment as refused, cancelled or expired: its invoices are payable again at once. False when it was not pending. */
    async close(commune: Commune, paymentId: number, status: 'refused' | 'cancelled' | 'expired', providerResult: string | null = null, within?: Transaction): Promise<boolean> {
      return payments.close(commune.id, paymentId, status, clock.now(), providerResult, within);
    },

    /** A payment of the commune (staff), or of the family when `familyId` is given; another family's is not found. */
    find,

    /** The receipt of a paid payment as a PDF, named after its number; `familyId` given: only that family's. */
    async receiptPdf(commune: Commune, paymentId: number, familyId: number | null = null): Promise<{ filename: string; pdf: Buffer }> {
      const payment = await find(commune, paymentId, familyId);
      if (payment.status !== 'paid') throw new NotFoundError(`payment ${paymentId} is ${payment.status}: no receipt`);
      const family = await families.findById(commune.id, payment.familyId);
      if (!family) throw new NotFoundError(`family ${payment.familyId} not in commune ${commune.id}`);
      return { filename: `recu-${payment.receiptNumber}.pdf`, pdf: await renderReceiptPdf({ payment, commune, address: family }) };
    },

    /** « Encaisser au guichet »: the family and its unsettled invoices, each with what is left to pay. */
    async counterForm(commune: Commune, familyId: number): Promise<CounterForm> {
      const family = await families.findById(commune.id, familyId);
      if (!family) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
      const open = await invoices.listForFamily(commune.id, familyId, { settled: false, today: parisDay(clock.now()) });
      const candidates = await payments.candidates(commune.id, open.map((invoice) => invoice.id));
      const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
      return {
        family,
        invoices: open.map((invoice) => {
          const candidate = byId.get(invoice.id);
          return { ...invoice, leftToPayCents: Math.max(0, candidate?.leftToPayCents ?? invoice.totalCents), payable: !!candidate && !candidate.inLivePayment };
        }),
      };
    },

    /** What is left to pay on each of these invoices (its total less its credit notes), cents, by invoice id. */
    async leftToPay(commune: Commune, invoiceIds: readonly number[]): Promise<Map<number, number>> {
      if (!invoiceIds.length) return new Map();
      const candidates = await payments.candidates(commune.id, invoiceIds);
      return new Map(candidates.map((candidate) => [candidate.id, Math.max(0, candidate.leftToPayCents)]));
    },

    /** The payments of one invoice of the commune (staff), every status, the latest first. */
    async listForInvoice(commune: Commune, invoiceId: number): Promise<Payment[]> {
      return payments.listForInvoice(commune.id, invoiceId);
    },

    /** The family's payments, the latest first; `from`/`to` bound when they were made. */
    async listForFamily(commune: Commune, familyId: number, range: { from?: Date; to?: Date } = {}): Promise<Payment[]> {
      return payments.listForFamily(commune.id, familyId, range);
    },
  };
}

export type PaymentService = ReturnType<typeof paymentService>;
