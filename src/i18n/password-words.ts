import type { PasswordProblem } from '../domain/password-policy.ts';

/** « Le mot de passe doit contenir au moins 12 caractères (5 saisis) » */
export function passwordProblemWords(problem: PasswordProblem): string {
  switch (problem.code) {
    case 'too_short':
      return `Le mot de passe doit contenir au moins ${problem.minimum} caractères (${problem.length} saisis)`;
    case 'too_long':
      return `Le mot de passe doit contenir au plus ${problem.maximum} caractères`;
    case 'personal':
      return 'Le mot de passe ne doit pas contenir votre identifiant ni votre adresse e-mail';
    case 'repetitive':
      return 'Le mot de passe ne doit pas répéter un ou deux caractères seulement';
  }
}
