import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnknownRequestTypeError } from '../../src/services/requests/registry.ts';
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
        type: 'quotient_familial',
        member_id: null,
        submitted_by: guardian.user.id,
        submitted_at: new Date('2026-11-23T08:00:00+01:00'),
        payload: JSON.stringify({ kind: 'new_child', child: { firstName: 'Intrus', lastName: family.name } }),
      })
      .returning('id');

    const decision = t.runtime.services.requestQueue.decideRequests(family.commune, staff, [known!, unknown], { accept: true });
    await expect(decision).rejects.toThrow(UnknownRequestTypeError);
    await expect(decision).rejects.toThrow(/quotient_familial/);

    const rows = await t.runtime.db('requests').whereIn('id', [known!, unknown]).orderBy('id');
    expect(rows.map((row) => row.status)).toEqual(['pending', 'pending']);
    expect((await t.runtime.db('members').where({ id: family.childId }).first()).school_level).toBe('CE2');
    expect(await t.runtime.db('members').where({ family_id: family.familyId, first_name: 'Intrus' })).toHaveLength(0);
    expect(await t.runtime.db('audit_log').where({ entity: 'request' }).whereIn('entity_id', [known!, unknown])).toHaveLength(0);
    expect(await countMailsTo(t, guardian.email, 'request_accepted')).toBe(0);
  });
});
