import { addDays, type CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { refused, type FieldCheck } from '../../domain/refusals.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { ABSENCE_REASON_LABELS } from '../../i18n/absence-words.ts';
import type { AbsenceReason } from '../../model/absence.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { checkUpload, fieldErrorOf, type CheckedUpload, type UploadInput } from '../files/file-checks.ts';
import { familyFiles, familyPdfLimits } from '../files/family-files.ts';

/** How far back and ahead a parent can justify booked days. */
export const ABSENCE_DAYS_BACK = 30;
export const ABSENCE_DAYS_AHEAD = 60;
const isAbsenceReason = (reason: string): reason is AbsenceReason => Object.hasOwn(ABSENCE_REASON_LABELS, reason);

export interface BookedDay {
  key: string;
  activityId: number;
  activityName: string;
  day: CalendarDay;
}

export interface AbsenceInput {
  days: string[];
  reason: string;
  details: string;
  /** `tooLarge` when the upload went over the limit (the body parser stopped reading it). */
  file?: UploadInput;
}

/**
 * Absence justification (DESIGN §7 Absences): a parent's request with an optional certificate,
 * decided by staff through the request queue (src/services/family/requests/absence.ts).
 */
export function absenceService(repositories: Repositories, clock: Clock) {
  const { families, bookings, activities, requests, absences } = repositories;
  const forms = formSubmissions(repositories, clock);
  const files = familyFiles(repositories);

  function requireFeature(commune: Commune) {
    if (!commune.settings.features.absenceJustification) throw new NotFoundError(`absences are off in ${commune.slug}`);
  }

  async function requireChild(communeId: number, familyId: number, memberId: number) {
    const member = await families.findMember(communeId, familyId, memberId);
    if (!member || member.role !== 'child') throw new NotFoundError(`no child ${memberId} in family ${familyId}`);
    return member;
  }

  async function bookedDays(commune: Commune, memberId: number): Promise<BookedDay[]> {
    const today = parisDay(clock.now());
    const list = (await bookings.listForMember(commune.id, memberId, addDays(today, -ABSENCE_DAYS_BACK), addDays(today, ABSENCE_DAYS_AHEAD))).filter(
      (booking) => booking.status === 'booked',
    );
    const names = new Map((await activities.listByIds(commune.id, [...new Set(list.map((booking) => booking.activityId))])).map((a) => [a.id, a.name]));
    return list.map((booking) => ({
      key: `${booking.activityId}:${booking.day}`,
      activityId: booking.activityId,
      activityName: names.get(booking.activityId) ?? '',
      day: booking.day,
    }));
  }

  return {
    async form(commune: Commune, familyId: number, memberId: number) {
      requireFeature(commune);
      const child = await requireChild(commune.id, familyId, memberId);
      return { child, days: await bookedDays(commune, memberId) };
    },

    /**
     * Checks everything, then writes the file, the request and its days in one transaction. The
     * same form posted twice (`formKey`) answers the first request and stores nothing more.
     */
    async submit(commune: Commune, user: User, memberId: number, input: AbsenceInput, formKey?: string): Promise<number> {
      requireFeature(commune);
      const familyId = user.familyId;
      if (!familyId) throw new NotFoundError('only a parent justifies an absence');
      const child = await requireChild(commune.id, familyId, memberId);
      const submission = submissionOf(commune, user, 'absence', formKey);
      const earlier = await forms.replay<number>(submission);
      if (earlier) return earlier.outcome;
      const offered = new Map((await bookedDays(commune, memberId)).map((day) => [day.key, day]));
      const errors: FieldCheck[] = [];
      const chosen = [...new Set(input.days)].map((key) => offered.get(key));
      if (!chosen.length) errors.push({ field: 'jours', refusal: { code: 'absence_no_day' } });
      else if (chosen.some((day) => !day)) errors.push({ field: 'jours', refusal: { code: 'absence_day_not_booked' } });
      if (!isAbsenceReason(input.reason)) errors.push({ field: 'motif', refusal: { code: 'absence_reason_unknown' } });
      const details = input.details.trim();
      if (details.length > 1000) errors.push({ field: 'precisions', refusal: { code: 'absence_details_too_long' } });
      if (input.reason === 'autre' && !details) errors.push({ field: 'precisions', refusal: { code: 'absence_details_missing' } });
      let file: CheckedUpload | undefined;
      if (input.file) {
        const checked = await checkUpload(input.file, 'justificatif', undefined, familyPdfLimits(commune));
        if ('error' in checked) errors.push(fieldErrorOf(checked.error));
        else file = checked.file;
      }
      if (errors.length) return forms.refuse<number>(submission, refused(errors));
      const days = chosen as BookedDay[];
      return forms.transaction(submission, async (trx) => {
        const [fileId = null] = file ? await files.store(commune, familyId, [file], { defaultName: 'justificatif', createdAt: clock.now(), field: 'justificatif' }, trx) : [];
        const requestId = await requests.insert(
          commune.id,
          {
            familyId,
            type: 'absence',
            memberId: child.id,
            submittedBy: user.id,
            submittedAt: clock.now(),
            payload: {
              kind: 'absence',
              childName: `${child.firstName} ${child.lastName}`,
              days: days.map((day) => ({ day: day.day, activityName: day.activityName })),
              // The request keeps the reason as it was said when it was made (its e-mails and pages show it).
              reason: ABSENCE_REASON_LABELS[input.reason as AbsenceReason],
              details: details || null,
              fileId,
              fileName: file ? file.originalName.slice(0, 200) : null,
            },
          },
          trx,
        );
        await absences.insertDays(commune.id, { requestId, familyId, memberId: child.id, days }, trx);
        return requestId;
      });
    },

    /**
     * The certificate of an absence request of the commune (staff), or of the family only (a
     * parent: another family's request is unknown, 404).
     */
    async certificateOfRequest(commune: Commune, requestId: number, familyId?: number) {
      const file = await repositories.storedFiles.findOfRequest(commune.id, requestId, familyId);
      if (!file) throw new NotFoundError(`no certificate for request ${requestId}`);
      return file;
    },

    /** Attendance and justified absences of a child's week: one query for the whole grid. */
    marks(commune: Commune, memberId: number, from: CalendarDay, to: CalendarDay) {
      return absences.marksForMember(commune.id, memberId, from, to);
    },
  };
}

export type AbsenceService = ReturnType<typeof absenceService>;
