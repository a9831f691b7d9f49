import type { Clock } from '../../domain/clock.ts';
import { conflictsOf, type FieldChange, type FieldValue } from '../../domain/family-fields.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { FamilyRequest, QueuedRequest, RequestFilters } from '../../data/request-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import { memberValues } from './family-members.ts';
import type { RequestTypeRegistry } from './requests/registry.ts';
import type { DecisionWords } from './request-mails.ts';
import { NOTHING_OVERRIDDEN } from './requests/request-type.ts';

export interface DecisionOutcome {
  decided: { request: FamilyRequest; conflicts: FieldChange[] }[];
  alreadyDecided: number[];
}

/** A change of a pending request whose starting value no longer matches the data, with the value now. */
export interface QueueConflict extends FieldChange {
  current: FieldValue;
}

export interface StaffQueue {
  requests: QueuedRequest[];
  /** By request id; only pending change requests that have conflicts appear. */
  conflicts: Map<number, QueueConflict[]>;
}

export type StaffDecision = { accept: true } | { accept: false; reason: string };

/** The staff « Demandes » queue: what families asked, and the decisions, one request type module each. */
export function requestQueueService(repositories: Repositories, clock: Clock, mail: MailRenderer, requestTypes: RequestTypeRegistry) {
  const { db, families, requests, users, outbox, audit } = repositories;

  return {
    /** Oldest first, with the conflicts of its pending change requests (the page's members in one query). */
    async listQueue(commune: Commune, filters: RequestFilters): Promise<StaffQueue> {
      const queue = await requests.listQueue(commune.id, filters);
      const pendingChanges = queue.filter((request) => request.status === 'pending' && request.payload.kind === 'changes' && request.memberId);
      const members = await families.listMembersByIds(commune.id, [...new Set(pendingChanges.map((request) => request.memberId!))]);
      const byId = new Map(members.map((member) => [member.id, member]));
      const conflicts = new Map<number, QueueConflict[]>();
      for (const request of pendingChanges) {
        const member = byId.get(request.memberId!);
        if (!member || member.familyId !== request.familyId || request.payload.kind !== 'changes') continue;
        const values = memberValues(member);
        const found = conflictsOf(request.payload.changes, values).map((change) => ({ ...change, current: values[change.field] ?? null }));
        if (found.length) conflicts.set(request.id, found);
      }
      return { requests: queue, conflicts };
    },

    /**
     * Staff accept or refuse requests, all in one transaction. Each request's type module applies
     * the acceptance or the refusal; each decision is audited and e-mailed to every guardian of the
     * family. A request another agent decided meanwhile is skipped; a request of a type no module
     * decides fails the whole batch (UnknownRequestTypeError).
     */
    async decideRequests(commune: Commune, staff: User, requestIds: number[], decision: StaffDecision): Promise<DecisionOutcome> {
      // Ascending ids: two agents deciding overlapping batches lock the rows in the same order.
      const ids = [...new Set(requestIds)].sort((a, b) => a - b);
      const reason = decision.accept ? null : decision.reason;
      const status = decision.accept ? 'accepted' : 'refused';
      return db.transaction(async (trx) => {
        const outcome: DecisionOutcome = { decided: [], alreadyDecided: [] };
        for (const requestId of ids) {
          const request = await requests.lockPending(commune.id, requestId, trx);
          if (!request) {
            outcome.alreadyDecided.push(requestId);
            continue;
          }
          const type = requestTypes.of(request.type);
          const step = { trx, commune, staff, request };
          let accepted = NOTHING_OVERRIDDEN;
          if (decision.accept) accepted = await type.accept(step);
          else await type.refuse(step, decision.reason);
          await requests.recordDecision(commune.id, request.id, { status, decidedBy: staff.id, decidedAt: clock.now(), reason }, trx);
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: decision.accept ? 'request_accepted' : 'request_refused',
              entity: 'request',
              entityId: request.id,
              familyId: request.familyId,
              before: { status: 'pending' },
              after: { status, reason },
            },
            trx,
          );
          const words: DecisionWords = decision.accept
            ? { accepted: true, confirmationSentTo: accepted.confirmationSentTo }
            : { accepted: false, reason: decision.reason };
          for (const guardian of await users.listActiveParentsOfFamily(commune.id, request.familyId, trx)) {
            const content = type.mail({ commune, guardian, request, decision: words, link: (path) => mail.link(commune, path) });
            await outbox.enqueue(commune.id, mail.render(commune, content), clock.now(), trx);
          }
          outcome.decided.push({ request, conflicts: accepted.conflicts });
        }
        return outcome;
      });
    },
  };
}

export type RequestQueueService = ReturnType<typeof requestQueueService>;
