import type { ActiveContent, FileProblem, StoredFileType } from '../model/stored-file.ts';

/** Sizes of files in French: « 850 Ko », « 3,2 Mo », « 50 Mo » (1 Mo = 1 024 Ko, as the 5 Mo limit of uploads). */

const KB = 1024;
const MB = 1024 * 1024;
const oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** The number and unit a size is said with; under 1 Ko a file still weighs « 1 Ko ». */
function sizeParts(bytes: number): { value: number; unit: 'Ko' | 'Mo' } {
  if (bytes < MB) return { value: bytes === 0 ? 0 : Math.max(1, Math.round(bytes / KB)), unit: 'Ko' };
  return { value: Math.round((bytes / MB) * 10) / 10, unit: 'Mo' };
}

/** « 850 Ko », « 3,2 Mo » */
export function formatFileSize(bytes: number): string {
  if (bytes === 0) return '0\u00a0Mo';
  const { value, unit } = sizeParts(bytes);
  return `${oneDecimal.format(value)}\u00a0${unit}`;
}

/** « 3,2 Mo utilisés sur 50 Mo », « 0 Mo utilisé sur 50 Mo » (French: singular below 2). */
export function formatSpaceUsed(usedBytes: number, quotaBytes: number): string {
  const value = usedBytes === 0 ? 0 : sizeParts(usedBytes).value;
  return `${formatFileSize(usedBytes)} ${value < 2 ? 'utilisé' : 'utilisés'} sur ${formatFileSize(quotaBytes)}`;
}

/** The detected type of a stored file, as people name it. */
export const FILE_KIND_LABELS: Record<'application/pdf' | 'image/jpeg' | 'image/png', string> = {
  'application/pdf': 'PDF',
  'image/jpeg': 'Image JPEG',
  'image/png': 'Image PNG',
};

const TYPE_WORDS: Record<StoredFileType, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'image JPEG', 'image/png': 'image PNG' };

const ACTIVE_WORDS: Record<ActiveContent | 'pattern', string> = {
  javascript: 'du code JavaScript',
  launch: "le lancement d'un programme ou d'un fichier",
  embedded_file: 'un fichier joint',
  xfa: 'un formulaire XFA',
  media: 'un contenu multimédia actif',
  pattern: "du code (JavaScript ou lancement d'un programme)",
};

const RESAVE = 'Enregistrez-le de nouveau (« Imprimer » en PDF), ou envoyez une photo du document';

/** What an upload check or a limit refused, as the form says it next to the file field. */
export function fileProblemWords(problem: FileProblem): string {
  switch (problem.code) {
    case 'missing':
      return problem.purpose === 'store' ? 'Choisissez le fichier à enregistrer (PDF, JPEG ou PNG)' : 'Choisissez le fichier à envoyer (un PDF, ou une photo JPEG ou PNG)';
    case 'empty':
      return 'Le fichier est vide : choisissez un autre fichier';
    case 'too_large':
      return `Le fichier dépasse ${Math.round(problem.maxBytes / MB)} Mo : choisissez un fichier plus léger`;
    case 'unknown_type':
      return 'Le fichier doit être un PDF, une image JPEG ou PNG (son contenu ne correspond à aucun de ces formats)';
    case 'type_not_allowed':
      return `Ce document est attendu en ${problem.types.map((type) => TYPE_WORDS[type]).join(' ou ')} : choisissez un fichier dans ce format`;
    case 'broken_pdf':
      return "Le fichier n'est pas un PDF complet : enregistrez-le de nouveau en PDF, ou envoyez une photo du document";
    case 'encrypted_pdf':
      return `Le PDF est protégé par un mot de passe : le service ne pourrait pas l'ouvrir. ${RESAVE}`;
    case 'active_pdf':
      return `Le PDF contient ${ACTIVE_WORDS[problem.reason]} : nous ne pouvons pas l'accepter. ${RESAVE}`;
    case 'too_complex_pdf':
      return `Le PDF est trop complexe pour être vérifié : nous ne pouvons pas l'accepter. ${RESAVE}`;
    case 'too_many_files':
      return `Envoyez ${problem.maxFiles} fichiers au plus à la fois`;
    case 'sending_too_many_pages':
      return `Ce document compterait ${problem.pages} pages : ${problem.maxPages} pages au plus par document. Envoyez seulement les pages utiles`;
    case 'sending_too_large':
      return `Ce document pèserait ${formatFileSize(problem.bytes)} : ${formatFileSize(problem.maxBytes)} au plus par document. Envoyez des fichiers plus légers`;
    case 'family_budget':
      return `Ce fichier (${formatFileSize(problem.fileBytes)}) dépasse l'espace de votre famille : ${familyStorageWords(problem)}. Supprimez des documents de votre porte-documents, ou envoyez un fichier plus léger`;
    case 'account_quota':
      return `Ce fichier (${formatFileSize(problem.fileBytes)}) ne tient pas dans votre porte-documents : il reste ${formatFileSize(Math.max(0, problem.quotaBytes - problem.usedBytes))} sur ${formatFileSize(problem.quotaBytes)}. Supprimez des documents pour faire de la place`;
  }
}

/** A problem of one file among several: « … (ordonnance.pdf) ». */
export const fileProblemOfNamedWords = (problem: FileProblem, name: string) => `${fileProblemWords(problem)} (${name})`;

/** « Vous utilisez 12,5 Mo sur 200 Mo »: the family's space, where it sends files. */
export function familyStorageWords({ usedBytes, budgetBytes }: { usedBytes: number; budgetBytes: number }): string {
  return `Vous utilisez ${formatFileSize(usedBytes)} sur ${formatFileSize(budgetBytes)}`;
}

/** « 20 pages et 25 Mo au plus par document »: what one sending of a requested document may hold. */
export const sendingLimitWords = (maxPages: number, maxBytes: number) => `${maxPages} pages et ${formatFileSize(maxBytes)} au plus par document`;
