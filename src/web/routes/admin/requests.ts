import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { RequestFilters, RequestStatus, RequestType } from '../../../data/request-repository.ts';
import { REQUEST_TYPE_LABELS } from '../../../services/family-file-service.ts';
import type { Services } from '../../../services/index.ts';
import { fieldErrorsOf, parseForm, renderWithErrors, setFlash, type FieldError } from '../../forms.ts';
import { decisionSummary, presentQueue } from '../../presenters/staff-request-presenter.ts';
import { idParam, rowIdList } from '../../row-id.ts';
import { sendCertificate } from '../portal/absences.ts';

const VIEW = 'pages/admin/requests';

/** Filter values as the URL spells them (French, bookmarkable), and what each selects. */
const TYPES = {
  tous: { label: 'Tous les types', types: [] as RequestType[] },
  membre: { label: REQUEST_TYPE_LABELS.member_change, types: ['member_change'] as RequestType[] },
  coordonnees: { label: REQUEST_TYPE_LABELS.contact_change, types: ['contact_change'] as RequestType[] },
  enfant: { label: REQUEST_TYPE_LABELS.new_child, types: ['new_child'] as RequestType[] },
  inscription: { label: REQUEST_TYPE_LABELS.registration, types: ['registration'] as RequestType[] },
  absence: { label: 'Absence', types: ['absence'] as RequestType[] },
};
const STATUSES = {
  'en-attente': { label: 'En attente', statuses: ['pending'] as RequestStatus[] },
  acceptees: { label: 'Acceptées', statuses: ['accepted'] as RequestStatus[] },
  refusees: { label: 'Refusées', statuses: ['refused'] as RequestStatus[] },
  toutes: { label: 'Toutes', statuses: [] as RequestStatus[] },
};

type TypeFilter = keyof typeof TYPES;
type StatusFilter = keyof typeof STATUSES;

/** From links and bookmarks: anything unknown falls back to the default (pending, all types). */
const filterSchema = z.object({
  type: z.enum(Object.keys(TYPES) as [TypeFilter, ...TypeFilter[]]).catch('tous'),
  statut: z.enum(Object.keys(STATUSES) as [StatusFilter, ...StatusFilter[]]).catch('en-attente'),
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

const toFilters = (filter: Filter): RequestFilters => ({ types: TYPES[filter.type].types, statuses: STATUSES[filter.statut].statuses });
const queryString = (filter: Filter) => `?type=${filter.type}&statut=${filter.statut}`;

/** The boxes ticked in a refused form, to tick them again. */
function selectedOf(values: Record<string, unknown>): string[] {
  const ticked = values.demandes;
  return (Array.isArray(ticked) ? ticked : ticked === undefined ? [] : [ticked]).map(String);
}

/** « Demandes »: what families asked, oldest first; accept or refuse several at once. */
export function adminRequestsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  async function renderQueue(res: Response, status: number, filter: Filter, errors?: FieldError[], values: Record<string, unknown> = {}) {
    const commune = res.locals.commune!;
    const { requests, conflicts } = await services.familyFile.listQueue(commune, toFilters(filter));
    const view = {
      filter,
      typeOptions: Object.entries(TYPES).map(([value, option]) => ({ value, label: option.label })),
      statusOptions: Object.entries(STATUSES).map(([value, option]) => ({ value, label: option.label })),
      filterLabel: `${STATUSES[filter.statut].label} · ${TYPES[filter.type].label}`,
      requests: presentQueue(requests, conflicts),
      pendingCount: requests.filter((request) => request.status === 'pending').length,
      selected: selectedOf(values),
      action: `/${commune.slug}/admin/demandes${queryString(filter)}`,
    };
    if (errors) renderWithErrors(res, status, VIEW, errors, values, view);
    else res.status(status).render(VIEW, { ...view, values });
  }

  const filterOf = (req: Request) => filterSchema.parse(req.query);

  router.get('/demandes', async (req, res) => {
    await renderQueue(res, 200, filterOf(req));
  });

  router.post('/demandes', async (req, res) => {
    const commune = res.locals.commune!;
    const filter = filterOf(req);
    const parsed = parseForm(decisionSchema, req.body);
    if (!parsed.ok) {
      await renderQueue(res, 400, filter, parsed.errors, parsed.values);
      return;
    }
    const { demandes, decision, motif } = parsed.data;
    // Ascending ids: two agents deciding overlapping batches lock rows in the same order.
    const ids = [...new Set(demandes)].sort((a, b) => a - b);
    const accept = decision === 'accepter';
    try {
      const outcome = await services.familyFile.decideRequests(commune, req.user!, ids, accept ? { accept: true } : { accept: false, reason: motif! });
      setFlash(req, 'success', decisionSummary(outcome, accept));
      res.redirect(303, `/${commune.slug}/admin/demandes${queryString(filter)}`);
    } catch (error) {
      // Nothing of the batch was applied: it is one transaction.
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      await renderQueue(res, 400, filter, errors, (req.body ?? {}) as Record<string, unknown>);
    }
  });

  /** The certificate of an absence request: a download, never shown inline (DESIGN §11 Files). */
  router.get('/demandes/:requestId/justificatif', async (req, res) => {
    const requestId = idParam(req, 'requestId');
    sendCertificate(res, await services.absences.certificateOfRequest(res.locals.commune!, requestId), requestId);
  });

  return router;
}
