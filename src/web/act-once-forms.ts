import type { Request } from 'express';

/**
 * Every form that creates something or pays — and the few that change or remove and must not act
 * twice either — with the POST that receives it, below `/:commune` (DESIGN §11 « Idempotent user
 * actions »). One mechanism for all of them:
 *
 * - the page renders the form with the `formKeyField()` macro (`views/components/form-key.njk`), a
 *   new one-time key at each rendering;
 * - `formPost` (`src/web/forms.ts`) refuses a POST of a route of this list that carries no key, or a
 *   malformed one, with a 400 page before it reads the form (a route without `formPost` reads
 *   `formKeyOf(req.body)` first); the route passes `formKeyOf(req.body)` to its service;
 * - the service runs its action through `forms.transaction` (`src/services/commune/form-submissions.ts`):
 *   the same key posted again — double click, refreshed POST, Back then resend, at the same moment
 *   or later — acts no more and answers the first outcome.
 *
 * A new such form gets its line here: `tests/integration/act-once-forms.test.ts` is typed by this
 * list, so the compiler asks for a page showing the form, then checks that the page carries the key
 * and that a POST without one is refused and writes nothing.
 */
export const ACT_ONCE_FORMS = {
  // The parent portal
  newChild: '/famille/ajouter-un-enfant',
  memberChange: '/famille/:memberId',
  contactChange: '/coordonnees',
  registration: '/inscriptions/nouvelle',
  absence: '/reservations/:memberId/absence',
  quotientDeclaration: '/quotient-familial',
  mandate: '/prelevement',
  onlinePayment: '/paiement',
  document: '/documents',
  privateFileStore: '/porte-documents',
  privateFileTransmit: '/porte-documents/:fileId/transmettre',
  privateFileRemove: '/porte-documents/:fileId/supprimer',
  contactMessage: '/contact',
  familyReply: '/messages/:threadId',
  // The back-office
  newFamily: '/admin/familles/nouvelle',
  counterPayment: '/admin/familles/:familyId/encaissement',
  staffQuotient: '/admin/familles/:familyId/quotient-familial',
  debitRejection: '/admin/prelevements/lignes/:id/rejet',
  invoicingRun: '/admin/facturation',
  creditNote: '/admin/facturation/factures/:invoiceId/avoir',
  newsPublish: '/admin/actualites',
  newsUpdate: '/admin/actualites/:newsId/modifier',
  newsRemove: '/admin/actualites/:newsId/supprimer',
  communeDocumentPublish: '/admin/documentation',
  communeDocumentRemove: '/admin/documentation/:documentId/supprimer',
  staffMessage: '/admin/messages/nouveau',
  staffAnswer: '/admin/messages/:threadId',
} as const;

export type ActOnceForm = keyof typeof ACT_ONCE_FORMS;

const ROUTES = new Set<string>(Object.values(ACT_ONCE_FORMS));

/** Whether a request is the POST of a form of the list, by its route below `/:commune`. */
export function isActOnceForm(req: Request): boolean {
  const belowCommune = req.baseUrl.replace(/^\/[^/]+/, '');
  return req.method === 'POST' && typeof req.route?.path === 'string' && ROUTES.has(belowCommune + req.route.path);
}
