import type { Executor } from './database.ts';

/** A form posted with its one-time key: by whom, in which commune, for which action. */
export interface FormSubmissionKey {
  communeId: number;
  userId: number;
  key: string;
  form: string;
}

export interface StoredSubmission {
  form: string;
  outcome: unknown;
}

/** The keys of the forms already handled and what each action answered (migration 20). */
export function formSubmissionRepository(db: Executor) {
  const byKey = (executor: Executor, { communeId, userId, key }: FormSubmissionKey) =>
    executor('form_submissions').where({ commune_id: communeId, user_id: userId, key });

  return {
    async find(submission: FormSubmissionKey, executor: Executor = db): Promise<StoredSubmission | undefined> {
      const row = await byKey(executor, submission).first('form', 'outcome');
      return row && { form: row.form as string, outcome: row.outcome as unknown };
    },

    /**
     * Takes the key for this transaction; false when it was taken already. While another
     * transaction holds the same key uncommitted, PostgreSQL makes this insert wait for its end:
     * after a commit the key is taken (false), after a rollback it is ours.
     */
    async claim(submission: FormSubmissionKey, createdAt: Date, executor: Executor): Promise<boolean> {
      const rows = await executor('form_submissions')
        .insert({
          commune_id: submission.communeId,
          user_id: submission.userId,
          key: submission.key,
          form: submission.form,
          created_at: createdAt,
        })
        .onConflict(['commune_id', 'user_id', 'key'])
        .ignore()
        .returning('key');
      return rows.length === 1;
    },

    async recordOutcome(submission: FormSubmissionKey, outcome: unknown, executor: Executor): Promise<void> {
      // jsonb takes JSON text; `undefined` (an action that answers nothing) is stored as null.
      await byKey(executor, submission).update({ outcome: JSON.stringify(outcome ?? null) });
    },

    /** Forgets this person's keys older than `before`: a form is not resent days later. */
    async purgeOlderThan(communeId: number, userId: number, before: Date, executor: Executor): Promise<void> {
      await executor('form_submissions').where({ commune_id: communeId, user_id: userId }).andWhere('created_at', '<', before).delete();
    },
  };
}

export type FormSubmissionRepository = ReturnType<typeof formSubmissionRepository>;
