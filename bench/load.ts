import autocannon from 'autocannon';
import { percentile } from './pages.ts';

/** One request of a flow: built from the flow's context, its answer read back into it. */
export interface Step<C> {
  request(context: C): { method: 'GET' | 'POST'; path: string; body?: string; cookie?: string; from?: string };
  /** Reads the answer; returns false when it is not what a browser expected (counted as a failure). */
  check(context: C, status: number, body: string, headers: Record<string, string | string[] | undefined>): boolean;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50: number | undefined;
  p99: number | undefined;
  /** Answers a browser would not expect (wrong status, missing form), and connection errors. */
  failures: number;
  errors: number;
  /** Flows whose last step was answered (a flow cut short is a person not served). */
  completedFlows: number;
  latencies: number[];
}

interface LoadOptions<C> {
  url: string;
  connections: number;
  /** For a fixed time… */
  seconds?: number;
  /** …or each connection runs the flow this many times then stops. */
  flowsPerConnection?: number;
  /** A new context each time a connection starts the flow. */
  start(): C;
  steps: Step<C>[];
}

/**
 * Runs a flow of requests on autocannon: each connection plays one person going through the
 * steps, with their own cookie, as a browser would (autocannon keeps a context per connection and
 * starts it again at the first step). Latencies are kept for exact percentiles over several runs.
 */
export function load<C extends object>(options: LoadOptions<C>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let completedFlows = 0;
  const last = options.steps.length - 1;
  const requests = options.steps.map((step, index) => ({
    setupRequest: (request: autocannon.Request, raw: object) => {
      const holder = raw as { flow?: C };
      if (index === 0 || !holder.flow) holder.flow = options.start();
      const built = step.request(holder.flow);
      request.method = built.method;
      request.path = built.path;
      request.headers = {
        ...(built.cookie ? { cookie: built.cookie } : {}),
        // The person's own address, as the reverse proxy in front of the app would pass it on.
        ...(built.from ? { 'x-forwarded-for': built.from } : {}),
        ...(built.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      };
      request.body = built.body ?? '';
      return request;
    },
    onResponse: (status: number, body: string, raw: object, headers?: autocannon.Request['headers']) => {
      const holder = raw as { flow?: C };
      const read = (headers ?? {}) as Record<string, string | string[] | undefined>;
      if (index === last) completedFlows += 1;
      if (!holder.flow || !step.check(holder.flow, status, body, read)) {
        failures += 1;
        // BENCH_DEBUG=1: the first answers that were not what a browser expected.
        if (process.env.BENCH_DEBUG && failures <= 3) console.error(`step ${index}: ${status} ${JSON.stringify(read)} ${body.slice(0, 300)}`);
      }
    },
  }));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        // `amount` (not maxConnectionRequests, which autocannon's default 10 s duration would cut
        // short): exactly that many requests per connection, however long they take.
        ...(options.seconds
          ? { duration: options.seconds }
          : { amount: options.connections * (options.flowsPerConnection ?? 1) * options.steps.length }),
        requests,
        timeout: 120,
        // Seconds of queueing are what the rush is about: no retry, no pipelining.
        pipelining: 1,
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (Date.now() - started) / 1000;
        const errors = result.errors + result.timeouts;
        resolve({
          requests: latencies.length,
          seconds,
          perSecond: latencies.length / (options.seconds ?? seconds),
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
          failures,
          errors,
          completedFlows,
          latencies,
        });
      },
    );
    // autocannon 9's tracker event: (client, statusCode, bytes, responseTime in ms).
    (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, time: number) => latencies.push(time));
  });
}
