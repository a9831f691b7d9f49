import type { Commune } from '../../data/commune-repository.ts';
import type { MailThrottle } from '../../integrations/mail-throttle.ts';

/** A request for mail refused by the throttle: nothing was sent or written; the same whatever the address. */
export interface Throttled {
  throttled: true;
  retryAfterSeconds: number;
}

/** Counts the requests that make the portal mail someone (links, self-registration), per address and per source. */
export function mailRequests(mailThrottle: MailThrottle) {
  return {
    /** Counts a request for mail to `address` from `source` (the client's IP); refused over the limits. */
    async admit(commune: Commune, address: string, source: string | null): Promise<Throttled | undefined> {
      const verdict = await mailThrottle.consume({ communeId: commune.id, address, ip: source });
      return verdict.allowed ? undefined : { throttled: true, retryAfterSeconds: verdict.retryAfterSeconds };
    },
  };
}

export type MailRequests = ReturnType<typeof mailRequests>;
