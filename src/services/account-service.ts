import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import { ValidationError } from '../domain/errors.ts';
import { baseIdentifier, uniqueIdentifier } from '../domain/identifier.ts';
import { passwordProblems } from '../domain/password-policy.ts';
import { addWorkingHours } from '../domain/working-hours.ts';
import type { Commune } from '../data/commune-repository.ts';
import type { Executor, Transaction } from '../data/database.ts';
import type { Repositories } from '../data/index.ts';
import type { TokenPurpose } from '../data/token-repository.ts';
import type { PendingActivation, User } from '../data/user-repository.ts';
import type { MailContent, MailRenderer } from '../integrations/mail/mail-renderer.ts';
import type { MailThrottle } from '../integrations/mail-throttle.ts';
import { formatDateTime } from '../i18n/format.ts';
import { formSubmissions, submissionOf } from './form-submissions.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { capitalise, theService } from '../i18n/service-name.ts';

const ACTIVATION_LINK_DAYS = 7;
const RESET_LINK_MINUTES = 60;

export interface GuardianInput {
  civility: 'madame' | 'monsieur';
  lastName: string;
  firstName: string;
  email: string;
  phone?: string | null;
  birthDate?: string | null;
}

export interface NewFamilyInput {
  /** The older portal's file number when importing; generated otherwise. */
  reference?: string;
  name: string;
  addressLine?: string | null;
  postcode?: string | null;
  city?: string | null;
  guardians: GuardianInput[];
}

export interface SelfRegistrationInput {
  civility: 'madame' | 'monsieur';
  lastName: string;
  birthName?: string | null;
  firstName: string;
  birthDate?: string | null;
  birthCountry?: string | null;
  birthDepartment?: string | null;
  birthCity?: string | null;
  addressLine?: string | null;
  postcode?: string | null;
  city?: string | null;
  phone?: string | null;
  email: string;
  preferredContact?: 'email' | 'telephone' | 'courrier' | null;
  password: string;
}

export type LinkState =
  | { state: 'valid'; user: User; expiresAt: Date }
  | { state: 'expired'; canRenew: boolean }
  | { state: 'used' }
  | { state: 'unknown' };

/** A request for mail refused by the throttle: nothing was sent or written; the same whatever the address. */
export interface Throttled {
  throttled: true;
  retryAfterSeconds: number;
}

/** `sent`: an expired link was replaced; `kept`: a valid link exists and was not replaced; `impossible`: nothing waits for a link. */
export type ActivationRenewal = { throttled: false; renewal: 'sent' | 'kept' | 'impossible' } | Throttled;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function referencePrefix(commune: Commune): string {
  return commune.slug.slice(0, 3).toUpperCase();
}

function fullName(person: { firstName: string; lastName: string }): string {
  return `${person.firstName} ${person.lastName}`;
}

