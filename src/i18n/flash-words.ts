/**
 * What a page says once a form did what was asked (the flash message after the redirect), for the
 * accounts, the family file, registrations, quotients and absences. Routes take their words here
 * (« codes in, words out »); the outcomes that need a presenter (a run, a decision) have theirs.
 */
export const FLASH_WORDS = {
  // accounts
  signedIn: (person: { firstName: string; lastName: string }) => `Vous êtes connecté·e, ${person.firstName} ${person.lastName}.`,
  signedOut: 'Vous êtes déconnecté·e. À bientôt !',
  accountActivated: (identifier: string) => `Votre espace est activé. Connectez-vous avec votre identifiant ${identifier} et votre nouveau mot de passe.`,
  // The same answer whether or not an account exists.
  resetLinkMaybeSent:
    'Si un espace correspond à cet identifiant, un e-mail vient de lui être envoyé avec un lien valable une heure. Pensez à regarder dans vos courriers indésirables.',
  passwordReset: 'Votre nouveau mot de passe est enregistré. Vos connexions ouvertes ont été fermées : connectez-vous.',
  passwordChanged: 'Votre mot de passe est modifié. Vos autres connexions ouvertes ont été fermées.',
  emailConfirmed: (account: { email: string; identifier: string }, activationSent: boolean) =>
    `Votre adresse e-mail ${account.email} est confirmée : c'est désormais elle qui sert à vous connecter, avec votre identifiant ${account.identifier}.` +
    (activationSent ? " Votre espace n'est pas encore activé : un lien d'activation vient d'être envoyé à cette adresse." : ''),
  // the family file
  familyCreated: (familyName: string, reference: string, guardians: { email: string; identifier: string }[]) =>
    `Famille ${familyName} créée (dossier ${reference}). Lien d'activation envoyé à : ${guardians
      .map((guardian) => `${guardian.email} (identifiant ${guardian.identifier})`)
      .join(', ')}.`,
  staffQuotientSaved: 'Le quotient familial est enregistré.',
  // requests of the family
  registrationAsked: "Votre demande d'inscription est envoyée au service. Vous recevrez un e-mail à sa décision.",
  quotientDeclared: 'Votre déclaration de quotient familial est envoyée : le service vous répondra par e-mail.',
  absenceJustified: "Votre justification d'absence est envoyée : le service vous répondra par e-mail.",
} as const;
