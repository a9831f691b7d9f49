import type { Clock } from '../../../domain/clock.ts';
import type { FieldChange } from '../../../domain/family-fields.ts';
import type { Commune } from '../../../data/commune-repository.ts';
import type { Transaction } from '../../../data/database.ts';
import type { Repositories } from '../../../data/index.ts';
import type { FamilyRequest, RequestPayload } from '../../../data/request-repository.ts';
import type { User } from '../../../data/user-repository.ts';
import type { MailContent } from '../../../integrations/mail/mail-renderer.ts';
import type { EmailChangeService } from '../../accounts/email-change-service.ts';
import type { DecisionMail } from '../request-mails.ts';

/** One staff decision on one locked, pending request, inside the transaction of the whole batch. */
export interface DecisionStep {
  trx: Transaction;
  commune: Commune;
  staff: User;
  request: FamilyRequest;
}

/** What accepting did besides applying the request, for staff and for the guardians. */
export interface Accepted {
  /** Changes whose starting value no longer matched the file: the acceptance overrode them. */
  conflicts: FieldChange[];
  /** A new sign-in address that waits for the confirmation link just sent to it. */
  confirmationSentTo?: string;
}

export const NOTHING_OVERRIDDEN: Accepted = { conflicts: [] };

/**
 * One kind of family request (DESIGN §7 Requests): what accepting applies, what refusing does, and
 * the e-mail each guardian gets. The request queue locks the request, calls `accept` or `refuse`,
 * records the decision, journals it and sends `mail`, all in one transaction: a step that throws
 * leaves the whole batch undecided.
 */
export interface RequestTypeModule {
  accept(step: DecisionStep): Promise<Accepted>;
  /** The request's status and reason are recorded by the queue; this is what else refusing does. */
  refuse(step: DecisionStep, reason: string): Promise<void>;
  /** The e-mail of the decision to one guardian, built by a mail-content function. */
  mail(decision: DecisionMail): MailContent;
}

/** What the registry gives each module; the composition root builds it once. */
export interface RequestTypeDependencies {
  repositories: Repositories;
  clock: Clock;
  /** A sign-in address changes only once the link sent to the new address is opened. */
  emailChanges: Pick<EmailChangeService, 'start'>;
}

/** The payload a module expects; another kind under its type is a broken row, never guessed at. */
export function payloadOf<K extends RequestPayload['kind']>(request: FamilyRequest, kind: K): Extract<RequestPayload, { kind: K }> {
  if (request.payload.kind !== kind) {
    throw new Error(`request ${request.id} of type ${request.type} carries a « ${request.payload.kind} » payload, not « ${kind} »`);
  }
  return request.payload as Extract<RequestPayload, { kind: K }>;
}
