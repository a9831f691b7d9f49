import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { fieldsFor, type FieldValue } from '../../../domain/family-fields.ts';
import { memberValues } from '../../../services/family/family-members.ts';
import type { Services } from '../../../services/index.ts';
import { optionalDay, requiredDay, wholeEuros } from '../../form-fields.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { memberFormSchema, toFormValues } from '../../member-form.ts';
import { presentStaffDocuments } from '../../presenters/document-presenter.ts';
import { presentAuditEntries } from '../../presenters/audit-presenter.ts';
import { presentMemberFields, presentMembers, signInAddressNote, staffEditMessage } from '../../presenters/family-presenter.ts';
import { presentAccounts, presentMemberFiles, searchResultsTitle } from '../../presenters/staff-family-presenter.ts';
import { presentQuotientHistory } from '../../presenters/quotient-presenter.ts';
import { presentRequest } from '../../presenters/staff-request-presenter.ts';
import { idParam } from '../../row-id.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const SEARCH_VIEW = 'pages/admin/family-search';
const FILE_VIEW = 'pages/admin/family-file';
const MEMBER_VIEW = 'pages/admin/member-edit';

const searchSchema = z.object({ q: z.string().trim().max(200).catch('') });

const quotientSchema = z.object({
  quotient: wholeEuros('Indiquez le quotient familial en euros entiers, par exemple 620'),
  debut: requiredDay('Saisissez la date de début de validité, par exemple 01/01/2026'),
  fin: optionalDay('Saisissez une date de fin valide, par exemple 31/12/2026, ou laissez le champ vide'),
});

/** Family search, the family file, and staff editing a member directly (audited). */
export function adminFamilyFileRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/familles', async (req, res) => {
    const commune = res.locals.commune!;
    const { q } = searchSchema.parse(req.query);
    const results = q ? await services.staffFamilyFile.searchFamilies(commune.id, q) : [];
    res.render(SEARCH_VIEW, { q, searched: Boolean(q), results, resultsTitle: searchResultsTitle(results.length, q) });
  });

  async function renderFile(req: Request, res: Response, state?: FormState) {
    const commune = res.locals.commune!;
    const familyId = idParam(req, 'familyId');
    const file = await services.staffFamilyFile.getFamilyFile(commune.id, familyId);
    const [quotients, documents] = await Promise.all([services.quotients.history(commune.id, familyId), services.documents.overview(commune, familyId)]);
    res.status(state?.status ?? 200).render(FILE_VIEW, {
      family: file.family,
      members: presentMemberFiles(file.members, file.now),
      accounts: presentAccounts(file.accounts),
      requests: file.requests.map((request) => presentRequest(request)),
      auditEntries: presentAuditEntries(file.audit),
      quotients: presentQuotientHistory(quotients),
      documents: presentStaffDocuments(documents),
      errors: state?.errors,
      values: state?.values ?? {},
    });
  }

  router.get('/familles/:familyId', (req, res) => renderFile(req, res));

  /** Staff set a quotient familial in the file (audited); the file again with the errors otherwise. */
  router.post(
    '/familles/:familyId/quotient-familial',
    formPost({
      schema: quotientSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const familyId = idParam(req, 'familyId');
        const input = { value: form.quotient, validFrom: form.debut, validUntil: form.fin ?? null };
        await services.quotients.setByStaff(commune, req.user!, familyId, input, formKeyOf(req.body));
        setFlash(req, 'success', FLASH_WORDS.staffQuotientSaved);
        res.redirect(303, `/${commune.slug}/admin/familles/${familyId}#quotient-familial`);
      },
      render: renderFile,
    }),
  );

  const memberFormOf = (req: Request, res: Response) =>
    services.staffFamilyFile.memberForm(res.locals.commune!.id, idParam(req, 'familyId'), idParam(req, 'memberId'));

  async function renderMember(req: Request, res: Response, state?: FormState) {
    const { family, member, pending, address, now } = await memberFormOf(req, res);
    res.status(state?.status ?? 200).render(MEMBER_VIEW, {
      family,
      member: presentMembers([member], now)[0],
      // Staff change every field of the member directly; the hint still shows a pending request.
      groups: presentMemberFields(member, () => 'direct', pending, { email: signInAddressNote(address, 'staff') }),
      errors: state?.errors,
      values: { ...toFormValues(memberValues(member)), ...state?.values },
    });
  }

  router.get('/familles/:familyId/membres/:memberId', (req, res) => renderMember(req, res));

  router.post(
    '/familles/:familyId/membres/:memberId',
    formPost({
      async schema(req, res) {
        const { member, today } = await memberFormOf(req, res);
        return memberFormSchema(fieldsFor(member.role), member.role, req.body ?? {}, () => today);
      },
      async act(data, req, res) {
        const commune = res.locals.commune!;
        const familyId = idParam(req, 'familyId');
        const memberId = idParam(req, 'memberId');
        const outcome = await services.staffFamilyFile.editMemberByStaff(commune, req.user!, familyId, memberId, data as Record<string, FieldValue>);
        setFlash(req, 'success', staffEditMessage(outcome));
        res.redirect(303, `/${commune.slug}/admin/familles/${familyId}#membre-${memberId}`);
      },
      render: renderMember,
    }),
  );

  return router;
}
