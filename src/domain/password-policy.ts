export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** A rule a new password breaks; `src/i18n/password-words.ts` says it in French. */
export type PasswordProblem =
  | { code: 'too_short'; length: number; minimum: number }
  | { code: 'too_long'; maximum: number }
  | { code: 'personal' }
  | { code: 'repetitive' };

/** The rules a new password breaks (empty when it is acceptable). */
export function passwordProblems(password: string, personal: { email?: string; identifier?: string } = {}): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) problems.push({ code: 'too_short', length, minimum: MIN_PASSWORD_LENGTH });
  if (length > MAX_PASSWORD_LENGTH) problems.push({ code: 'too_long', maximum: MAX_PASSWORD_LENGTH });
  const lowered = password.toLowerCase();
  const personalValues = [personal.email, personal.identifier, personal.email?.split('@')[0]]
    .filter((value): value is string => Boolean(value && value.length >= 4))
    .map((value) => value.toLowerCase());
  if (personalValues.some((value) => lowered.includes(value))) problems.push({ code: 'personal' });
  if (length >= MIN_PASSWORD_LENGTH && new Set(password).size <= 2) problems.push({ code: 'repetitive' });
  return problems;
}
