import pino, { type Logger } from 'pino';

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
