import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { DomainError, NotFoundError } from '../../domain/errors.ts';
import { checkPayment, PaymentRefusedError, receiptNumber, settlementOf, type PaymentCheck } from '../../domain/payment-rules.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Executor, Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import { isLivePaymentConflict } from '../../data/payment-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import { renderReceiptPdf } from '../../integrations/pdf/receipt-pdf.ts';
import type { Family } from '../../model/family.ts';
import type { Invoice } from '../../model/invoice.ts';
import type { CounterMeans, Payment, PaymentMethod, PaymentRefund, RefundReason } from '../../model/payment.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { mailQueue } from '../mail.ts';
import { refundDoneMail, refundOwedMail } from './payment-mails.ts';

/** The form field a refusal is shown next to: the list of invoices to tick. */
export const INVOICES_FIELD = 'factures';

/**
 * What settling a payment did: `changed` false when it was paid already (a replayed notification).
 * `refundCents`: what of it is owed back, its invoices having changed since it was opened; a
 * payment closed meanwhile whose invoices another payment took stays closed (`receiptNumber` null)
 * and all it received is owed back.
 */
export interface SettleOutcome {
  paymentId: number;
  receiptNumber: string | null;
  paidAt: Date | null;
  changed: boolean;
  refundCents: number;
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

/** A payment that can no longer be settled (refused by the provider or the bank). */
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
 * number (gap-free) and every invoice its `settled_at`; a second call changes nothing. It re-checks
 * under the invoices' locks what each still owes (issue 18): money received for what is no longer
 * owed goes on staff's « à rembourser » list and the family is told, never silently counted.
 */
export function paymentService(repositories: Repositories, clock: Clock, mail: MailRenderer) {
  const { db, payments, invoices, counters, families, audit, users } = repositories;
  const queueMail = mailQueue(repositories.outbox, mail, clock);

  async function onDirectDebit(commune: Commune, familyId: number, executor: Executor): Promise<boolean> {
    return (await repositories.mandates.listForFamily(commune.id, familyId, executor)).some((mandate) => mandate.status === 'active');
  }
  const forms = formSubmissions(repositories, clock);

  function refusal(commune: Commune, check: Extract<PaymentCheck, { ok: false }>, candidates: readonly { id: number; number: string }[]): Error {
    if (check.refusal === 'not_found') return new NotFoundError(`invoices ${check.invoiceIds.join(', ')} not payable by this family in commune ${commune.id}`);
    const numbers = candidates.filter((candidate) => check.invoiceIds.includes(candidate.id)).map((candidate) => candidate.number).sort();
    const status = check.refusal === 'settled' || check.refusal === 'in_payment' ? 409 : 400;
    return new PaymentRefusedError({ code: 'rule', refusal: check.refusal, numbers }, INVOICES_FIELD, status);
  }

  /**
   * Locks the invoices and checks them for a new payment of `familyId`: the amounts to pay, or a
   * refusal (NotFoundError for an unknown or another family's invoice; PaymentRefusedError otherwise).
   */
  async function payable(commune: Commune, familyId: number, invoiceIds: readonly number[], method: PaymentMethod, trx: Transaction) {
    const candidates = await payments.lockCandidates(commune.id, invoiceIds, trx);
    const check = checkPayment(familyId, invoiceIds, candidates, method);
    if (!check.ok) throw refusal(commune, check, candidates);
    return check;
  }

  /** The unique index refused a second live payment of an invoice: the same words as the rule's. */
  function conflictRefusal(error: unknown): never {
    if (isLivePaymentConflict(error)) throw new PaymentRefusedError({ code: 'rule', refusal: 'in_payment', numbers: [] }, INVOICES_FIELD, 409);
    throw error;
  }

  /**
   * Settles the payment in `trx`, re-checking under the invoices' row locks what each still owes
   * (`settlementOf`): what changed since it was opened is owed back (`owesBack`), never counted.
   */
  async function settleIn(commune: Commune, paymentId: number, providerResult: string | null, trx: Transaction): Promise<SettleOutcome> {
    const status = await payments.lock(commune.id, paymentId, trx);
    if (!status) throw new NotFoundError(`payment ${paymentId} not in commune ${commune.id}`);
    if (status === 'paid') {
      const paid = (await payments.find(commune.id, paymentId, null, trx))!;
      return { paymentId, receiptNumber: paid.receiptNumber!, paidAt: paid.paidAt!, changed: false, refundCents: 0 };
    }
    if (status === 'refused') throw new PaymentClosedError(`payment ${paymentId} is ${status}`);
    const payment = (await payments.find(commune.id, paymentId, null, trx))!;
    const current = await payments.lockCandidates(commune.id, payment.invoices.map((invoice) => invoice.invoiceId), trx);
    const settlement = settlementOf(payment.invoices, current, status === 'pending');
    const paidAt = clock.now();
    if (settlement.kind === 'refund_all') {
      // Closed, and another payment holds an invoice since: it stays closed, its money goes back.
      if (providerResult !== null) await payments.recordProviderResult(commune.id, paymentId, providerResult, trx);
      const written = await owesBack(commune, payment, settlement.refundCents, 'paid_after_close', trx);
      return { paymentId, receiptNumber: null, paidAt: null, changed: written, refundCents: settlement.refundCents };
    }
    const year = Number(parisDay(paidAt).slice(0, 4));
    const receipt = receiptNumber(year, await counters.next(commune.id, 'receipt', year, trx));
    // From `expired` or `cancelled`, the links become live again: checked above, no other payment holds them.
    await payments.markPaid(commune.id, paymentId, paidAt, receipt, providerResult, trx);
    for (const invoiceId of settlement.invoiceIds) await invoices.settle(commune.id, invoiceId, paidAt, trx);
    if (settlement.refundCents > 0) await owesBack(commune, payment, settlement.refundCents, 'invoice_changed', trx);
    return { paymentId, receiptNumber: receipt, paidAt, changed: true, refundCents: settlement.refundCents };
  }

  /** Money of `payment` owed back: on staff's « à rembourser » list, and the family told by e-mail. Once per payment (or per credit note). */
  async function owesBack(commune: Commune, payment: Payment, amountCents: number, reason: RefundReason, trx: Transaction, creditNoteId?: number): Promise<boolean> {
    const written = await payments.insertRefund(commune.id, { paymentId: payment.id, familyId: payment.familyId, amountCents, reason, createdAt: clock.now(), creditNoteId }, trx);
    if (!written) return false;
    for (const guardian of await users.listActiveParentsOfFamily(commune.id, payment.familyId, trx)) {
      await queueMail(trx, commune, refundOwedMail(mail, commune, guardian, { payment, amountCents }));
    }
    return true;
  }

  async function find(commune: Commune, paymentId: number, familyId: number | null = null): Promise<Payment> {
    const payment = await payments.find(commune.id, paymentId, familyId);
    if (!payment) throw new NotFoundError(`payment ${paymentId} not in commune ${commune.id}${familyId === null ? '' : ` for family ${familyId}`}`);
    return payment;
  }

  return {
    /**
     * Marks the payment paid with its receipt number and every one of its invoices settled, in one
     * transaction, what changed since it was opened owed back (`refundCents`). Idempotent: a payment
     * paid already is answered as it is (`changed: false`). An expired or cancelled payment whose
     * invoices another payment took since stays closed, all its money owed back. A refused payment
     * throws PaymentClosedError; an unknown id, NotFoundError. `providerResult`: the provider's answer, kept.
     */
    async settle(commune: Commune, paymentId: number, providerResult: string | null = null): Promise<SettleOutcome> {
      try {
        return await db.transaction((trx) => settleIn(commune, paymentId, providerResult, trx));
      } catch (error) {
        // Another payment took an invoice between our check and the write: the next attempt owes it back.
        if (isLivePaymentConflict(error)) return db.transaction((trx) => settleIn(commune, paymentId, providerResult, trx));
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
      if (means === 'cheque' && !chequeNumber) throw new PaymentRefusedError({ code: 'cheque_number_missing' }, 'numeroCheque', 400);
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
            receiptNumber: settled.receiptNumber!,
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
        if (error instanceof PaymentRefusedError) return forms.refuse<CounterPaymentOutcome>(submission, error);
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
            throw new PaymentRefusedError({ code: 'direct_debit_family' }, INVOICES_FIELD, 409);
          }
        }
        const check = await payable(commune, familyId, invoiceIds, 'online', trx);
        if (seenCents !== undefined && seenCents !== check.amountCents) {
          throw new PaymentRefusedError({ code: 'amount_changed', seenCents, dueCents: check.amountCents }, INVOICES_FIELD, 409);
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

    /**
     * Closes a pending payment as refused, cancelled or expired: its invoices are payable again at
     * once. False when it was not pending — or, `operationId` given, no longer with that provider
     * operation (null: none recorded yet), so a payment is never closed on a state it has left.
     */
    async close(
      commune: Commune,
      paymentId: number,
      status: 'refused' | 'cancelled' | 'expired',
      providerResult: string | null = null,
      within?: Transaction,
      operationId?: string | null,
    ): Promise<boolean> {
      return payments.close(commune.id, paymentId, status, clock.now(), providerResult, within, operationId);
    },

    /** Forgets a pending online payment the provider never took (its call failed): its invoices are free, nothing is left of it. */
    async discardUnsent(commune: Commune, paymentId: number): Promise<boolean> {
      return db.transaction((trx) => payments.discardUnsent(commune.id, paymentId, trx));
    },

    /**
     * A credit note was issued on an invoice (in its transaction, under the invoice's lock): if a
     * payment had paid the invoice, what the credit note takes off it is owed back to the family.
     */
    async creditNoteIssued(commune: Commune, creditNote: { id: number; invoiceId: number; totalCents: number }, trx: Transaction): Promise<void> {
      const paid = await payments.paidHolder(commune.id, creditNote.invoiceId, trx);
      if (!paid) return;
      const amountCents = Math.min(-creditNote.totalCents, paid.amountCents);
      if (amountCents <= 0) return;
      const payment = (await payments.find(commune.id, paid.paymentId, null, trx))!;
      await owesBack(commune, payment, amountCents, 'credit_after_payment', trx, creditNote.id);
    },

    /** What is owed back on one payment of the commune (staff's page of the payment). */
    async refundsOf(commune: Commune, paymentId: number): Promise<PaymentRefund[]> {
      return payments.refundsOfPayment(commune.id, paymentId);
    },

    /** « À rembourser »: the money owed back to families (`open`), or the refunds recorded done. */
    async refunds(commune: Commune, open: boolean): Promise<PaymentRefund[]> {
      return payments.listRefunds(commune.id, { open });
    },

    /**
     * Staff record a refund done (how: `note`, e.g. « virement du 12 décembre »): audited, the family
     * told. Recorded already: refused with a code; `formKey`: the same form posted twice records once.
     */
    async recordRefundDone(commune: Commune, staff: User, refundId: number, note: string, formKey?: string): Promise<PaymentRefund> {
      const submission = submissionOf(commune, staff, 'refund_done', formKey);
      const replayed = await forms.replay<{ refundId: number }>(submission);
      if (!replayed) {
        try {
          await forms.transaction(submission, async (trx) => {
            const refund = await payments.findRefund(commune.id, refundId, trx);
            if (!refund) throw new NotFoundError(`refund ${refundId} not in commune ${commune.id}`);
            const at = clock.now();
            const trimmed = note.trim() || null;
            if (!(await payments.markRefunded(commune.id, refundId, { at, by: staff.id, note: trimmed }, trx))) {
              throw new PaymentRefusedError({ code: 'refund_done_already' }, 'note', 409);
            }
            for (const guardian of await users.listActiveParentsOfFamily(commune.id, refund.familyId, trx)) {
              await queueMail(trx, commune, refundDoneMail(mail, commune, guardian, { amountCents: refund.amountCents, note: trimmed }));
            }
            await audit.record(
              commune.id,
              { staffId: staff.id, occurredAt: at, action: 'refund_done', entity: 'payment', entityId: refund.paymentId, familyId: refund.familyId, after: { totalCents: refund.amountCents, note: trimmed } },
              trx,
            );
            return { refundId };
          });
        } catch (error) {
          if (error instanceof PaymentRefusedError) await forms.refuse(submission, error);
          else throw error;
        }
      }
      return (await payments.findRefund(commune.id, refundId))!;
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
