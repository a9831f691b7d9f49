import type { Executor } from './database.ts';
import { messageRepository } from './message-repository.ts';
import { newsRepository } from './news-repository.ts';

/**
 * What the service tells families: news for everyone, messages to one family. Grouped so the
 * composition root takes them in one line.
 */
export function communicationRepositories(db: Executor) {
  return {
    news: newsRepository(db),
    messages: messageRepository(db),
  };
}
