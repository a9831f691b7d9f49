import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RequestFilters, RequestStatus, RequestType } from '../../../model/request.ts';
import type { Services } from '../../../services/index.ts';
import { formPost, renderWithErrors, setFlash, type FormState } from '../../forms.ts';
import {
  decisionSummary,
  presentQueue,
  presentQueueFilter,
  QUEUE_STATUS_FILTERS,
  QUEUE_TYPE_FILTERS,
  type QueueStatusFilter,
  type QueueTypeFilter,
} from '../../presenters/staff-request-presenter.ts';
import { idParam, rowIdList } from '../../row-id.ts';
import { sendStoredFile } from '../../file-download.ts';

const VIEW = 'pages/admin/requests';

/** Filter values as the URL spells them (French, bookmarkable), and what each selects. */
const TYPES: Record<QueueTypeFilter, RequestType[]> = {
  tous: [],
  membre: ['member_change'],
  coordonnees: ['contact_change'],
  enfant: ['new_child'],
  inscription: ['registration'],
  absence: ['absence'],
  quotient: ['quotient_familial'],
  prelevement: ['sepa_mandate'],
};
const STATUSES: Record<QueueStatusFilter, RequestStatus[]> = {
  'en-attente': ['pending'],
  acceptees: ['accepted'],
  refusees: ['refused'],
  toutes: [],
};

/** From links and bookmarks: anything unknown falls back to the default (pending, all types). */
const filterSchema = z.object({
  type: z.enum(Object.keys(QUEUE_TYPE_FILTERS) as [QueueTypeFilter, ...QueueTypeFilter[]]).catch('tous'),
  statut: z.enum(Object.keys(QUEUE_STATUS_FILTERS) as [QueueStatusFilter, ...QueueStatusFilter[]]).catch('en-attente'),
});
type Filter = z.infer<typeof filterSchema>;

const decisionSchema = z
  .object({
    demandes: rowIdList('Demande inconnue', 'Cochez au moins une demande'),
    decision: z.enum(['accepter', 'refuser'], { error: 'Choisissez « Accepter » ou « Refuser »' }),
    motif: z.string().trim().max(1000, '1 000 caractères au maximum').optional(),
  })
  .superRefine(
    (form, ctx) => {
      if (form.decision === 'refuser' && !form.motif) {
        ctx.addIssue({ code: 'custom', path: ['motif'], message: 'Indiquez le motif du refus : il est envoyé à la famille' });
      }
    },
    { when: () => true },
  );

const toFilters = (filter: Filter): RequestFilters => ({ types: TYPES[filter.type], statuses: STATUSES[filter.statut] });
const queryString = (filter: Filter) => `?type=${filter.type}&statut=${filter.statut}`;

/** The boxes ticked in a refused form, to tick them again. */
function selectedOf(values: Record<string, unknown>): string[] {
  const ticked = values.demandes;
  return (Array.isArray(ticked) ? ticked : ticked === undefined ? [] : [ticked]).map(String);
}

/** « Demandes »: what families asked, oldest first; accept or refuse several at once. */
export function adminRequestsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  const filterOf = (req: Request) => filterSchema.parse(req.query);

  async function renderQueue(req: Request, res: Response, state?: FormState) {
    const commune = res.locals.commune!;
    const filter = filterOf(req);
    const { requests, conflicts } = await services.requestQueue.listQueue(commune, toFilters(filter));
    const values = state?.values ?? {};
    const view = {
      filter,
      ...presentQueueFilter(filter, requests.length),
      requests: presentQueue(requests, conflicts),
      pendingCount: requests.filter((request) => request.status === 'pending').length,
      selected: selectedOf(values),
      action: `/${commune.slug}/admin/demandes${queryString(filter)}`,
    };
    if (state) renderWithErrors(res, state.status, VIEW, state.errors, values, view);
    else res.render(VIEW, { ...view, values });
  }

  router.get('/demandes', (req, res) => renderQueue(req, res));

  router.post(
    '/demandes',
    formPost({
      schema: decisionSchema,
      async act({ demandes, decision, motif }, req, res) {
        const commune = res.locals.commune!;
        const accept = decision === 'accepter';
        // One transaction: a refusal of the service (a taken address…) leaves the whole batch undecided.
        const outcome = await services.requestQueue.decideRequests(commune, req.user!, demandes, accept ? { accept: true } : { accept: false, reason: motif! });
        setFlash(req, 'success', decisionSummary(outcome, accept));
        res.redirect(303, `/${commune.slug}/admin/demandes${queryString(filterOf(req))}`);
      },
      render: renderQueue,
    }),
  );

  /** The file of a request (an absence's certificate, a quotient's attestation): a download, never shown inline (DESIGN §11 Files). */
  router.get('/demandes/:requestId/justificatif', async (req, res) => {
    const requestId = idParam(req, 'requestId');
    sendStoredFile(res, await services.absences.certificateOfRequest(res.locals.commune!, requestId), `justificatif-demande-${requestId}`);
  });

  return router;
}
