import type { Clock } from '../../domain/clock.ts';
import type { Repositories } from '../../data/index.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import type { SendThrottle } from '../../integrations/send-throttle.ts';
import { messageService } from './message-service.ts';
import { newsService } from './news-service.ts';

/** What the service tells families: news for everyone, messages to one family. */
export function communicationServices(repositories: Repositories, clock: Clock, mail: MailRenderer, sendThrottle: SendThrottle) {
  return {
    news: newsService(repositories, clock),
    messages: messageService(repositories, clock, mail, sendThrottle),
  };
}