export function accountService(repositories: Repositories, hasher: PasswordHasher, clock: Clock, mail: MailRenderer, mailThrottle: MailThrottle) {
  const { db, users, families, tokens, outbox, sessions, audit } = repositories;
  const forms = formSubmissions(repositories, clock);

  /** Counts a request for mail to `address` from `source` (the client's IP); refused over the limits. */
  async function throttle(commune: Commune, address: string, source: string | null): Promise<Throttled | undefined> {
    const verdict = await mailThrottle.consume({ communeId: commune.id, address, ip: source });
    return verdict.allowed ? undefined : { throttled: true, retryAfterSeconds: verdict.retryAfterSeconds };
  }

  async function queueMail(trx: Executor, commune: Commune, content: MailContent) {
    await outbox.enqueue(commune.id, mail.render(commune, content), clock.now(), trx);
  }

  async function issueToken(trx: Transaction, commune: Commune, userId: number, purpose: TokenPurpose, ttlMs: number) {
    const now = clock.now();
    await tokens.retireUnused(commune.id, userId, purpose, now, trx);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + ttlMs);
    await tokens.insert(commune.id, { userId, purpose, tokenHash: hashToken(token), expiresAt, createdAt: now }, trx);
    return { token, expiresAt };
  }

  async function queueActivationMail(trx: Transaction, commune: Commune, user: Pick<User, 'id' | 'email' | 'identifier' | 'firstName' | 'lastName'>) {
    const { token, expiresAt } = await issueToken(trx, commune, user.id, 'activation', ACTIVATION_LINK_DAYS * 86_400_000);
    await queueMail(trx, commune, {
      kind: 'activation',
      to: user.email,
      subject: 'Activez votre espace',
      greeting: `Bonjour ${fullName(user)},`,
      paragraphs: [
        `${capitalise(theService(commune.settings.contacts.service))} a ouvert votre espace sur le portail ${commune.settings.portalName} de la commune de ${commune.name}.`,
        `Votre identifiant : ${user.identifier} (vous pouvez aussi vous connecter avec votre adresse e-mail ${user.email}).`,
        `Pour activer votre espace, choisissez votre mot de passe avec le lien ci-dessous. Il ne sert qu'une fois et reste valable jusqu'au ${formatDateTime(expiresAt)}.`,
      ],
      action: { label: 'Choisir mon mot de passe', url: mail.link(commune, `/activation/${token}`) },
      afterAction: ["Si le lien a expiré, ouvrez-le quand même : la page vous proposera d'en recevoir un nouveau."],
    });
  }

  async function requirePasswordAcceptable(password: string, confirmation: string, person: { email: string; identifier: string }) {
    const errors = passwordProblems(password, person).map((message) => ({ field: 'motDePasse', message }));
    if (password !== confirmation) errors.push({ field: 'confirmation', message: 'Les deux mots de passe ne sont pas identiques' });
    if (errors.length) throw new ValidationError(errors.filter((e, i, all) => all.findIndex((o) => o.field === e.field) === i));
  }

  async function linkState(commune: Commune, purpose: TokenPurpose, token: string): Promise<LinkState> {
    const found = await tokens.findByHash(commune.id, purpose, hashToken(token));
    if (!found) return { state: 'unknown' };
    if (found.usedAt) return { state: 'used' };
    const user = await users.findById(commune.id, found.userId);
    if (!user) return { state: 'unknown' };
    if (found.expiresAt <= clock.now()) {
      return { state: 'expired', canRenew: purpose === 'activation' ? user.status === 'pending_activation' : true };
    }
    return { state: 'valid', user, expiresAt: found.expiresAt };
  }

  return {
    /** Staff or an import create a family and one account per guardian, each sent its activation link. */
    /** `formKey`: the staff form's one-time key; the same form posted twice creates one family. */
    async createFamilyWithGuardians(commune: Commune, input: NewFamilyInput, staff?: User, formKey?: string) {
      return forms.transaction(staff && submissionOf(commune, staff, 'new_family', formKey), async (trx) => {
        const emails = input.guardians.map((guardian) => guardian.email.trim().toLowerCase());
        const errors: { field: string; message: string }[] = [];
        if (new Set(emails).size !== emails.length) {
          errors.push({ field: 'courriel2', message: 'Chaque responsable doit avoir sa propre adresse e-mail' });
        }
        for (const [index, email] of emails.entries()) {
          if (await users.findByEmail(commune.id, email, trx)) {
            errors.push({ field: `courriel${index + 1}`, message: `Un compte existe déjà avec l'adresse ${email}` });
          }
        }
        if (input.reference && (await families.findByReference(commune.id, input.reference, trx))) {
          errors.push({ field: 'reference', message: `Le dossier ${input.reference} existe déjà` });
        }
        if (errors.length) throw new ValidationError(errors);

        const reference = input.reference ?? (await families.nextReference(commune.id, referencePrefix(commune), trx));
        const familyId = await families.insertFamily(
          commune.id,
          { reference, name: input.name, addressLine: input.addressLine, postcode: input.postcode, city: input.city },
          trx,
        );
        const created: { userId: number; identifier: string; email: string }[] = [];
        for (const guardian of input.guardians) {
          const memberId = await families.insertMember(
            commune.id,
            familyId,
            {
              role: 'guardian',
              civility: guardian.civility,
              lastName: guardian.lastName,
              birthName: null,
              firstName: guardian.firstName,
              birthDate: guardian.birthDate ?? null,
              email: guardian.email.trim(),
              phone: guardian.phone ?? null,
              school: null,
              schoolLevel: null,
              preferredContact: 'email',
            },
            trx,
          );
          const base = baseIdentifier(guardian.lastName, guardian.firstName);
          const identifier = uniqueIdentifier(base, await users.identifiersLike(commune.id, base, trx));
          const email = guardian.email.trim();
          const userId = await users.insert(
            commune.id,
            {
              role: 'parent',
              email,
              identifier,
              firstName: guardian.firstName,
              lastName: guardian.lastName,
              status: 'pending_activation',
              passwordHash: null,
              familyId,
              memberId,
            },
            trx,
          );
          await queueActivationMail(trx, commune, { id: userId, email, identifier, firstName: guardian.firstName, lastName: guardian.lastName });
          created.push({ userId, identifier, email });
        }
        if (staff) {
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: 'family_created',
              entity: 'family',
              entityId: familyId,
              familyId,
              after: { reference, name: input.name, guardians: created.map((guardian) => guardian.email) },
            },
            trx,
          );
        }
        return { familyId, reference, guardians: created };
      });
    },

    /** A new activation link, inside the caller's transaction (a confirmed change of address). */
    queueActivationLink: queueActivationMail,

    activationLinkState: (commune: Commune, token: string) => linkState(commune, 'activation', token),
    resetLinkState: (commune: Commune, token: string) => linkState(commune, 'password_reset', token),

    /** Sets the first password through the e-mailed link; the link works once. */
    async activate(commune: Commune, token: string, password: string, confirmation: string): Promise<User> {
      const state = await linkState(commune, 'activation', token);
      if (state.state !== 'valid') throw new ValidationError([{ field: 'motDePasse', message: "Ce lien d'activation n'est plus valable" }]);
      await requirePasswordAcceptable(password, confirmation, state.user);
      const passwordHash = await hasher.hash(password);
      return db.transaction(async (trx) => {
        const consumed = await tokens.consume(commune.id, 'activation', hashToken(token), clock.now(), trx);
        if (!consumed) throw new ValidationError([{ field: 'motDePasse', message: "Ce lien d'activation a déjà été utilisé" }]);
        await users.setPassword(commune.id, consumed.userId, passwordHash, clock.now(), true, trx);
        return (await users.findById(commune.id, consumed.userId, trx))!;
      });
    },

    /**
     * From an expired link: a new one, if the account still waits for its password and holds no link
     * still valid (a valid link is never replaced, so asking again cannot retire the one in the mailbox).
     */
    async renewActivationLink(commune: Commune, token: string, source: string | null): Promise<ActivationRenewal> {
      const found = await tokens.findByHash(commune.id, 'activation', hashToken(token));
      if (!found || found.usedAt) return { throttled: false, renewal: 'impossible' };
      const user = await users.findById(commune.id, found.userId);
      if (!user || user.status !== 'pending_activation') return { throttled: false, renewal: 'impossible' };
      const throttled = await throttle(commune, user.email, source);
      if (throttled) return throttled;
      return db.transaction(async (trx) => {
        if (await tokens.holdsLiveLink(commune.id, user.id, 'activation', clock.now(), trx)) return { throttled: false, renewal: 'kept' };
        await queueActivationMail(trx, commune, user);
        return { throttled: false, renewal: 'sent' };
      });
    },

    /**
     * « Créer mon espace »: the account waits for staff, who promise a decision within N working hours.
     * An address that already has an account gets exactly the same answer, so the form never tells
     * which addresses have one; its holder is told by e-mail instead, and nothing else is written.
     */
    async selfRegister(
      commune: Commune,
      input: SelfRegistrationInput,
      source: string | null,
    ): Promise<{ throttled: false; deadline: Date; identifier: string } | Throttled> {
      if (!commune.settings.features.selfRegistration) {
        throw new ValidationError([{ field: 'courriel', message: "La création d'espace en ligne n'est pas ouverte dans cette commune" }]);
      }
      const email = input.email.trim();
      const base = baseIdentifier(input.lastName, input.firstName);
      await requirePasswordAcceptable(input.password, input.password, { email, identifier: base });
      const throttled = await throttle(commune, email, source);
      if (throttled) return throttled;
      // Hashed for a taken address too, so the answer takes as long.
      const passwordHash = await hasher.hash(input.password);
      const now = clock.now();
      const deadline = addWorkingHours(now, commune.settings.signIn.activationDelayWorkingHours);

      const holder = await users.findByEmail(commune.id, email);
      if (holder) {
        const identifier = uniqueIdentifier(base, await users.identifiersLike(commune.id, base));
        await queueMail(db, commune, existingAccountMail(commune, holder, now));
        return { throttled: false, deadline, identifier };
      }

      return db.transaction(async (trx) => {
        const reference = await families.nextReference(commune.id, referencePrefix(commune), trx);
        const familyId = await families.insertFamily(
          commune.id,
          { reference, name: input.lastName, addressLine: input.addressLine, postcode: input.postcode, city: input.city },
          trx,
        );
        const memberId = await families.insertMember(
          commune.id,
          familyId,
          {
            role: 'guardian',
            civility: input.civility,
            lastName: input.lastName,
            birthName: input.birthName ?? null,
            firstName: input.firstName,
            birthDate: input.birthDate ?? null,
            email,
            phone: input.phone ?? null,
            school: null,
            schoolLevel: null,
            birthCountry: input.birthCountry,
            birthDepartment: input.birthDepartment,
            birthCity: input.birthCity,
            preferredContact: input.preferredContact ?? 'email',
          },
          trx,
        );
        const identifier = uniqueIdentifier(base, await users.identifiersLike(commune.id, base, trx));
        await users.insert(
          commune.id,
          {
            role: 'parent',
            email,
            identifier,
            firstName: input.firstName,
            lastName: input.lastName,
            status: 'pending_activation',
            passwordHash,
            familyId,
            memberId,
            activationRequestedAt: now,
            activationDeadline: deadline,
          },
          trx,
        );
        await queueMail(trx, commune, {
          kind: 'self_registration_received',
          to: email,
          subject: 'Votre demande de création d’espace est reçue',
          greeting: `Bonjour ${input.firstName} ${input.lastName},`,
          paragraphs: [
            `Votre demande de création d'espace sur le portail ${commune.settings.portalName} a bien été reçue le ${formatDateTime(now)}.`,
            `${capitalise(theService(commune.settings.contacts.service))} la traitera au plus tard le ${formatDateTime(deadline)} (${commune.settings.signIn.activationDelayWorkingHours} heures ouvrées, du lundi au vendredi hors jours fériés). Vous recevrez alors un e-mail.`,
            `Votre identifiant sera : ${identifier} (ou votre adresse e-mail). Vous ne pourrez vous connecter qu'après l'activation.`,
          ],
        });
        return { throttled: false as const, deadline, identifier };
      });
    },

    listPendingActivations(commune: Commune): Promise<PendingActivation[]> {
      return users.listPendingActivations(commune.id);
    },

    /** Staff activate or refuse self-registered accounts; each decision e-mails the person. */
    async decideActivations(
      commune: Commune,
      staff: User,
      userIds: number[],
      decision: { accept: true } | { accept: false; reason: string },
    ): Promise<{ decided: User[]; alreadyDecided: number[] }> {
      return db.transaction(async (trx) => {
        const decided: User[] = [];
        const alreadyDecided: number[] = [];
        for (const userId of userIds) {
          const user = await users.decideActivation(
            commune.id,
            userId,
            { status: decision.accept ? 'active' : 'refused', decidedBy: staff.id, reason: decision.accept ? null : decision.reason, now: clock.now() },
            trx,
          );
          if (!user) {
            alreadyDecided.push(userId);
            continue;
          }
          decided.push(user);
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: decision.accept ? 'account_activated' : 'account_refused',
              entity: 'user',
              entityId: user.id,
              familyId: user.familyId,
              before: { status: 'pending_activation' },
              after: { status: decision.accept ? 'active' : 'refused', reason: decision.accept ? null : decision.reason },
            },
            trx,
          );
          await queueMail(
            trx,
            commune,
            decision.accept
              ? {
                  kind: 'activation_accepted',
                  to: user.email,
                  subject: 'Votre espace est activé',
                  greeting: `Bonjour ${fullName(user)},`,
                  paragraphs: [
                    `${capitalise(theService(commune.settings.contacts.service))} a activé votre espace. Vous pouvez vous connecter dès maintenant avec votre identifiant ${user.identifier} (ou votre adresse e-mail) et le mot de passe choisi lors de votre demande.`,
                  ],
                  action: { label: 'Me connecter', url: mail.link(commune, '/connexion') },
                }
              : {
                  kind: 'activation_refused',
                  to: user.email,
                  subject: 'Votre demande de création d’espace',
                  greeting: `Bonjour ${fullName(user)},`,
                  paragraphs: [
                    `${capitalise(theService(commune.settings.contacts.service))} n'a pas pu activer votre espace, pour la raison suivante : ${decision.reason}`,
                    'Pour toute question, contactez le service aux coordonnées ci-dessous.',
                  ],
                },
          );
        }
        return { decided, alreadyDecided };
      });
    },

    /**
     * Same outcome whether or not the login names an account; only a real, active account gets a
     * link. Counted per login typed and per source, whether or not an account exists.
     */
    async requestPasswordReset(commune: Commune, login: string, source: string | null): Promise<{ throttled: false } | Throttled> {
      const throttled = await throttle(commune, login, source);
      if (throttled) return throttled;
      const account = await users.findByLogin(commune.id, login);
      if (!account || account.status !== 'active') return { throttled: false };
      await db.transaction(async (trx) => {
        const { token, expiresAt } = await issueToken(trx, commune, account.id, 'password_reset', RESET_LINK_MINUTES * 60_000);
        await queueMail(trx, commune, {
          kind: 'password_reset',
          to: account.email,
          subject: 'Réinitialisation de votre mot de passe',
          greeting: `Bonjour ${fullName(account)},`,
          paragraphs: [
            `Vous avez demandé à changer le mot de passe de votre espace (identifiant ${account.identifier}).`,
            `Le lien ci-dessous ne sert qu'une fois et reste valable une heure, jusqu'au ${formatDateTime(expiresAt)}.`,
          ],
          action: { label: 'Choisir un nouveau mot de passe', url: mail.link(commune, `/mot-de-passe/${token}`) },
          afterAction: ["Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé."],
        });
      });
      return { throttled: false };
    },

    /** Sets a new password through a reset link and closes every open session of the account. */
    async resetPassword(commune: Commune, token: string, password: string, confirmation: string): Promise<User> {
      const state = await linkState(commune, 'password_reset', token);
      if (state.state !== 'valid') throw new ValidationError([{ field: 'motDePasse', message: "Ce lien n'est plus valable" }]);
      await requirePasswordAcceptable(password, confirmation, state.user);
      const passwordHash = await hasher.hash(password);
      return db.transaction(async (trx) => {
        const consumed = await tokens.consume(commune.id, 'password_reset', hashToken(token), clock.now(), trx);
        if (!consumed) throw new ValidationError([{ field: 'motDePasse', message: 'Ce lien a déjà été utilisé' }]);
        await users.setPassword(commune.id, consumed.userId, passwordHash, clock.now(), false, trx);
        await sessions.closeOtherSessions(commune.id, consumed.userId, null, trx);
        const user = (await users.findById(commune.id, consumed.userId, trx))!;
        await queuePasswordChangedMail(trx, commune, user);
        return user;
      });
    },

    /** Change of password by the signed-in person; their other sessions are closed, this one stays. */
    async changePassword(
      commune: Commune,
      user: User,
      input: { current: string; password: string; confirmation: string },
      currentSessionId: string,
    ): Promise<void> {
      const account = await users.findByLogin(commune.id, user.email);
      const check = account?.passwordHash ? await hasher.verify(account.passwordHash, input.current) : { valid: false };
      if (!check.valid) throw new ValidationError([{ field: 'motDePasseActuel', message: 'Le mot de passe actuel est incorrect' }]);
      if (input.password === input.current) {
        throw new ValidationError([{ field: 'motDePasse', message: "Le nouveau mot de passe doit être différent de l'actuel" }]);
      }
      await requirePasswordAcceptable(input.password, input.confirmation, user);
      const passwordHash = await hasher.hash(input.password);
      await db.transaction(async (trx) => {
        await users.setPassword(commune.id, user.id, passwordHash, clock.now(), false, trx);
        await sessions.closeOtherSessions(commune.id, user.id, currentSessionId, trx);
        await queuePasswordChangedMail(trx, commune, user);
      });
    },
  };

  async function queuePasswordChangedMail(trx: Transaction, commune: Commune, user: User) {
    await queueMail(trx, commune, {
      kind: 'password_changed',
      to: user.email,
      subject: 'Votre mot de passe a été modifié',
      greeting: `Bonjour ${fullName(user)},`,
      paragraphs: [
        `Le mot de passe de votre espace (identifiant ${user.identifier}) a été modifié le ${formatDateTime(clock.now())}. Vos autres connexions ouvertes ont été fermées.`,
        `Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre ${theService(commune.settings.contacts.service)}.`,
      ],
    });
  }

  /** To the holder of an address someone tried to open a new space with: what to do instead. */
  function existingAccountMail(commune: Commune, holder: User, triedAt: Date): MailContent {
    const content: MailContent = {
      kind: 'self_registration_existing_account',
      to: holder.email,
      subject: 'Demande de création d’espace avec votre adresse',
      greeting: `Bonjour ${fullName(holder)},`,
      paragraphs: [
        `Le ${formatDateTime(triedAt)}, une demande de création d'espace a été faite sur le portail ${commune.settings.portalName} avec votre adresse e-mail ${holder.email}. Vous avez déjà un espace à cette adresse (identifiant ${holder.identifier}) : aucun autre espace n'a été créé, et le vôtre n'a pas changé.`,
      ],
      afterAction: ["Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : personne ne peut entrer dans votre espace sans votre mot de passe."],
    };
    const service = theService(commune.settings.contacts.service);
    if (holder.status === 'active') {
      content.paragraphs.push(
        "Si c'est vous, vous n'avez pas besoin d'un nouvel espace : connectez-vous avec votre identifiant ou votre adresse e-mail.",
        `Si vous avez oublié votre mot de passe, choisissez-en un nouveau avec « Mot de passe oublié » : ${mail.link(commune, '/mot-de-passe-oublie')}`,
      );
      content.action = { label: 'Me connecter', url: mail.link(commune, '/connexion') };
    } else if (holder.status === 'pending_activation' && holder.activationDeadline) {
      content.paragraphs.push(
        `Si c'est vous, votre première demande est en cours : ${service} la traitera au plus tard le ${formatDateTime(holder.activationDeadline)}, et vous recevrez alors un e-mail.`,
      );
    } else if (holder.status === 'pending_activation') {
      content.paragraphs.push(
        "Si c'est vous, choisissez le mot de passe de votre espace avec le lien d'activation reçu par e-mail. S'il a expiré, ouvrez-le quand même : la page vous proposera d'en recevoir un nouveau.",
      );
    } else {
      content.paragraphs.push(`Si c'est vous, contactez ${service} aux coordonnées ci-dessous.`);
    }
    return content;
  }
}

export type AccountService = ReturnType<typeof accountService>;
