import type { Executor } from './database.ts';
import type { News, NewsInput } from '../model/news.ts';
export type { News, NewsInput } from '../model/news.ts';

interface NewsRow {
  id: number;
  commune_id: number;
  title: string;
  body: string;
  published_on: string;
  ends_on: string | null;
  created_by: number;
  created_at: Date;
}

const toNews = (row: NewsRow): News => ({
  id: row.id,
  communeId: row.commune_id,
  title: row.title,
  body: row.body,
  publishedOn: row.published_on,
  endsOn: row.ends_on,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

const toColumns = (input: NewsInput) => ({
  title: input.title,
  body: input.body,
  published_on: input.publishedOn,
  ends_on: input.endsOn,
});

/** The commune's news, published by staff (DESIGN §8) and shown to families (§6). */
export function newsRepository(db: Executor) {
  return {
    async insert(communeId: number, news: NewsInput & { createdBy: number; createdAt: Date }, executor: Executor = db): Promise<number> {
      const [row] = await executor('news')
        .insert({ commune_id: communeId, ...toColumns(news), created_by: news.createdBy, created_at: news.createdAt })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    async find(communeId: number, newsId: number, executor: Executor = db): Promise<News | undefined> {
      const row = await executor<NewsRow>('news').where({ commune_id: communeId, id: newsId }).first();
      return row && toNews(row);
    },

    /** Locks a news item for its change, so two agents' edits are audited one after the other. */
    async lock(communeId: number, newsId: number, executor: Executor): Promise<News | undefined> {
      const row = await executor<NewsRow>('news').where({ commune_id: communeId, id: newsId }).forUpdate().first();
      return row && toNews(row);
    },

    async update(communeId: number, newsId: number, news: NewsInput, executor: Executor = db) {
      await executor('news').where({ commune_id: communeId, id: newsId }).update(toColumns(news));
    },

    async remove(communeId: number, newsId: number, executor: Executor = db) {
      await executor('news').where({ commune_id: communeId, id: newsId }).delete();
    },

    /** Every news item, for staff: the latest publication date first. */
    async listAll(communeId: number, executor: Executor = db): Promise<News[]> {
      const rows = await executor<NewsRow>('news')
        .where({ commune_id: communeId })
        .orderBy('published_on', 'desc')
        .orderBy('id', 'desc')
        .limit(500);
      return rows.map(toNews);
    },

    /** What families see on `today` (a Paris calendar day): published on or before it, not ended. */
    async listCurrent(communeId: number, today: string, limit: number, executor: Executor = db): Promise<News[]> {
      const rows = await executor<NewsRow>('news')
        .where({ commune_id: communeId })
        .andWhere('published_on', '<=', today)
        .andWhere((query) => query.whereNull('ends_on').orWhere('ends_on', '>=', today))
        .orderBy('published_on', 'desc')
        .orderBy('id', 'desc')
        .limit(limit);
      return rows.map(toNews);
    },
  };
}

export type NewsRepository = ReturnType<typeof newsRepository>;
