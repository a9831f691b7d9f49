import { parseEnv, type Env } from '../../src/config/env.ts';

/** The data encryption key of every test run (32 bytes, base64): fixed, so every suite reads what another wrote. */
export const TEST_DATA_KEY = 'dGVzdC1kYXRhLWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=';

/** The environment tests run the app with: quiet logs, OWASP-minimum argon2 cost. */
export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_ENCRYPTION_KEY: TEST_DATA_KEY, ...overrides });
}
