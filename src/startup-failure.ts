import { CommuneFileError } from './config/commune-file.ts';

/**
 * Start-up failures end with one sentence for the person who typed `npm start`: what failed and
 * what to do, in French like the rest of what town IT reads. Never a stack trace (it is logged at
 * debug level for whoever asks for it).
 */

/** A failure already explained in words; thrown where the cause is known best. */
export class StartupError extends Error {
  override name = 'StartupError';
}

export interface StartupContext {
  port: number;
  host: string;
  /** The DATABASE_URL in use, if any (its password is never printed). */
  databaseUrl?: string;
  /** Where the embedded PostgreSQL keeps (or would keep) its data. */
  dataDir?: string;
}

interface SystemError {
  code?: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
  message?: string;
}

const asSystemError = (error: unknown): SystemError =>
  typeof error === 'object' && error !== null ? (error as SystemError) : { message: String(error) };

/** host:port/database of a connection URL, without user or password. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/** PostgreSQL and pg error codes met when a DATABASE_URL does not lead to a usable database. */
function explainDatabaseConnection(error: SystemError, where: string): string | undefined {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `La connexion au serveur PostgreSQL de DATABASE_URL (${where}) est refusée : vérifiez que le serveur tourne et écoute à cette adresse, ou retirez DATABASE_URL pour utiliser la base PostgreSQL intégrée.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Le serveur PostgreSQL de DATABASE_URL (${where}) est introuvable : vérifiez le nom d'hôte, ou retirez DATABASE_URL pour utiliser la base PostgreSQL intégrée.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `Le serveur PostgreSQL de DATABASE_URL (${where}) ne répond pas : vérifiez l'adresse et le pare-feu, puis relancez.`;
    case '28P01':
    case '28000':
      return `Le serveur PostgreSQL de DATABASE_URL (${where}) refuse l'utilisateur ou le mot de passe : corrigez-les dans DATABASE_URL, puis relancez.`;
    case '3D000':
      return `La base de données de DATABASE_URL (${where}) n'existe pas : créez-la (par exemple createdb) ou corrigez son nom, puis relancez.`;
    case '42501':
      return `L'utilisateur de DATABASE_URL (${where}) n'a pas les droits nécessaires sur la base : donnez-lui la propriété de la base (ou le droit CREATE), puis relancez.`;
    case '53100':
      return `Le disque du serveur PostgreSQL de DATABASE_URL (${where}) est plein : libérez de la place, puis relancez.`;
    default:
      return undefined;
  }
}

/** The one sentence printed when `npm start` cannot start. */
export function explainStartupFailure(error: unknown, context: StartupContext): string {
  if (error instanceof StartupError) return error.message;
  if (error instanceof CommuneFileError) {
    return `Un fichier de commune (seeds/communes) est invalide : corrigez ce qui suit, puis relancez.\n${error.message}`;
  }
  const failure = asSystemError(error);

  if (failure.syscall === 'listen' || failure.code === 'EADDRINUSE') {
    if (failure.code === 'EADDRINUSE') {
      return `Le port ${context.port} est déjà utilisé par un autre programme (peut-être un Espace Famille déjà lancé) : arrêtez-le, ou choisissez un autre port, par exemple PORT=${context.port + 1} npm start.`;
    }
    if (failure.code === 'EACCES') {
      return `Le port ${context.port} demande des droits d'administrateur : choisissez un port au-dessus de 1024, par exemple PORT=3000 npm start.`;
    }
    if (failure.code === 'EADDRNOTAVAIL') {
      return `L'adresse HOST=${context.host} n'appartient pas à cette machine : choisissez une adresse de la machine, par exemple HOST=127.0.0.1.`;
    }
  }

  if (context.databaseUrl) {
    const explained = explainDatabaseConnection(failure, describeDatabaseUrl(context.databaseUrl));
    if (explained) return explained;
  }

  if (failure.code === 'ENOSPC' || failure.code === '53100') {
    return `Le disque est plein${failure.path ? ` (en écrivant ${failure.path})` : ''} : libérez de la place, ou indiquez un dossier sur un autre disque avec DATA_DIR, puis relancez.`;
  }
  if (failure.code === 'EACCES' || failure.code === 'EPERM') {
    return `Accès refusé à ${failure.path ?? context.dataDir ?? 'un fichier du portail'} : donnez à l'utilisateur qui lance le portail le droit de lire et d'écrire ce dossier, ou indiquez-en un autre avec DATA_DIR.`;
  }
  if (failure.code === 'ENOTDIR' || failure.code === 'EEXIST') {
    return `${failure.path ?? context.dataDir ?? 'Le dossier de données'} devrait être un dossier mais c'est un fichier : déplacez ce fichier, ou indiquez un autre dossier avec DATA_DIR.`;
  }
  if (failure.code === 'EROFS') {
    return `${failure.path ?? context.dataDir ?? 'Le dossier de données'} est sur un disque en lecture seule : indiquez un dossier inscriptible avec DATA_DIR.`;
  }

  const firstLine = (failure.message ?? String(error)).split('\n')[0]!.trim();
  return `Espace Famille n'a pas pu démarrer : ${firstLine}. Relancez avec LOG_LEVEL=debug pour le détail.`;
}
