import * as cheerio from 'cheerio';
import type request from 'supertest';
import { addChild, freshFamily, type FreshFamily } from './fresh-family.ts';
import { csrfTokenFrom, type TestApp } from './test-app.ts';

export interface FamilyWithChild extends FreshFamily {
  childId: number;
  /** Activity ids by code, for the activities the child is registered to (validated). */
  activities: Record<string, number>;
}

/**
 * A family of its own with one child holding validated registrations for 2026-2027 to the given
 * activities, written as staff validation leaves them (reference from the commune's counter).
 */
export async function familyWithChild(
  t: TestApp,
  slug: string,
  codes: string[],
  { prefix = 'Robin', firstName = 'Jade' }: { prefix?: string; firstName?: string } = {},
): Promise<FamilyWithChild> {
  const family = await freshFamily(t, slug, { prefix });
  const { repositories } = t.runtime;
  const communeId = family.commune.id;
  const childId = await addChild(t, family, firstName);
  const agent = await repositories.users.findByEmail(communeId, `agent@${slug}.example.org`);
  const activities: Record<string, number> = {};
  for (const code of codes) {
    const activity = await repositories.activities.findByCode(communeId, code);
    if (!activity) throw new Error(`no activity ${code} at ${slug}`);
    activities[code] = activity.id;
    await repositories.db.transaction(async (trx) => {
      const id = await repositories.registrations.insert(
        communeId,
        { familyId: family.familyId, memberId: childId, activityId: activity.id, schoolYear: '2026-2027', startsOn: '2026-09-01', endsOn: '2027-07-02', requestId: null, createdAt: t.clock.now() },
        trx,
      );
      const number = await repositories.counters.next(communeId, 'registration', 2026, trx);
      await repositories.registrations.recordDecision(
        communeId,
        id,
        { status: 'validated', reference: `INS-2026-${String(number).padStart(5, '0')}`, decidedBy: agent!.id, decidedAt: t.clock.now(), reason: null },
        trx,
      );
    });
  }
  return { ...family, childId, activities };
}

export const cell = (activityId: number, day: string) => `${activityId}:${day}`;

/** Posts a week as the grid's form does: the ticked cells, and those ticked when the page was drawn. */
export async function postWeek(
  agent: request.Agent,
  slug: string,
  childId: number,
  week: string,
  jours: string[],
  { avant = '', csrf }: { avant?: string | null; csrf?: string } = {},
) {
  const _csrf = csrf ?? (await csrfTokenFrom(agent, `/${slug}/reservations/${childId}?semaine=${week}`));
  const body: Record<string, unknown> = { _csrf, semaine: week, jours };
  if (avant !== null) body.avant = avant;
  return agent.post(`/${slug}/reservations/${childId}`).type('form').send(body);
}

/** The grid's cells as the page shows them: by checkbox value or by day and activity. */
export function cellsOf(page: string) {
  const $ = cheerio.load(page);
  return $('.week-day')
    .map((_, day) =>
      $(day)
        .find('.cell')
        .map((__, li) => ({
          day: $(day).find('.week-day__title').text().replace(/\s+/g, ' ').trim(),
          state: /cell--(\w+)/.exec($(li).attr('class') ?? '')?.[1],
          activity: $(li).find('.cell__activity').text().trim(),
          text: $(li).find('.cell__state').text().replace(/\s+/g, ' ').trim(),
          reason: $(li).find('.cell__reason').text().trim(),
          value: $(li).find('input[type="checkbox"]').attr('value'),
          checked: $(li).find('input[type="checkbox"]').is(':checked'),
        }))
        .get(),
    )
    .get();
}
