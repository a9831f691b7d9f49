import { NotFoundError } from '../../domain/errors.ts';
import { refused } from '../../domain/refusals.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { Registration, RegistrationFilters } from '../../data/registration-repository.ts';
import type { User } from '../../data/user-repository.ts';
import { renderRegistrationAttestation } from '../../integrations/pdf/attestation-pdf.ts';
import type { CalendarService } from '../booking/calendar-service.ts';
import { documentRequirements } from '../documents/document-requirements.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';

/** A live registration or request exists: the form says so next to the activity. */
const alreadyAsked = (childFirstName: string, activityName: string, schoolYear: string) =>
  refused([{ field: 'activite', refusal: { code: 'already_registered', childFirstName, activityName, schoolYear } }]);

/**
 * Registrations of children to activities (DESIGN §7 Registrations): asked by parents, decided by
 * staff through the request queue (src/services/family/requests/registration.ts).
 */
export function registrationService(repositories: Repositories, clock: Clock, calendars: CalendarService) {
  const { registrations, activities, families, requests } = repositories;
  const forms = formSubmissions(repositories, clock);
  const requirements = documentRequirements(repositories, clock);

  return {
    listActivities(commune: Commune) {
      return activities.listActive(commune.id);
    },

    async formOptions(commune: Commune, familyId: number) {
      const members = await families.listMembers(commune.id, familyId);
      return {
        children: members.filter((member) => member.role === 'child'),
        activities: await activities.listActive(commune.id),
        schoolYears: calendars.openSchoolYears(commune),
      };
    },

    /**
     * A parent asks; the request and the pending registration are written together. The activity's
     * mandatory documents must be accepted and valid first (src/services/documents/document-requirements.ts). The same form
     * posted twice (`formKey`) answers the first registration; two forms asking the same child,
     * activity and year at the same moment make one registration, the other is told it exists.
     */
    async request(
      commune: Commune,
      user: User,
      input: { memberId: number; activityId: number; schoolYear: string },
      formKey?: string,
    ): Promise<number> {
      const familyId = user.familyId!;
      const submission = submissionOf(commune, user, 'registration', formKey);
      // Before the rules: the first submission made « already asked » true for this one.
      const earlier = await forms.replay<number>(submission);
      if (earlier) return earlier.outcome;
      const child = await families.findMember(commune.id, familyId, input.memberId);
      if (!child || child.role !== 'child') {
        throw refused([{ field: 'enfant', refusal: { code: 'child_not_in_family' } }]);
      }
      const activity = await activities.findById(commune.id, input.activityId);
      if (!activity || !activity.active) throw refused([{ field: 'activite', refusal: { code: 'activity_not_offered' } }]);
      const year = calendars.openSchoolYears(commune).find((candidate) => candidate.name === input.schoolYear);
      if (!year) throw refused([{ field: 'anneeScolaire', refusal: { code: 'school_year_not_open' } }]);
      // Issue 13: a mandatory document missing, being checked, refused or expired → nothing is written.
      await requirements.refuseUnlessProvided(commune, familyId, child, activity);
      return forms.transaction(submission, async (trx) => {
        // Checked once the form's key is ours: the same form posted at the same moment waits on the
        // key and answers the first outcome, rather than being told its own request exists.
        if (await registrations.findLive(commune.id, child.id, activity.id, year.name, trx)) throw alreadyAsked(child.firstName, activity.name, year.name);
        const requestId = await requests.insert(
          commune.id,
          {
            familyId,
            type: 'registration',
            memberId: child.id,
            submittedBy: user.id,
            submittedAt: clock.now(),
            payload: {
              kind: 'registration',
              childName: `${child.firstName} ${child.lastName}`,
              activityName: activity.name,
              schoolYear: year.name,
              startsOn: year.startsOn,
              endsOn: year.endsOn,
            },
          },
          trx,
        );
        const registrationId = await registrations.insertUnlessLive(
          commune.id,
          { familyId, memberId: child.id, activityId: activity.id, schoolYear: year.name, startsOn: year.startsOn, endsOn: year.endsOn, requestId, createdAt: clock.now() },
          trx,
        );
        // Asked meanwhile from another form: the request written above goes with the rollback.
        if (registrationId === undefined) throw alreadyAsked(child.firstName, activity.name, year.name);
        return registrationId;
      });
    },

    listForFamily(commune: Commune, familyId: number, filters: RegistrationFilters): Promise<Registration[]> {
      return registrations.listForFamily(commune.id, familyId, filters);
    },

    /** The « attestation d'inscription » of a validated registration of the family; 404 otherwise. */
    async attestation(commune: Commune, familyId: number, registrationId: number): Promise<{ filename: string; pdf: Buffer }> {
      const registration = await registrations.findForFamily(commune.id, familyId, registrationId);
      if (!registration || registration.status !== 'validated' || !registration.reference) {
        throw new NotFoundError(`no validated registration ${registrationId} for family ${familyId}`);
      }
      const family = (await families.findById(commune.id, familyId))!;
      const pdf = await renderRegistrationAttestation({
        commune,
        reference: registration.reference,
        familyName: family.name,
        familyReference: family.reference,
        child: { firstName: registration.childFirstName, lastName: registration.childLastName, birthDate: registration.childBirthDate },
        activityName: registration.activityName,
        schoolYear: registration.schoolYear,
        startsOn: registration.startsOn,
        endsOn: registration.endsOn,
        validatedAt: registration.decidedAt!,
        issuedAt: clock.now(),
      });
      return { filename: `attestation-inscription-${registration.reference}.pdf`, pdf };
    },

    /** For staff: who is registered to an activity on a day, and whether the day is open. */
    async registeredOn(commune: Commune, activityCode: string, day: string) {
      const activity = await activities.findByCode(commune.id, activityCode);
      if (!activity) throw new NotFoundError(`no activity ${activityCode}`);
      return {
        activity,
        status: calendars.dayStatus(commune, activity, day),
        children: await registrations.validatedOn(commune.id, activity.id, day),
      };
    },
  };
}

export type RegistrationService = ReturnType<typeof registrationService>;
