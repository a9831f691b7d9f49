import { z } from 'zod';
import { contrastRatio } from '../domain/contrast.ts';
import { CONTACT_PAGE_FIELDS, fieldDefinition } from '../domain/family-fields.ts';
import { checkBic, checkCreditorId, checkIban } from '../domain/sepa.ts';

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

const cents = z.number({ error: 'montant en centimes attendu' }).int('montant en centimes entiers, sans virgule').min(0, 'montant négatif');
const percent = (max: number) => z.number().int('pourcentage entier attendu').min(0).max(max, `pourcentage de ${max} au plus`);

/**
 * An activity's tariff (DESIGN §7, Tariffs; README « Tarifs »), amounts in integer cents:
 * - `brackets`: QF brackets, `upTo` in euros included, first match, sorted, the last one `null`
 *   (no upper bound); or `effort`: a linear taux d'effort (`rate` per euro of QF, six decimals at
 *   most) between `floor` and `ceiling`. Exactly one of the two. Without a valid QF: top bracket or ceiling.
 * - `nonResidentPrice`: one price for families living outside the commune.
 * - `unbookedSurchargePercent`: a day attended without booking costs the unit price plus this
 *   percentage (0: the unit price); absent, such a day is not billed.
 * - `noShow`: a booked day neither attended nor justified, `"full"` (default) or `{ "penalty": cents }`.
 * - `siblingReduction`: `[{ "fromChild": 2, "percent": 10 }, { "fromChild": 3, "percent": 20 }]`.
 */
const tariffSchema = z
  .object({
    brackets: z
      .array(z.object({ upTo: z.number().int('plafond en euros entiers').min(0).nullable(), price: cents }).strict())
      .min(1, 'au moins une tranche')
      .superRefine((brackets, ctx) => {
        brackets.forEach((bracket, index) => {
          const previous = brackets[index - 1];
          if (bracket.upTo === null && index < brackets.length - 1) {
            ctx.addIssue({ code: 'custom', path: [index, 'upTo'], message: 'seule la dernière tranche peut être sans plafond (null)' });
          } else if (bracket.upTo !== null && previous && previous.upTo !== null && bracket.upTo <= previous.upTo) {
            ctx.addIssue({ code: 'custom', path: [index, 'upTo'], message: 'les tranches doivent être rangées par plafond croissant' });
          }
        });
        const last = brackets.at(-1);
        if (last && last.upTo !== null) {
          ctx.addIssue({
            code: 'custom',
            path: [brackets.length - 1, 'upTo'],
            message: 'la dernière tranche doit être sans plafond (« upTo »: null) : le tarif maximum',
          });
        }
      })
      .optional(),
    effort: z
      .object({
        rate: z
          .number()
          .positive('taux positif attendu')
          .max(0.1, 'taux de 0,1 (10 % du quotient) au plus')
          .refine((rate) => Math.abs(Math.round(rate * 1e6) - rate * 1e6) < 1e-6, 'taux à six décimales au plus'),
        floor: cents,
        ceiling: cents,
      })
      .strict()
      .refine((effort) => effort.floor <= effort.ceiling, { path: ['ceiling'], message: 'le plafond doit être au moins égal au plancher' })
      .optional(),
    nonResidentPrice: cents.optional(),
    unbookedSurchargePercent: percent(200).optional(),
    noShow: z.union([z.literal('full'), z.object({ penalty: cents }).strict()], { error: '"full" ou { "penalty": centimes } attendu' }).default('full'),
    siblingReduction: z
      .array(z.object({ fromChild: z.number().int().min(2, 'à partir du 2e enfant'), percent: percent(100).min(1) }).strict())
      .default([])
      .superRefine((steps, ctx) => {
        steps.forEach((step, index) => {
          if (index > 0 && step.fromChild <= steps[index - 1]!.fromChild) {
            ctx.addIssue({ code: 'custom', path: [index, 'fromChild'], message: 'rangées par rang d\'enfant croissant' });
          }
        });
      }),
  })
  .strict()
  .superRefine((tariff, ctx) => {
    if ((tariff.brackets === undefined) === (tariff.effort === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'un tarif a soit « brackets » (tranches de quotient), soit « effort » (taux d\'effort), l\'un des deux' });
    }
  });

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
    tariff: tariffSchema,
  })
  .strict();

/**
 * A document the commune asks for (issue 13): for the family or for each child; the activities
 * whose `requiredDocuments` name it refuse a registration request until it is accepted and valid.
 * `blocksBooking`: bookings of those activities are refused too while it is missing (default: no).
 */
const documentTypeSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    scope: z.enum(['family', 'child']),
    formats: z.array(z.enum(['pdf', 'jpeg', 'png'])).min(1),
    maxSizeMb: z.number().int().min(1).max(20).default(5),
    blocksBooking: z.boolean().default(false),
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

/**
 * Invoicing (DESIGN §7 Invoices; README « Facturation »): `dueDays`, the calendar days between an
 * invoice's issue and its due date; `residentCities`, the cities whose families pay the resident
 * price besides the commune's own name (a commune with several localities lists them). Residence is
 * decided by the family's city, not its postcode (src/domain/invoicing.ts, `isResident`).
 */
