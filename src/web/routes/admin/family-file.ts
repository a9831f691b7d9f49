import { Router, type Response } from 'express';
import { z } from 'zod';
import { parisDay } from '../../../domain/calendar/paris-time.ts';
import { fieldsFor, type FieldValue } from '../../../domain/family-fields.ts';
import { memberValues } from '../../../services/family-file-service.ts';
import type { Services } from '../../../services/index.ts';
import { fieldErrorsOf, parseForm, setFlash, type FieldError } from '../../forms.ts';
import { memberFormSchema, toFormValues } from '../../member-form.ts';
import { presentAuditEntries } from '../../presenters/audit-presenter.ts';
import { presentMemberFields, presentMembers, signInAddressChangeMessage, signInAddressNote } from '../../presenters/family-presenter.ts';
import { presentAccounts, presentMemberFiles } from '../../presenters/staff-family-presenter.ts';
import { presentRequest } from '../../presenters/staff-request-presenter.ts';
import { idParam } from '../../row-id.ts';

const SEARCH_VIEW = 'pages/admin/family-search';
const FILE_VIEW = 'pages/admin/family-file';
const MEMBER_VIEW = 'pages/admin/member-edit';

const searchSchema = z.object({ q: z.string().trim().max(200).catch('') });

/** Family search, the family file, and staff editing a member directly (audited). */
export function adminFamilyFileRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  const today = () => parisDay(services.clock.now());

  router.get('/familles', async (req, res) => {
    const commune = res.locals.commune!;
    const { q } = searchSchema.parse(req.query);
    const results = q ? await services.familyFile.searchFamilies(commune.id, q) : [];
    res.render(SEARCH_VIEW, { q, searched: Boolean(q), results });
  });

  router.get('/familles/:familyId', async (req, res) => {
    const commune = res.locals.commune!;
    const file = await services.familyFile.getFamilyFile(commune.id, idParam(req, 'familyId'));
    res.render(FILE_VIEW, {
      family: file.family,
      members: presentMemberFiles(file.members, services.clock.now()),
      accounts: presentAccounts(file.accounts),
      requests: file.requests.map((request) => presentRequest(request)),
      auditEntries: presentAuditEntries(file.audit),
    });
  });

  async function renderMember(
    res: Response,
    status: number,
    familyId: number,
    memberId: number,
    extra: { errors?: FieldError[]; values?: Record<string, unknown> } = {},
  ) {
    const commune = res.locals.commune!;
    const family = await services.familyFile.getFamily(commune.id, familyId);
    const member = await services.familyFile.getMember(commune.id, familyId, memberId);
    const pending = (await services.familyFile.listFamilyRequests(commune.id, familyId)).filter((request) => request.status === 'pending');
    const address = await services.familyFile.signInAddressOf(commune.id, memberId);
    const current = toFormValues(memberValues(member));
    res.status(status).render(MEMBER_VIEW, {
      family,
      member: presentMembers([member], services.clock.now())[0],
      // Staff change every field of the member directly; the hint still shows a pending request.
      groups: presentMemberFields(member, () => 'direct', pending, { email: signInAddressNote(address, 'staff') }),
      errors: extra.errors,
      values: { ...current, ...extra.values },
    });
  }

  router.get('/familles/:familyId/membres/:memberId', async (req, res) => {
    await renderMember(res, 200, idParam(req, 'familyId'), idParam(req, 'memberId'));
  });

  router.post('/familles/:familyId/membres/:memberId', async (req, res) => {
    const commune = res.locals.commune!;
    const familyId = idParam(req, 'familyId');
    const memberId = idParam(req, 'memberId');
    const member = await services.familyFile.getMember(commune.id, familyId, memberId);
    const body = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([key]) => key !== '_csrf'));
    const parsed = parseForm(memberFormSchema(fieldsFor(member.role), member.role, body, today), body);
    if (!parsed.ok) {
      await renderMember(res, 400, familyId, memberId, { errors: parsed.errors, values: parsed.values });
      return;
    }
    try {
      const { changes, confirmationSentTo } = await services.familyFile.editMemberByStaff(
        commune,
        req.user!,
        familyId,
        memberId,
        parsed.data as Record<string, FieldValue>,
      );
      const name = `${member.firstName} ${member.lastName}`;
      const parts: string[] = [];
      if (changes.length) {
        parts.push(`Fiche de ${name} modifiée : ${changes.map((change) => change.label.toLowerCase()).join(', ')}. La modification est inscrite au journal.`);
      }
      if (confirmationSentTo) parts.push(signInAddressChangeMessage(confirmationSentTo));
      setFlash(req, 'success', parts.join(' ') || `Aucune modification pour ${name} : les informations sont identiques.`);
      res.redirect(303, `/${commune.slug}/admin/familles/${familyId}#membre-${memberId}`);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      await renderMember(res, 400, familyId, memberId, { errors, values: body });
    }
  });

  return router;
}
