import pino, { type Logger } from 'pino';

/**
 * Single-use links (activation, password reset, e-mail confirmation) carry a random token in their
 * path: a segment of 20 or more URL-safe characters with a capital, a digit or an underscore (our
 * French path words are lower case with hyphens). Query values of that shape are masked too.
 */
const SECRET_SEGMENT = /(?<=[/=])(?=[A-Za-z0-9_-]*[A-Z0-9_])[A-Za-z0-9_-]{20,}(?=$|[/?&#])/g;

export function maskUrlSecrets(url: string): string {
  return url.replace(SECRET_SEGMENT, '[masqué]');
}

interface SerializedRequest {
  url?: string;
  params?: unknown;
  query?: unknown;
  headers?: Record<string, unknown>;
}

/** pino-http's request serializer: the URL and the Referer without tokens, no route params. */
export function maskRequestSecrets<T extends SerializedRequest>(req: T): T {
  if (req.url) req.url = maskUrlSecrets(req.url);
  delete req.params;
  delete req.query;
  const referer = req.headers?.referer;
  if (typeof referer === 'string') req.headers = { ...req.headers, referer: maskUrlSecrets(referer) };
  return req;
}

/** One structured logger; secrets never reach it (DESIGN: no passwords, tokens or IBANs). */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
        '*.password',
        '*.motDePasse',
        '*.token',
        '*.iban',
      ],
      censor: '[masqué]',
    },
  });
}
