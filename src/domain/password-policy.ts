export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

/** The rules a new password breaks, each as a French sentence (empty when it is acceptable). */
export function passwordProblems(password: string, personal: { email?: string; identifier?: string } = {}): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    problems.push(`Le mot de passe doit contenir au moins ${MIN_PASSWORD_LENGTH} caractères (${length} saisis)`);
  }
  if (length > MAX_PASSWORD_LENGTH) {
    problems.push(`Le mot de passe doit contenir au plus ${MAX_PASSWORD_LENGTH} caractères`);
  }
  const lowered = password.toLowerCase();
  const personalValues = [personal.email, personal.identifier, personal.email?.split('@')[0]]
    .filter((value): value is string => Boolean(value && value.length >= 4))
    .map((value) => value.toLowerCase());
  if (personalValues.some((value) => lowered.includes(value))) {
    problems.push('Le mot de passe ne doit pas contenir votre identifiant ni votre adresse e-mail');
  }
  if (length >= MIN_PASSWORD_LENGTH && new Set(password).size <= 2) {
    problems.push('Le mot de passe ne doit pas répéter un ou deux caractères seulement');
  }
  return problems;
}
