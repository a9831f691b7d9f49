import type { SchoolHolidaysFile } from '../domain/calendar/school-holidays.ts';
import type { Clock } from '../domain/clock.ts';
import type { Repositories } from '../data/index.ts';
import type { DataCipher } from '../integrations/data-cipher.ts';
import type { MailRenderer } from '../integrations/mail/mail-renderer.ts';
import type { PaymentProvider } from '../integrations/payfip/index.ts';
import type { MailThrottle } from '../integrations/mail-throttle.ts';
import type { SendThrottle } from '../integrations/send-throttle.ts';
import type { SignInThrottle } from '../integrations/sign-in-throttle.ts';
import { activationService } from './accounts/activation-service.ts';
import { emailChangeService } from './accounts/email-change-service.ts';
import { familyCreationService } from './family/family-creation-service.ts';
import { familyEditService } from './family/family-edit-service.ts';
import { familyImportService } from './family/family-import-service.ts';
import { attendanceService } from './booking/attendance-service.ts';
import { absenceService } from './booking/absence-service.ts';
import { authService } from './accounts/auth-service.ts';
import { bookingGridService } from './booking/booking-grid-service.ts';
import { calendarService } from './booking/calendar-service.ts';
import { registrationService } from './family/registration-service.ts';
import { communeService } from './commune/commune-service.ts';
import { communicationServices } from './messages/communication-services.ts';
import { familyService } from './family/family-service.ts';
import { historyService } from './accounts/history-service.ts';
import { invoiceService } from './billing/invoice-service.ts';
import { invoicingService } from './billing/invoicing-service.ts';
import { paymentService } from './payment/payment-service.ts';
import { onlinePaymentService } from './payment/online-payment-service.ts';
import { journalService } from './commune/journal-service.ts';
import type { PasswordHasher } from './accounts/password-hasher.ts';
import { passwordService } from './accounts/password-service.ts';
import { quotientService } from './family/quotient-service.ts';
import { mandateService } from './payment/mandate-service.ts';
import { directDebitService } from './payment/direct-debit-service.ts';
import { bankDetailsService } from './payment/bank-details-service.ts';
import { documentService } from './documents/document-service.ts';
import { recurringBookingService } from './booking/recurring-booking-service.ts';
import { requestQueueService } from './family/request-queue-service.ts';
import { requestTypeRegistry } from './family/requests/registry.ts';
import { seedService } from './commune/seed-service.ts';
import { selfRegistrationService } from './accounts/self-registration-service.ts';
import { simulatorService } from './billing/simulator-service.ts';
import { staffFamilyFileService } from './family/staff-family-file-service.ts';
import { weekChangeService } from './booking/week-change-service.ts';
import { privateFileService } from './documents/private-file-service.ts';
import { documentationService } from './documents/documentation-service.ts';
import { familyFiles } from './files/family-files.ts';

export interface ServiceDependencies {
  repositories: Repositories;
  clock: Clock;
  hasher: PasswordHasher;
  production: boolean;
  mail: MailRenderer;
  throttle: SignInThrottle;
  mailThrottle: MailThrottle;
  /** Conversations and messages a parent account may send (issue 18 item 7). */
  sendThrottle: SendThrottle;
  /** The school holidays by zone shipped in seeds/calendar. */
  schoolHolidays: SchoolHolidaysFile;
  /** The online payment provider (PayFiP, or the local simulator), undefined when none is configured. */
  paymentProvider?: PaymentProvider;
  /** The portal's public address, for the provider's notification and return URLs. */
  publicUrl: string;
  /** The key ring that encrypts bank details at rest (README « Bank details »). */
  cipher: DataCipher;
}

/** Composition root of the use cases; `createApp` receives what this returns. */
export function createServices({ repositories, clock, hasher, production, mail, throttle, mailThrottle, sendThrottle, schoolHolidays, paymentProvider, publicUrl, cipher }: ServiceDependencies) {
  const calendars = calendarService(schoolHolidays, clock);
  const registrations = registrationService(repositories, clock, calendars);
  const bookingGrid = bookingGridService(repositories, clock, calendars);
  const weekChanges = weekChangeService(repositories, clock, mail, calendars);
  const absences = absenceService(repositories, clock);
  const activation = activationService(repositories, hasher, clock, mail, mailThrottle);
  const familyCreation = familyCreationService(repositories, clock, activation);
  const emailChanges = emailChangeService(repositories, clock, mail, activation);
  const requestTypes = requestTypeRegistry({ repositories, clock, emailChanges });
  const quotients = quotientService(repositories, clock);
  const payments = paymentService(repositories, clock, mail);
  const invoicing = invoicingService(repositories, clock, calendars, quotients, { creditNoteIssued: payments.creditNoteIssued });
  const bankDetails = bankDetailsService(repositories, cipher);
  return {
    clock,
    communes: communeService(repositories),
    auth: authService(repositories, hasher, clock, throttle),
    history: historyService(repositories, clock),
    families: familyService(repositories),
    activation,
    familyCreation,
    familyImport: familyImportService(familyCreation, repositories.families, clock),
    selfRegistration: selfRegistrationService(repositories, hasher, clock, mail, mailThrottle),
    passwords: passwordService(repositories, hasher, clock, mail, mailThrottle),
    emailChanges,
    calendars,
    simulator: simulatorService(repositories, calendars),
    registrations,
    bookingGrid,
    weekChanges,
    recurringBookings: recurringBookingService(repositories, clock, mail, calendars),
    absences,
    documents: documentService(repositories, clock, mail),
    quotients,
    mandates: mandateService(repositories, clock, bankDetails),
    directDebits: directDebitService(repositories, clock, payments, mail, bankDetails),
    bankDetails,
    invoicing,
    invoices: invoiceService(repositories, clock),
    payments,
    onlinePayments: onlinePaymentService(repositories, clock, payments, paymentProvider, publicUrl),
    familyEdits: familyEditService(repositories, clock, emailChanges),
    requestQueue: requestQueueService(repositories, clock, mail, requestTypes),
    staffFamilyFile: staffFamilyFileService(repositories, clock, emailChanges),
    journal: journalService(repositories),
    attendance: attendanceService(repositories, clock, calendars),
    outbox: repositories.outbox,
    seed: seedService(repositories, hasher, { production }, calendars, clock, bookingGrid, weekChanges, invoicing, payments),
    privateFiles: privateFileService(repositories, clock),
    /** The space a family's files take and its budget, for the pages where it sends files. */
    familyStorage: familyFiles(repositories).storage,
    documentation: documentationService(repositories, clock),
    ...communicationServices(repositories, clock, mail, sendThrottle),
  };
}

export type Services = ReturnType<typeof createServices>;
