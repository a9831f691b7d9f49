import { z } from 'zod';
import { StartupError } from '../startup-failure.ts';
import { decodeDataKey, splitOldKeys } from './data-keys.ts';

const booleanish = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** Every environment variable the app reads; `.env.example` documents each of them. */
const envSchema = z
  .object({
    // Unset means a deployment: development (demo data, the mailbox page) is asked for explicitly,
    // as `npm start` does for a newcomer's machine.
    NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    // Default: every interface in production, this machine only (loopback) otherwise.
    HOST: z.string().min(1).optional(),
    DATABASE_URL: z.string().url().optional(),
    DATA_DIR: z.string().default('.data'),
    SESSION_SECRET: z.string().min(32, 'SESSION_SECRET doit faire au moins 32 caractères').optional(),
    // The key that encrypts bank details at rest (README « Bank details »); required in production,
    // kept in DATA_DIR/data-encryption-key otherwise. The older keys only decrypt, until `npm run rotate-key`.
    DATA_ENCRYPTION_KEY: z
      .string()
      .refine((text) => decodeDataKey(text) !== undefined, '32 octets aléatoires, en base64 (44 caractères) ou en hexadécimal (64 caractères)')
      .optional(),
    DATA_ENCRYPTION_OLD_KEYS: z
      .string()
      .refine((text) => splitOldKeys(text).every((key) => decodeDataKey(key) !== undefined), 'des clés de 32 octets en base64 ou en hexadécimal, séparées par des virgules')
      .optional(),
    PUBLIC_URL: z.string().url().optional(),
    FAKE_NOW: z.iso.datetime({ offset: true }).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: booleanish.default(false),
    SEED_DEMO_DATA: booleanish.optional(),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'smtp://… or smtps://…').optional(),
    SMTP_FROM: z.string().min(3).default('Espace Famille <no-reply@espace-famille.localhost>'),
    MAIL_WORKER: booleanish.default(true),
    // PayFiP's SOAP endpoint (https://www.payfip.gouv.fr/tpa/services/securite). No default: outside
    // production, unset means the local PayFiP simulator (src/integrations/payfip/payfip-simulator.ts).
    PAYFIP_URL: z.url({ protocol: /^https?$/, error: 'http(s) URL of the PayFiP SOAP endpoint' }).optional(),
    MAIL_POLL_MS: z.coerce.number().int().min(100).default(5_000),
    ARGON2_MEMORY_KIB: z.coerce.number().int().min(19_456).default(19_456),
    ARGON2_TIME_COST: z.coerce.number().int().min(2).default(2),
    ARGON2_PARALLELISM: z.coerce.number().int().min(1).default(1),
    // HTTP processes (node:cluster) sharing the port; 1: the app serves from this process.
    WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  })
  .superRefine((env, ctx) => {
    if (env.SEED_DEMO_DATA && (env.NODE_ENV === 'production' || !isLoopback(hostOf(env)))) {
      ctx.addIssue({
        code: 'custom',
        path: ['SEED_DEMO_DATA'],
        message: 'the demo accounts have published passwords: only with NODE_ENV=development and a loopback HOST (127.0.0.1)',
      });
    }
    if (env.NODE_ENV === 'production') {
      if (!env.SESSION_SECRET) ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'required in production' });
      if (!env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'required in production' });
      if (!env.SMTP_URL) ctx.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'required in production' });
      if (!env.PUBLIC_URL) ctx.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: 'required in production (links in e-mails)' });
      if (!env.DATA_ENCRYPTION_KEY) {
        ctx.addIssue({ code: 'custom', path: ['DATA_ENCRYPTION_KEY'], message: 'required in production (it encrypts the families\' bank details; see README « Bank details »)' });
      }
      if (env.PAYFIP_URL && !env.PAYFIP_URL.startsWith('https://')) {
        ctx.addIssue({ code: 'custom', path: ['PAYFIP_URL'], message: 'https only in production (payment results travel on it)' });
      }
    }
  });

export type Env = Omit<z.infer<typeof envSchema>, 'HOST'> & { HOST: string };

function hostOf(env: Pick<z.infer<typeof envSchema>, 'NODE_ENV' | 'HOST'>): string {
  return env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1');
}

/** 127.0.0.0/8, ::1 and localhost: an address only this machine reaches. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || /^::ffff:127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * What only a developer's own machine may have: demo accounts with published passwords, and the
 * mailbox page showing every commune's mails (reset links included). Both need an explicit
 * development (or test) mode and a loopback address; the mailbox also needs mails not to leave
 * through SMTP (then there is nothing to show).
 */
export function developmentTools(env: Pick<Env, 'NODE_ENV' | 'HOST' | 'SMTP_URL' | 'SEED_DEMO_DATA'>): { demoData: boolean; devMailbox: boolean } {
  const ownMachine = env.NODE_ENV !== 'production' && isLoopback(env.HOST);
  return { demoData: ownMachine && env.SEED_DEMO_DATA !== false, devMailbox: ownMachine && !env.SMTP_URL };
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new StartupError(`Variables d'environnement invalides : ${lines.join(' ; ')}. Corrigez-les (elles sont expliquées dans .env.example), puis relancez.`);
  }
  return { ...result.data, HOST: hostOf(result.data) };
}
