import { parseEnv, type Env } from '../../src/config/env.ts';

/** The environment tests run the app with: quiet logs, OWASP-minimum argon2 cost. */
export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...overrides });
}
