import type { Commune } from '../../model/commune.ts';
import type { EmailChangeOrigin, User } from '../../model/user.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { greeting, serviceOf, serviceOfCapitalised, type PortalLinks } from '../mail.ts';

/** Who an account mail is written to. */
export type MailAccount = Pick<User, 'email' | 'identifier' | 'firstName' | 'lastName'>;

/** A single-use link sent by mail: the token goes in the path, the expiry in the words. */
export interface MailedLink {
  token: string;
  expiresAt: Date;
}

/**
 * The e-mails of accounts: activation, self-registration and its decision, passwords, change of
 * sign-in address. Each returns what the renderer signs and lays out; nothing here is sent.
 */
export function accountMails(links: PortalLinks) {
  return {
    /** Staff or an import opened the space: the person chooses a password with a single-use link. */
    activation(commune: Commune, account: MailAccount, link: MailedLink): MailContent {
      return {
        kind: 'activation',
        to: account.email,
        subject: 'Activez votre espace',
        greeting: greeting(account),
        paragraphs: [
          `${serviceOfCapitalised(commune)} a ouvert votre espace sur le portail ${commune.settings.portalName} de la commune de ${commune.name}.`,
          `Votre identifiant : ${account.identifier} (vous pouvez aussi vous connecter avec votre adresse e-mail ${account.email}).`,
          `Pour activer votre espace, choisissez votre mot de passe avec le lien ci-dessous. Il ne sert qu'une fois et reste valable jusqu'au ${formatDateTime(link.expiresAt)}.`,
        ],
        action: { label: 'Choisir mon mot de passe', url: links.link(commune, `/activation/${link.token}`) },
        afterAction: ["Si le lien a expiré, ouvrez-le quand même : la page vous proposera d'en recevoir un nouveau."],
      };
    },

    /** « Créer mon espace » was received: the deadline staff promise, and the identifier to come. */
    selfRegistrationReceived(
      commune: Commune,
      person: Pick<MailAccount, 'email' | 'firstName' | 'lastName'>,
      request: { identifier: string; receivedAt: Date; deadline: Date },
    ): MailContent {
      return {
        kind: 'self_registration_received',
        to: person.email,
        subject: 'Votre demande de création d’espace est reçue',
        greeting: greeting(person),
        paragraphs: [
          `Votre demande de création d'espace sur le portail ${commune.settings.portalName} a bien été reçue le ${formatDateTime(request.receivedAt)}.`,
          `${serviceOfCapitalised(commune)} la traitera au plus tard le ${formatDateTime(request.deadline)} (${commune.settings.signIn.activationDelayWorkingHours} heures ouvrées, du lundi au vendredi hors jours fériés). Vous recevrez alors un e-mail.`,
          `Votre identifiant sera : ${request.identifier} (ou votre adresse e-mail). Vous ne pourrez vous connecter qu'après l'activation.`,
        ],
      };
    },

    /** To the holder of an address someone tried to open a new space with: what to do instead. */
    existingAccount(commune: Commune, holder: MailAccount & Pick<User, 'status' | 'activationDeadline'>, triedAt: Date): MailContent {
      const content: MailContent = {
        kind: 'self_registration_existing_account',
        to: holder.email,
        subject: 'Demande de création d’espace avec votre adresse',
        greeting: greeting(holder),
        paragraphs: [
          `Le ${formatDateTime(triedAt)}, une demande de création d'espace a été faite sur le portail ${commune.settings.portalName} avec votre adresse e-mail ${holder.email}. Vous avez déjà un espace à cette adresse (identifiant ${holder.identifier}) : aucun autre espace n'a été créé, et le vôtre n'a pas changé.`,
        ],
        afterAction: ["Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : personne ne peut entrer dans votre espace sans votre mot de passe."],
      };
      const service = serviceOf(commune);
      if (holder.status === 'active') {
        content.paragraphs.push(
          "Si c'est vous, vous n'avez pas besoin d'un nouvel espace : connectez-vous avec votre identifiant ou votre adresse e-mail.",
          `Si vous avez oublié votre mot de passe, choisissez-en un nouveau avec « Mot de passe oublié » : ${links.link(commune, '/mot-de-passe-oublie')}`,
        );
        content.action = { label: 'Me connecter', url: links.link(commune, '/connexion') };
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
    },

    /** Staff activated a self-registered space. */
    activationAccepted(commune: Commune, account: MailAccount): MailContent {
      return {
        kind: 'activation_accepted',
        to: account.email,
        subject: 'Votre espace est activé',
        greeting: greeting(account),
        paragraphs: [
          `${serviceOfCapitalised(commune)} a activé votre espace. Vous pouvez vous connecter dès maintenant avec votre identifiant ${account.identifier} (ou votre adresse e-mail) et le mot de passe choisi lors de votre demande.`,
        ],
        action: { label: 'Me connecter', url: links.link(commune, '/connexion') },
      };
    },

    /** Staff refused a self-registered space, with their reason. */
    activationRefused(commune: Commune, account: MailAccount, reason: string): MailContent {
      return {
        kind: 'activation_refused',
        to: account.email,
        subject: 'Votre demande de création d’espace',
        greeting: greeting(account),
        paragraphs: [
          `${serviceOfCapitalised(commune)} n'a pas pu activer votre espace, pour la raison suivante : ${reason}`,
          'Pour toute question, contactez le service aux coordonnées ci-dessous.',
        ],
      };
    },

    /** « Mot de passe oublié »: a single-use link valid one hour. */
    passwordReset(commune: Commune, account: MailAccount, link: MailedLink): MailContent {
      return {
        kind: 'password_reset',
        to: account.email,
        subject: 'Réinitialisation de votre mot de passe',
        greeting: greeting(account),
        paragraphs: [
          `Vous avez demandé à changer le mot de passe de votre espace (identifiant ${account.identifier}).`,
          `Le lien ci-dessous ne sert qu'une fois et reste valable une heure, jusqu'au ${formatDateTime(link.expiresAt)}.`,
        ],
        action: { label: 'Choisir un nouveau mot de passe', url: links.link(commune, `/mot-de-passe/${link.token}`) },
        afterAction: ["Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé."],
      };
    },

    /** The password changed (reset or change when signed in): other sessions were closed. */
    passwordChanged(commune: Commune, account: MailAccount, changedAt: Date): MailContent {
      return {
        kind: 'password_changed',
        to: account.email,
        subject: 'Votre mot de passe a été modifié',
        greeting: greeting(account),
        paragraphs: [
          `Le mot de passe de votre espace (identifiant ${account.identifier}) a été modifié le ${formatDateTime(changedAt)}. Vos autres connexions ouvertes ont été fermées.`,
          `Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre ${serviceOf(commune)}.`,
        ],
      };
    },

    /** To the current address: a change of sign-in address was recorded and waits for its confirmation. */
    emailChangeRequested(
      commune: Commune,
      account: MailAccount,
      change: { newEmail: string; origin: EmailChangeOrigin; recordedAt: Date; expiresAt: Date },
    ): MailContent {
      const service = serviceOf(commune);
      return {
        kind: 'email_change_requested',
        to: account.email,
        subject: 'Changement de l’adresse e-mail de votre espace',
        greeting: greeting(account),
        paragraphs: [
          `${change.origin === 'self' ? `À votre demande, ${service}` : serviceOfCapitalised(commune)} a enregistré le ${formatDateTime(change.recordedAt)} le remplacement de l'adresse e-mail de votre espace (identifiant ${account.identifier}) par ${change.newEmail}.`,
          `Ce changement ne prendra effet qu'une fois la nouvelle adresse confirmée par le lien qui vient d'y être envoyé, valable jusqu'au ${formatDateTime(change.expiresAt)}. D'ici là, vous vous connectez toujours avec l'adresse ${account.email}.`,
        ],
        afterAction: [`Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre ${service} : personne d'autre ne doit recevoir les messages de votre espace.`],
      };
    },

    /** To the new address: the single-use link that makes it the sign-in address. */
    emailChangeConfirmation(commune: Commune, account: MailAccount, change: { newEmail: string; link: MailedLink; validDays: number }): MailContent {
      return {
        kind: 'email_change_confirmation',
        to: change.newEmail,
        subject: 'Confirmez votre nouvelle adresse e-mail',
        greeting: greeting(account),
        paragraphs: [
          `L'adresse ${change.newEmail} doit devenir celle de votre espace sur le portail ${commune.settings.portalName} de la commune de ${commune.name} (identifiant ${account.identifier}).`,
          `Confirmez-la avec le lien ci-dessous. Il ne sert qu'une fois et reste valable ${change.validDays} jours, jusqu'au ${formatDateTime(change.link.expiresAt)}. Tant qu'elle n'est pas confirmée, cette adresse ne permet pas de se connecter.`,
        ],
        action: { label: 'Confirmer mon adresse e-mail', url: links.link(commune, `/confirmer-adresse/${change.link.token}`) },
        afterAction: ["Si vous n'attendiez pas ce message, ignorez-le : rien ne changera."],
      };
    },

    /** To the old address, once the new one is confirmed: it opens nothing any more. */
    emailChanged(commune: Commune, previous: MailAccount, change: { newEmail: string; confirmedAt: Date }): MailContent {
      return {
        kind: 'email_changed',
        to: previous.email,
        subject: 'L’adresse e-mail de votre espace a changé',
        greeting: greeting(previous),
        paragraphs: [
          `Depuis le ${formatDateTime(change.confirmedAt)}, l'adresse e-mail de votre espace (identifiant ${previous.identifier}) est ${change.newEmail}, confirmée par le lien qui y avait été envoyé.`,
          `L'adresse ${previous.email} ne permet plus de vous connecter et ne reçoit plus les messages du portail.`,
        ],
        afterAction: [`Si vous n'êtes pas à l'origine de ce changement, contactez sans attendre ${serviceOf(commune)}.`],
      };
    },
  };
}

export type AccountMails = ReturnType<typeof accountMails>;
