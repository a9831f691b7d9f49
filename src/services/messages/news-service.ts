import type { Clock } from '../../domain/clock.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Executor } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { News, NewsInput } from '../../data/news-repository.ts';
import type { User } from '../../data/user-repository.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';

/** Enough for a dashboard or a home page; older items stay in the back-office list. */
export const NEWS_SHOWN_TO_FAMILIES = 10;

const auditedFields = ({ title, body, publishedOn, endsOn }: NewsInput) => ({ title, body, publishedOn, endsOn });

/** News staff publish in the back-office (DESIGN §8), shown to families on their current days (§6). */
export function newsService(repositories: Repositories, clock: Clock) {
  const { news, audit } = repositories;
  const forms = formSubmissions(repositories, clock);

  function requireFeature(commune: Commune) {
    if (!commune.settings.features.news) throw new NotFoundError(`news are off in ${commune.slug}`);
  }

  async function lockOrFail(communeId: number, newsId: number, trx: Executor): Promise<News> {
    const item = await news.lock(communeId, newsId, trx);
    if (!item) throw new NotFoundError(`news ${newsId} not in commune ${communeId}`);
    return item;
  }

  /** Today's Paris calendar day, 'YYYY-MM-DD': the day news are published and end on. */
  const today = (): string => parisDay(clock.now());

  return {
    today,

    /** What families see today; nothing where the commune has switched news off. */
    async current(commune: Commune): Promise<News[]> {
      if (!commune.settings.features.news) return [];
      return news.listCurrent(commune.id, today(), NEWS_SHOWN_TO_FAMILIES);
    },

    async listForStaff(commune: Commune): Promise<News[]> {
      requireFeature(commune);
      return news.listAll(commune.id);
    },

    async get(commune: Commune, newsId: number): Promise<News> {
      requireFeature(commune);
      const item = await news.find(commune.id, newsId);
      if (!item) throw new NotFoundError(`news ${newsId} not in commune ${commune.id}`);
      return item;
    },

    /** `formKey`: the form's one-time key; the same form posted twice publishes once. */
    async publish(commune: Commune, staff: User, input: NewsInput, formKey?: string): Promise<number> {
      requireFeature(commune);
      return forms.transaction(submissionOf(commune, staff, 'news_publish', formKey), async (trx) => {
        const newsId = await news.insert(commune.id, { ...input, createdBy: staff.id, createdAt: clock.now() }, trx);
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: clock.now(),
            action: 'news_published',
            entity: 'news',
            entityId: newsId,
            familyId: null,
            before: null,
            after: auditedFields(input),
          },
          trx,
        );
        return newsId;
      });
    },

    /** `formKey`: the form's one-time key; posted twice, the change is made and audited once. */
    async update(commune: Commune, staff: User, newsId: number, input: NewsInput, formKey?: string): Promise<void> {
      requireFeature(commune);
      await forms.transaction(submissionOf(commune, staff, 'news_update', formKey), async (trx) => {
        const before = await lockOrFail(commune.id, newsId, trx);
        await news.update(commune.id, newsId, input, trx);
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: clock.now(),
            action: 'news_updated',
            entity: 'news',
            entityId: newsId,
            familyId: null,
            before: auditedFields(before),
            after: auditedFields(input),
          },
          trx,
        );
      });
    },

    /**
     * Answers what was removed. `formKey`: the form's one-time key; posted twice, the second answer
     * is the first's (« supprimée »), not an unknown item.
     */
    async remove(commune: Commune, staff: User, newsId: number, formKey?: string): Promise<Pick<News, 'id' | 'title'>> {
      requireFeature(commune);
      return forms.transaction(submissionOf(commune, staff, 'news_remove', formKey), async (trx) => {
        const before = await lockOrFail(commune.id, newsId, trx);
        await news.remove(commune.id, newsId, trx);
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: clock.now(),
            action: 'news_removed',
            entity: 'news',
            entityId: newsId,
            familyId: null,
            before: auditedFields(before),
            after: null,
          },
          trx,
        );
        return { id: before.id, title: before.title };
      });
    },
  };
}

export type NewsService = ReturnType<typeof newsService>;
