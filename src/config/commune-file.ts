import { z } from 'zod';
import { contrastRatio } from '../domain/contrast.ts';
import { CONTACT_PAGE_FIELDS, fieldDefinition } from '../domain/family-fields.ts';

/**
 * Schema of `seeds/communes/<slug>.json`, the one file town IT edits to configure a commune
 * (DESIGN §9). Strict objects: a misspelt key is an error, not a silently ignored setting.
 */

const hexColour = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'couleur attendue au format #rrggbb')
  .refine((colour) => contrastRatio('#ffffff', colour) >= 4.5, {
    message: 'contraste insuffisant avec du texte blanc (4,5:1 minimum, RGAA / WCAG AA)',
  });

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'heure attendue au format HH:MM');
const isoDate = z.iso.date();
const weekday = z.enum(['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche']);

const phone = z
  .object({
    label: z.string().min(1),
    number: z.string().regex(/^0\d( \d\d){4}$/, 'numéro attendu au format 04 76 20 63 40'),
    purpose: z.string().min(1).optional(),
  })
  .strict();

const openingHours = z
  .object({
    days: z.string().min(1),
    hours: z.string().min(1),
  })
  .strict();

export const bookingWindowSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('weekly'),
      weekday,
      time,
      weeksBefore: z.number().int().min(1).max(8).default(1),
    })
    .strict(),
  z
    .object({
      type: z.literal('days_before'),
      days: z.number().int().min(0).max(60),
      dayKind: z.enum(['calendar', 'working']),
      time,
    })
    .strict(),
]);

const horizonSchema = z.union([
  z.object({ weeksAhead: z.number().int().min(1).max(60) }).strict(),
  z.object({ from: isoDate }).strict(),
  z.object({ until: z.literal('end_of_school_year') }).strict(),
]);

const activitySchema = z
  .object({
    code: z.string().regex(/^[a-z0-9-]+$/, 'code en minuscules, chiffres et tirets'),
    name: z.string().min(1),
    kind: z.enum(['school_day', 'wednesday', 'holidays']),
    days: z.array(weekday).min(1),
    unit: z.string().min(1),
    capacityPerDay: z.number().int().min(1).optional(),
    booking: bookingWindowSchema,
    cancelling: bookingWindowSchema.optional(),
    horizon: horizonSchema.optional(),
    requiredDocuments: z.array(z.string()).default([]),
    tariffCents: z
      .array(z.object({ upToQuotient: z.number().int().min(0).nullable(), unitPriceCents: z.number().int().min(0) }).strict())
      .min(1),
  })
  .strict();

const documentTypeSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    scope: z.enum(['family', 'child']),
    formats: z.array(z.enum(['pdf', 'jpeg', 'png'])).min(1),
    maxSizeMb: z.number().int().min(1).max(20).default(5),
  })
  .strict();

const featuresSchema = z
  .object({
    selfRegistration: z.boolean(),
    directEdits: z.boolean(),
    addChild: z.boolean(),
    quotientDeclaration: z.boolean(),
    directDebit: z.boolean(),
    onlinePayment: z.boolean(),
    simulator: z.boolean(),
    earlyChildhood: z.boolean(),
    recurringBookings: z.boolean(),
    absenceJustification: z.boolean(),
    documentStorage: z.boolean(),
    news: z.boolean(),
    messages: z.boolean(),
  })
  .strict();

const fieldMode = z.enum(['direct', 'request', 'locked']);

/** What a parent may change in the family file, field by field; a field left out is locked. */
const familyEditsSchema = z
  .object({
    memberFields: z.record(z.string(), fieldMode),
    contactFields: z.record(z.string(), fieldMode),
    emailChange: z.enum(['request', 'service_only']),
  })
  .strict()
  .superRefine((edits, ctx) => {
    for (const key of Object.keys(edits.memberFields)) {
      if (!fieldDefinition(key)) ctx.addIssue({ code: 'custom', path: ['memberFields', key], message: `champ inconnu : ${key}` });
    }
    for (const key of Object.keys(edits.contactFields)) {
      if (!(CONTACT_PAGE_FIELDS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['contactFields', key], message: `champ inconnu : ${key} (${CONTACT_PAGE_FIELDS.join(', ')})` });
      }
    }
  });

const holidayCorrectionSchema = z
  .object({
    schoolYear: z.string().regex(/^\d{4}-\d{4}$/),
    label: z.string().min(1),
    from: isoDate,
    until: isoDate,
    reason: z.string().min(1),
  })
  .strict();

export const communeFileSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9]+$/, 'slug en minuscules sans tiret ni accent'),
    name: z.string().min(1),
    officialName: z.string().min(1),
    portalName: z.string().min(1),
    identity: z
      .object({
        logo: z.string().regex(/^\/[a-z0-9/._-]+\.(svg|png)$/, 'chemin public du logo (/img/...)'),
        logoAlt: z.string().min(1),
        primaryColour: hexColour,
        accentColour: hexColour,
      })
      .strict(),
    contacts: z
      .object({
        service: z.string().min(1),
        email: z.email().optional(),
        phones: z.array(phone).default([]),
        address: z.string().min(1),
        openingHours: z.array(openingHours).min(1),
        website: z.url().optional(),
      })
      .strict(),
    holidayZone: z.enum(['A', 'B', 'C']),
    holidayCorrections: z.array(holidayCorrectionSchema).default([]),
    closureDays: z.array(z.object({ date: isoDate, reason: z.string().min(1) }).strict()).default([]),
    signIn: z
      .object({
        identifier: z.enum(['email_local_part']),
        accountCreation: z.enum(['staff_activation_link', 'self_registration']),
        activationDelayWorkingHours: z.number().int().min(1).max(240).default(48),
      })
      .strict(),
    bookingRuleSummary: z.string().min(1),
    features: featuresSchema,
    familyEdits: familyEditsSchema,
    activities: z.array(activitySchema).min(1),
    documentTypes: z.array(documentTypeSchema).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const codes = new Set<string>();
    file.activities.forEach((activity, index) => {
      if (codes.has(activity.code)) {
        ctx.addIssue({ code: 'custom', path: ['activities', index, 'code'], message: `code en double : ${activity.code}` });
      }
      codes.add(activity.code);
    });
    const documentCodes = new Set(file.documentTypes.map((type) => type.code));
    file.activities.forEach((activity, index) => {
      activity.requiredDocuments.forEach((code, docIndex) => {
        if (!documentCodes.has(code)) {
          ctx.addIssue({
            code: 'custom',
            path: ['activities', index, 'requiredDocuments', docIndex],
            message: `type de document inconnu : ${code}`,
          });
        }
      });
    });
    if (!file.contacts.email && file.contacts.phones.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['contacts'], message: 'au moins un téléphone ou une adresse e-mail' });
    }
    if (file.features.selfRegistration !== (file.signIn.accountCreation === 'self_registration')) {
      ctx.addIssue({
        code: 'custom',
        path: ['features', 'selfRegistration'],
        message: 'doit correspondre à signIn.accountCreation',
      });
    }
  });

export type CommuneFile = z.infer<typeof communeFileSchema>;
export type CommuneSettings = Omit<CommuneFile, 'slug' | 'name'>;

export class CommuneFileError extends Error {}

/** Validates a parsed seed file; the error names the file and each broken field. */
export function parseCommuneFile(fileName: string, raw: unknown): CommuneFile {
  const result = communeFileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `${fileName}: ${issue.path.length ? issue.path.join('.') : '(racine)'}: ${issue.message}`,
    );
    throw new CommuneFileError(lines.join('\n'));
  }
  return result.data;
}