const billingSchema = z
  .object({
    dueDays: z.number().int('nombre de jours entier attendu').min(1, 'au moins 1 jour').max(90, '90 jours au plus'),
    residentCities: z.array(z.string().min(1)).default([]),
  })
  .strict();

/**
 * Online payment (DESIGN §7 Payment): the provider and the commune's account with it. PayFiP
 * gives each régie a 6-digit client number (numcli) and a mode: T test, X activation (the first
 * real payments, checked by the DGFiP), W production. Nothing secret here: PayFiP's Régie
 * Web-Service has no credential beyond numcli; its address comes from the environment (PAYFIP_URL).
 */
const paymentSchema = z
  .object({
    provider: z.literal('payfip'),
    numcli: z.string().regex(/^\d{6}$/, 'numéro client PayFiP : 6 chiffres'),
    saisie: z.enum(['T', 'X', 'W'], { error: 'T (test), X (activation) ou W (production) attendu' }),
  })
  .strict();

/**
 * Direct debit (DESIGN §7 Direct debit, issue 12 item 6), required where `features.directDebit` is
 * on: the commune as SEPA creditor — its creditor identifier (ICS), the name banks show, the
 * account debits are paid into — and `mandatePrefix`, which starts each of its mandate references
 * (RUM « MSD-<family reference>-1 »). Each value is checked like a parent's (src/domain/sepa.ts).
 */
const directDebitSchema = z
  .object({
    creditorId: z.string().refine((value) => checkCreditorId(value).ok, 'identifiant créancier SEPA (ICS) invalide : FR, 2 chiffres de contrôle, ZZZ, 6 caractères'),
    creditorName: z.string().min(1).max(70, '70 caractères au plus'),
    iban: z.string().refine((value) => checkIban(value).ok, 'IBAN invalide'),
    bic: z.string().refine((value) => checkBic(value).ok, 'BIC invalide'),
    mandatePrefix: z.string().regex(/^[A-Z0-9]{2,8}$/, '2 à 8 lettres capitales ou chiffres'),
  })
  .strict();

/**
 * « Écrire au service » (issue 13 item 6): the subjects a family chooses from, in the commune's
 * words. A commune file without the list offers these.
 */
export const DEFAULT_CONTACT_SUBJECTS = ['Inscriptions', 'Réservations et annulations', 'Facturation et paiement', 'Documents', 'Autre'];

/**
 * Messages between families and the service. `privateMails` (the default): the e-mail telling a
 * family that the service wrote or answered says only that a message waits, with a link — never
 * its text, which stays behind the sign-in. `false`: the e-mail carries the text too.
 */
const messagesSchema = z.object({ privateMails: z.boolean().default(true) }).strict();

/**
 * What one family may send (issue 18 item 7), with defaults that no real family reaches:
 * - `threadsPerHour` / `messagesPerHour`: new conversations, and messages of any kind (new ones
 *   and answers), a parent account may send in an hour; beyond, a French answer and the text kept;
 * - `sendingMaxPages` / `sendingMaxMb`: one sending of a requested document, all its files (a PDF
 *   counts its pages, an image one page), including the files joined to it while it waits;
 * - `familyStorageMb`: everything the family keeps — requested documents, message attachments,
 *   absence certificates, quotient attestations and its guardians' porte-documents.
 */
const limitsSchema = z
  .object({
    threadsPerHour: z.number().int().min(1).max(1000).default(5),
    messagesPerHour: z.number().int().min(1).max(1000).default(20),
    sendingMaxPages: z.number().int().min(1).max(200).default(20),
    sendingMaxMb: z.number().int().min(1).max(200).default(25),
    familyStorageMb: z.number().int().min(5).max(10_000).default(200),
  })
  .strict();

export type CommuneLimits = z.infer<typeof limitsSchema>;
export const DEFAULT_LIMITS: CommuneLimits = limitsSchema.parse({});

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
    contactSubjects: z
      .array(z.string().trim().min(1).max(80, '80 caractères au plus'))
      .min(1)
      .max(30)
      .refine((subjects) => new Set(subjects).size === subjects.length, 'objet en double')
      .default(DEFAULT_CONTACT_SUBJECTS),
    messages: messagesSchema.default({ privateMails: true }),
    limits: limitsSchema.default(DEFAULT_LIMITS),
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
    billing: billingSchema.default({ dueDays: 30, residentCities: [] }),
    payment: paymentSchema.optional(),
    directDebit: directDebitSchema.optional(),
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
    if (file.features.onlinePayment && !file.payment) {
      ctx.addIssue({ code: 'custom', path: ['payment'], message: 'requis quand features.onlinePayment est activé (numéro client PayFiP et mode)' });
    }
    if (file.features.selfRegistration !== (file.signIn.accountCreation === 'self_registration')) {
      ctx.addIssue({
        code: 'custom',
        path: ['features', 'selfRegistration'],
        message: 'doit correspondre à signIn.accountCreation',
      });
    }
    if (file.features.directDebit && !file.directDebit) {
      ctx.addIssue({ code: 'custom', path: ['directDebit'], message: 'obligatoire quand features.directDebit est activé' });
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
