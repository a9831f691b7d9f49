import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownRequestTypeError } from '../../src/services/family/requests/registry.ts';
import { backOfficeFamily, staffAgent } from '../support/back-office-fixtures.ts';
import { buildTestApp, countMailsTo, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(new Date('2026-11-23T09:00:00+01:00'));
});
afterAll(() => t.close());

describe('deciding a request of a type no module handles', () => {
  it('refuses the whole batch with an error: nothing applied, decided, journaled or e-mailed', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const guardian = family.guardians[0]!;
    const { user: staff } = await staffAgent(t, 'echirolles');
    // A known request first in the batch: it must not be applied either.
    const { requestId: known } = await t.runtime.services.familyEdits.submitMemberChanges(family.commune, guardian.user, family.childId, {
      schoolLevel: 'CM1',
    });
    // A type from a later version, or a typo in the database: no module decides it.
    const [{ id: unknown }] = await t.runtime
      .db('requests')
      .insert({
        commune_id: family.commune.id,
        family_id: family.familyId,
        type: 'unknown_later_type',
        member_id: null,
        submitted_by: guardian.user.id,
        submitted_at: new Date('2026-11-23T08:00:00+01:00'),
        payload: JSON.stringify({ kind: 'new_child', child: { firstName: 'Intrus', lastName: family.name } }),
      })
      .returning('id');

    const decision = t.runtime.services.requestQueue.decideRequests(family.commune, staff, [known!, unknown], { accept: true });
    await expect(decision).rejects.toThrow(UnknownRequestTypeError);
    await expect(decision).rejects.toThrow(/unknown_later_type/);

    const rows = await t.runtime.db('requests').whereIn('id', [known!, unknown]).orderBy('id');
    expect(rows.map((row) => row.status)).toEqual(['pending', 'pending']);
    expect((await t.runtime.db('members').where({ id: family.childId }).first()).school_level).toBe('CE2');
    expect(await t.runtime.db('members').where({ family_id: family.familyId, first_name: 'Intrus' })).toHaveLength(0);
    expect(await t.runtime.db('audit_log').where({ entity: 'request' }).whereIn('entity_id', [known!, unknown])).toHaveLength(0);
    expect(await countMailsTo(t, guardian.email, 'request_accepted')).toBe(0);
  });
});

describe('the order requests are decided in', () => {
  it('is ascending ids, whatever order they were ticked in (so batches lock rows in one order)', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const guardian = family.guardians[0]!;
    const ids: number[] = [];
    for (const level of ['CM1', 'CM2', 'CE1']) {
      const { requestId } = await t.runtime.services.familyEdits.submitMemberChanges(family.commune, guardian.user, family.childId, { schoolLevel: level });
      ids.push(requestId!);
    }
    const { user: staff } = await staffAgent(t, 'echirolles');
    const outcome = await t.runtime.services.requestQueue.decideRequests(family.commune, staff, [ids[2]!, ids[0]!, ids[2]!, ids[1]!], {
      accept: false,
      reason: 'Classe à confirmer par l’école',
    });
    expect(outcome.decided.map(({ request }) => request.id)).toEqual(ids);
    const journal = await t.runtime.db('audit_log').where({ entity: 'request' }).whereIn('entity_id', ids).orderBy('id');
    expect(journal.map((entry) => entry.entity_id)).toEqual(ids);
  });
});

describe('two agents deciding overlapping batches at the same moment', () => {
  it('lock the requests in the same order whatever order they ticked them in: each is decided once, no deadlock', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const guardian = family.guardians[0]!;
    const ids: number[] = [];
    for (const level of ['CM1', 'CM2', 'CE1', 'CP', '5e', '6e']) {
      const { requestId } = await t.runtime.services.familyEdits.submitMemberChanges(family.commune, guardian.user, family.childId, { schoolLevel: level });
      ids.push(requestId!);
    }
    const { user: first } = await staffAgent(t, 'echirolles');
    const { user: second } = await staffAgent(t, 'echirolles');
    const queue = t.runtime.services.requestQueue;

    const outcomes = await Promise.all([
      queue.decideRequests(family.commune, first, ids, { accept: true }),
      queue.decideRequests(family.commune, second, [...ids].reverse(), { accept: true }),
    ]);

    const decided = outcomes.flatMap((outcome) => outcome.decided.map(({ request }) => request.id));
    expect(decided.sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(outcomes.flatMap((outcome) => outcome.alreadyDecided)).toHaveLength(ids.length);
    expect(await t.runtime.db('audit_log').where({ entity: 'request', action: 'request_accepted' }).whereIn('entity_id', ids)).toHaveLength(ids.length);
  });
});
