import type { SchoolHolidaysFile } from '../domain/calendar/school-holidays.ts';
import type { Clock } from '../domain/clock.ts';
import type { Repositories } from '../data/index.ts';
import type { MailRenderer } from '../integrations/mail/mail-renderer.ts';
import type { MailThrottle } from '../integrations/mail-throttle.ts';
import type { SignInThrottle } from '../integrations/sign-in-throttle.ts';
import { accountService } from './account-service.ts';
import { emailChangeService } from './email-change-service.ts';
import { familyFileService } from './family-file-service.ts';
import { attendanceService } from './attendance-service.ts';
import { absenceService } from './absence-service.ts';
import { authService } from './auth-service.ts';
import { bookingGridService } from './booking-grid-service.ts';
import { calendarService } from './calendar-service.ts';
import { registrationService } from './registration-service.ts';
import { communeService } from './commune-service.ts';
import { communicationServices } from './communication-services.ts';
import { familyService } from './family-service.ts';
import { historyService } from './history-service.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { recurringBookingService } from './recurring-booking-service.ts';
import { seedService } from './seed-service.ts';
import { weekChangeService } from './week-change-service.ts';

export interface ServiceDependencies {
  repositories: Repositories;
  clock: Clock;
  hasher: PasswordHasher;
  production: boolean;
  mail: MailRenderer;
  throttle: SignInThrottle;
  mailThrottle: MailThrottle;
  /** The school holidays by zone shipped in seeds/calendar. */
  schoolHolidays: SchoolHolidaysFile;
}

/** Composition root of the use cases; `createApp` receives what this returns. */
export function createServices({ repositories, clock, hasher, production, mail, throttle, mailThrottle, schoolHolidays }: ServiceDependencies) {
  const calendars = calendarService(schoolHolidays, clock);
  const registrations = registrationService(repositories, clock, calendars);
  const bookingGrid = bookingGridService(repositories, clock, calendars);
  const weekChanges = weekChangeService(repositories, clock, mail, calendars);
  const absences = absenceService(repositories, clock);
  const accounts = accountService(repositories, hasher, clock, mail, mailThrottle);
  const emailChanges = emailChangeService(repositories, clock, mail, accounts);
  return {
    clock,
    communes: communeService(repositories),
    auth: authService(repositories, hasher, clock, throttle),
    history: historyService(repositories, clock),
    families: familyService(repositories),
    accounts,
    emailChanges,
    calendars,
    registrations,
    bookingGrid,
    weekChanges,
    recurringBookings: recurringBookingService(repositories, clock, mail, calendars),
    absences,
    familyFile: familyFileService(repositories, clock, mail, registrations, absences, emailChanges),
    attendance: attendanceService(repositories, clock, calendars),
    outbox: repositories.outbox,
    seed: seedService(repositories, hasher, { production }, calendars, clock, bookingGrid, weekChanges),
    ...communicationServices(repositories, clock, mail),
  };
}

export type Services = ReturnType<typeof createServices>;
