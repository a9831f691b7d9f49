import type { Clock } from '../../domain/clock.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { FormSubmissionKey, StoredSubmission } from '../../data/form-submission-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';

/** How long a form's key is remembered: long enough for any Back-then-resend, then forgotten. */
export const FORM_KEY_RETENTION_DAYS = 30;

/** A key posted with another form than the one it was first used with: tampering, never a browser. */
export class FormKeyMismatchError extends DomainError {
  /** The error handler answers a 4xx `status` with its « requête incorrecte » page. */
  readonly status = 400;
}

/**
 * One posted form and its one-time key. Every form of the web that acts once carries one (`formPost`
 * refuses it otherwise, `src/web/act-once-forms.ts`); undefined only for a call that is no form (seed, CLI).
 */
export type Submission = FormSubmissionKey | undefined;

/** `form` names the action (`new_child`, `registration`…): a key belongs to one action. */
export function submissionOf(commune: Commune, user: User, form: string, key: string | undefined): Submission {
  return key ? { communeId: commune.id, userId: user.id, key, form } : undefined;
}

/**
 * « Every form acts once » (DESIGN §11): each rendered form carries a one-time key; a service runs
 * its action through `transaction`, which takes the key in the action's own transaction and stores
 * what the action answered. The same form posted again — double click, refreshed POST, Back then
 * resend, in sequence or at the same moment — acts no more and answers the first outcome, so the
 * page shows the first result. Outcomes must be plain JSON data (ids, codes, labels).
 */
export function formSubmissions(repositories: Repositories, clock: Clock) {
  const { db, formSubmissions: keys } = repositories;

  function outcomeOf<T>(submission: FormSubmissionKey, stored: StoredSubmission): T {
    if (stored.form !== submission.form) throw new FormKeyMismatchError(`key of ${stored.form} posted to ${submission.form}`);
    return stored.outcome as T;
  }

  return {
    /**
     * The first outcome of a form handled already. A service asks before checking its rules: the
     * first submission may have made a rule refuse the second (« une demande est déjà en cours »).
     */
    async replay<T>(submission: Submission): Promise<{ outcome: T } | undefined> {
      if (!submission) return undefined;
      const stored = await keys.find(submission);
      return stored && { outcome: outcomeOf<T>(submission, stored) };
    },

    /**
     * A rule refused the form. If the same form was handled meanwhile (posted at the same moment,
     * its first submission committed between `replay` and the rule), that first outcome is the
     * answer: the rule refused only because of it. Otherwise the refusal stands.
     */
    async refuse<T>(submission: Submission, refusal: Error): Promise<T> {
      const earlier = await this.replay<T>(submission);
      if (earlier) return earlier.outcome;
      throw refusal;
    },

    /**
     * Runs `act` in one transaction that first takes the form's key. A second submission of the
     * same key waits on the key until the first commits, then answers the first's outcome without
     * acting; if the first failed (rolled back), the second acts.
     */
    async transaction<T>(submission: Submission, act: (trx: Transaction) => Promise<T>): Promise<T> {
      return db.transaction(async (trx) => {
        if (!submission) return act(trx);
        const now = clock.now();
        if (!(await keys.claim(submission, now, trx))) return outcomeOf<T>(submission, (await keys.find(submission, trx))!);
        const outcome = await act(trx);
        await keys.recordOutcome(submission, outcome, trx);
        await keys.purgeOlderThan(submission.communeId, submission.userId, new Date(now.getTime() - FORM_KEY_RETENTION_DAYS * 86_400_000), trx);
        return outcome;
      });
    },
  };
}

export type FormSubmissions = ReturnType<typeof formSubmissions>;
