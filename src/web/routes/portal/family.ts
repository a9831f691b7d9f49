import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parisDay } from '../../../domain/calendar/paris-time.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { fieldsFor, type FieldValue } from '../../../domain/family-fields.ts';
import type { SubmissionResult } from '../../../services/family-file-service.ts';
import { memberValues } from '../../../services/family-file-service.ts';
import type { Services } from '../../../services/index.ts';
import { email, optionalPhone, optionalPostcode, optionalText } from '../../form-fields.ts';
import { fieldErrorsOf, formKeyOf, parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { memberFormSchema, newMemberSchema, toFormValues } from '../../member-form.ts';
import { requireParent } from '../../middleware/auth.ts';
import {
  displayValue,
  presentMemberFields,
  presentMembers,
  signInAddressChangeMessage,
  signInAddressNote,
} from '../../presenters/family-presenter.ts';
import { idParam } from '../../row-id.ts';

/** The flash after a change: what changed at once, what went to the service. */
function outcomeMessage(result: SubmissionResult): string {
  const parts: string[] = [];
  if (result.applied.length) parts.push(`Modifié : ${result.applied.map((c) => c.label.toLowerCase()).join(', ')}.`);
  if (result.requested.length) {
    parts.push(
      `Envoyé au service pour validation : ${result.requested.map((c) => c.label.toLowerCase()).join(', ')}. Vous recevrez un e-mail à sa décision.`,
    );
  }
  if (result.confirmationSentTo) parts.push(signInAddressChangeMessage(result.confirmationSentTo));
  return parts.join(' ') || 'Aucune modification : les informations sont identiques.';
}

const contactSchema = (withEmail: boolean) =>
  z.object({
    phone: optionalPhone,
    addressLine: optionalText(200),
    postcode: optionalPostcode,
    city: optionalText(100),
    preferredContact: z.enum(['email', 'telephone', 'courrier'], { error: 'Choisissez un moyen de contact' }).optional(),
    ...(withEmail ? { email: email().optional() } : {}),
  });

/** « Ma famille », a member's page, « Ajouter un enfant » and « Mes coordonnées ». */
export function familyRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  const today = () => parisDay(services.clock.now());
  router.use(['/famille', '/coordonnees'], requireParent);

  async function renderMember(req: Request, res: Response, status: number, memberId: number, extra: Record<string, unknown> = {}) {
    const commune = res.locals.commune!;
    const member = await services.familyFile.getMember(commune.id, req.user!.familyId!, memberId);
    const pending = (await services.familyFile.listFamilyRequests(commune.id, member.familyId)).filter((r) => r.status === 'pending');
    const address = await services.familyFile.signInAddressOf(commune.id, memberId);
    // Another person's sign-in address is theirs alone to change: the form does not offer it.
    const othersAddress = address !== undefined && address.holder.id !== req.user!.id;
    const modeOf = (field: string) =>
      field === 'email' && othersAddress ? 'locked' : services.familyFile.memberFieldMode(commune, field);
    const note = signInAddressNote(address, { userId: req.user!.id, mode: modeOf('email') });
    res.status(status).render('pages/portal/member', {
      member: presentMembers([member], services.clock.now())[0],
      groups: presentMemberFields(member, modeOf, pending, { email: note }),
      values: toFormValues(memberValues(member)),
      ...extra,
    });
  }

  router.get('/famille', async (req, res) => {
    const commune = res.locals.commune!;
    const { family, members } = await services.families.getOverview(commune.id, req.user!.familyId!);
    const requests = await services.familyFile.listFamilyRequests(commune.id, family.id);
    res.render('pages/portal/family', {
      family,
      members: presentMembers(members, services.clock.now()),
      pendingCount: requests.filter((request) => request.status === 'pending').length,
    });
  });

  router.get('/famille/ajouter-un-enfant', (_req, res) => {
    const commune = res.locals.commune!;
    if (!commune.settings.features.addChild) throw new NotFoundError('adding a child is off');
    res.render('pages/portal/add-child', { fields: fieldsFor('child') });
  });

  router.post('/famille/ajouter-un-enfant', async (req, res) => {
    const commune = res.locals.commune!;
    if (!commune.settings.features.addChild) throw new NotFoundError('adding a child is off');
    const parsed = parseForm(newMemberSchema(fieldsFor('child'), 'child', today), req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, 'pages/portal/add-child', parsed.errors, parsed.values, { fields: fieldsFor('child') });
      return;
    }
    await services.familyFile.requestNewChild(commune, req.user!, parsed.data as Record<string, FieldValue>, formKeyOf(req.body));
    setFlash(req, 'success', `Votre demande d'ajout de ${parsed.data.firstName} est envoyée au service. Vous recevrez un e-mail à sa décision.`);
    res.redirect(303, `/${commune.slug}/famille`);
  });

  router.get('/famille/:memberId', async (req, res) => {
    await renderMember(req, res, 200, idParam(req, 'memberId'));
  });

  router.post('/famille/:memberId', async (req, res) => {
    const commune = res.locals.commune!;
    const memberId = idParam(req, 'memberId');
    const member = await services.familyFile.getMember(commune.id, req.user!.familyId!, memberId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = parseForm(memberFormSchema(fieldsFor(member.role), member.role, body, today), body);
    if (!parsed.ok) {
      await renderMember(req, res, 400, memberId, { errors: parsed.errors, values: { ...toFormValues(memberValues(member)), ...parsed.values } });
      return;
    }
    try {
      const result = await services.familyFile.submitMemberChanges(commune, req.user!, memberId, parsed.data as Record<string, FieldValue>, formKeyOf(body));
      setFlash(req, 'success', outcomeMessage(result));
      res.redirect(303, `/${commune.slug}/famille/${memberId}`);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      await renderMember(req, res, 400, memberId, { errors, values: { ...toFormValues(memberValues(member)), ...body } });
    }
  });

  async function renderContact(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
    const commune = res.locals.commune!;
    const member = await services.familyFile.getMember(commune.id, req.user!.familyId!, req.user!.memberId!);
    const pending = (await services.familyFile.listFamilyRequests(commune.id, member.familyId)).filter(
      (request) => request.status === 'pending' && request.memberId === member.id,
    );
    const modeOf = (field: string) => services.familyFile.contactFieldMode(commune, field);
    const pendingByField = new Map(pending.flatMap((r) => (r.payload.kind === 'changes' ? r.payload.changes : [])).map((c) => [c.field, c.after]));
    const address = await services.familyFile.signInAddressOf(commune.id, member.id);
    const notes: Record<string, string | undefined> = {
      email: signInAddressNote(address, { userId: req.user!.id, mode: modeOf('email') }),
    };
    const fields = [
      { key: 'email', label: 'Adresse e-mail', type: 'email', kind: 'email' as const },
      { key: 'phone', label: 'Téléphone', type: 'tel', kind: 'phone' as const },
      { key: 'addressLine', label: 'Adresse', type: 'text', kind: 'text' as const },
      { key: 'postcode', label: 'Code postal', type: 'text', kind: 'postcode' as const },
      { key: 'city', label: 'Ville', type: 'text', kind: 'text' as const },
    ].map((field) => ({
      ...field,
      mode: modeOf(field.key),
      display: displayValue(field.kind, memberValues(member)[field.key]),
      pending: pendingByField.has(field.key) ? displayValue(field.kind, pendingByField.get(field.key)!) : undefined,
      note: notes[field.key],
    }));
    res.status(status).render('pages/portal/contact-details', {
      fields,
      preferredContactMode: modeOf('preferredContact'),
      preferredContactDisplay: displayValue('contactWay', member.preferredContact ?? null),
      values: toFormValues(memberValues(member)),
      ...extra,
    });
  }

  router.get('/coordonnees', async (req, res) => {
    await renderContact(req, res, 200);
  });

  router.post('/coordonnees', async (req, res) => {
    const commune = res.locals.commune!;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const posted = Object.fromEntries(Object.entries(body).filter(([key]) => key !== '_csrf'));
    const schema = contactSchema('email' in posted);
    const parsed = parseForm(schema, posted);
    if (!parsed.ok) {
      await renderContact(req, res, 400, { errors: parsed.errors, values: parsed.values });
      return;
    }
    const proposed = Object.fromEntries(Object.entries(parsed.data).filter(([key]) => key in posted)) as Record<string, FieldValue>;
    try {
      const result = await services.familyFile.submitContactChanges(commune, req.user!, proposed, formKeyOf(body));
      setFlash(req, 'success', outcomeMessage(result));
      res.redirect(303, `/${commune.slug}/coordonnees`);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      await renderContact(req, res, 400, { errors, values: posted });
    }
  });

  return router;
}
