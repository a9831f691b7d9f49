import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { fieldsFor, type FieldValue } from '../../../domain/family-fields.ts';
import { memberValues } from '../../../services/family/family-members.ts';
import type { Services } from '../../../services/index.ts';
import { email, optionalPhone, optionalPostcode, optionalText } from '../../form-fields.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { memberFormSchema, newMemberSchema, toFormValues } from '../../member-form.ts';
import { requireParent } from '../../middleware/auth.ts';
import {
  changeOutcomeMessage,
  contactPageWords,
  displayValue,
  newChildRequestedMessage,
  pendingRequestsNotice,
  presentContactFields,
  presentMemberFields,
  presentMembers,
  presentNewChildFields,
  signInAddressNote,
} from '../../presenters/family-presenter.ts';
import { idParam } from '../../row-id.ts';

const contactSchema = (withEmail: boolean) =>
  z.object({
    phone: optionalPhone,
    addressLine: optionalText(200),
    postcode: optionalPostcode,
    city: optionalText(100),
    preferredContact: z.enum(['email', 'telephone', 'courrier'], { error: 'Choisissez un moyen de contact' }).optional(),
    ...(withEmail ? { email: email().optional() } : {}),
  });

const posted = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

/** « Ma famille », a member's page, « Ajouter un enfant » and « Mes coordonnées ». */
export function familyRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use(['/famille', '/coordonnees'], requireParent);

  router.get('/famille', async (req, res) => {
    const page = await services.familyEdits.familyPage(res.locals.commune!, req.user!.familyId!);
    res.render('pages/portal/family', {
      family: page.family,
      members: presentMembers(page.members, page.now),
      pendingNotice: page.pendingCount ? pendingRequestsNotice(page.pendingCount) : undefined,
    });
  });

  const renderAddChild = (_req: Request, res: Response, state?: FormState) => {
    res.status(state?.status ?? 200).render('pages/portal/add-child', { fields: presentNewChildFields(), errors: state?.errors, values: state?.values });
  };

  router.get('/famille/ajouter-un-enfant', (req, res) => {
    // 404 where the commune does not let parents add a child.
    services.familyEdits.newChildForm(res.locals.commune!);
    renderAddChild(req, res);
  });

  router.post(
    '/famille/ajouter-un-enfant',
    formPost({
      schema: (_req, res) => {
        const { today } = services.familyEdits.newChildForm(res.locals.commune!);
        return newMemberSchema(fieldsFor('child'), 'child', () => today);
      },
      async act(child, req, res) {
        const commune = res.locals.commune!;
        await services.familyEdits.requestNewChild(commune, req.user!, child as Record<string, FieldValue>, formKeyOf(req.body));
        setFlash(req, 'success', newChildRequestedMessage(String(child.firstName)));
        res.redirect(303, `/${commune.slug}/famille`);
      },
      render: renderAddChild,
    }),
  );

  const memberPageOf = (req: Request, res: Response) => services.familyEdits.memberPage(res.locals.commune!, req.user!, idParam(req, 'memberId'));

  async function renderMember(req: Request, res: Response, state?: FormState) {
    const { member, modeOf, pending, address, now } = await memberPageOf(req, res);
    const note = signInAddressNote(address, { userId: req.user!.id, mode: modeOf('email') });
    res.status(state?.status ?? 200).render('pages/portal/member', {
      member: presentMembers([member], now)[0],
      groups: presentMemberFields(member, modeOf, pending, { email: note }),
      values: { ...toFormValues(memberValues(member)), ...state?.values },
      errors: state?.errors,
    });
  }

  router.get('/famille/:memberId', (req, res) => renderMember(req, res));

  router.post(
    '/famille/:memberId',
    formPost({
      async schema(req, res) {
        const { member, today } = await memberPageOf(req, res);
        return memberFormSchema(fieldsFor(member.role), member.role, posted(req), () => today);
      },
      async act(data, req, res) {
        const commune = res.locals.commune!;
        const memberId = idParam(req, 'memberId');
        const result = await services.familyEdits.submitMemberChanges(commune, req.user!, memberId, data as Record<string, FieldValue>, formKeyOf(req.body));
        setFlash(req, 'success', changeOutcomeMessage(result));
        res.redirect(303, `/${commune.slug}/famille/${memberId}`);
      },
      render: renderMember,
    }),
  );

  async function renderContact(req: Request, res: Response, state?: FormState) {
    const { member, modeOf, pending, address } = await services.familyEdits.contactPage(res.locals.commune!, req.user!);
    const notes = { email: signInAddressNote(address, { userId: req.user!.id, mode: modeOf('email') }) };
    res.status(state?.status ?? 200).render('pages/portal/contact-details', {
      fields: presentContactFields(member, modeOf, pending, notes),
      ...contactPageWords(modeOf),
      preferredContactMode: modeOf('preferredContact'),
      preferredContactDisplay: displayValue('contactWay', member.preferredContact ?? null),
      // Refused, the form shows what was typed.
      values: state ? state.values : toFormValues(memberValues(member)),
      errors: state?.errors,
    });
  }

  router.get('/coordonnees', (req, res) => renderContact(req, res));

  router.post(
    '/coordonnees',
    formPost({
      schema: (req) => contactSchema('email' in posted(req)),
      async act(data, req, res) {
        const commune = res.locals.commune!;
        // Only what the form sent is a change: a field it did not show stays as it is.
        const proposed = Object.fromEntries(Object.entries(data).filter(([key]) => key in posted(req))) as Record<string, FieldValue>;
        const result = await services.familyEdits.submitContactChanges(commune, req.user!, proposed, formKeyOf(req.body));
        setFlash(req, 'success', changeOutcomeMessage(result));
        res.redirect(303, `/${commune.slug}/coordonnees`);
      },
      render: renderContact,
    }),
  );

  return router;
}
