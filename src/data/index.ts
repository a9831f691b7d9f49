import { communeRepository } from './commune-repository.ts';
import type { Database } from './database.ts';
import { familyRepository } from './family-repository.ts';
import { formSubmissionRepository } from './form-submission-repository.ts';
import { invoiceRepository } from './invoice-repository.ts';
import { invoicingFactsRepository } from './invoicing-facts-repository.ts';
import { invoicingRunRepository } from './invoicing-run-repository.ts';
import { activityRepository } from './activity-repository.ts';
import { auditRepository } from './audit-repository.ts';
import { attendanceRepository } from './attendance-repository.ts';
import { absenceRepository } from './absence-repository.ts';
import { storedFileRepository } from './stored-file-repository.ts';
import { bookingRepository } from './booking-repository.ts';
import { counterRepository } from './counter-repository.ts';
import { debitFileRepository } from './debit-file-repository.ts';
import { documentRepository } from './document-repository.ts';
import { registrationRepository } from './registration-repository.ts';
import { communicationRepositories } from './communication-repositories.ts';
import { mailOutboxRepository } from './mail-outbox-repository.ts';
import { paymentRepository } from './payment-repository.ts';
import { mandateRepository } from './mandate-repository.ts';
import { quotientRepository } from './quotient-repository.ts';
import { requestRepository } from './request-repository.ts';
import { sessionRepository } from './session-repository.ts';
import { signInEventRepository } from './sign-in-event-repository.ts';
import { tokenRepository } from './token-repository.ts';
import { userRepository } from './user-repository.ts';
import { privateFileRepository } from './private-file-repository.ts';
import { communeDocumentRepository } from './commune-document-repository.ts';

/** Composition root of the data layer. */
export function createRepositories(db: Database) {
  return {
    db,
    communes: communeRepository(db),
    families: familyRepository(db),
    users: userRepository(db),
    tokens: tokenRepository(db),
    outbox: mailOutboxRepository(db),
    requests: requestRepository(db),
    audit: auditRepository(db),
    attendance: attendanceRepository(db),
    absences: absenceRepository(db),
    storedFiles: storedFileRepository(db),
    documents: documentRepository(db),
    activities: activityRepository(db),
    registrations: registrationRepository(db),
    bookings: bookingRepository(db),
    counters: counterRepository(db),
    quotients: quotientRepository(db),
    mandates: mandateRepository(db),
    debitFiles: debitFileRepository(db),
    invoices: invoiceRepository(db),
    payments: paymentRepository(db),
    invoicingRuns: invoicingRunRepository(db),
    invoicingFacts: invoicingFactsRepository(db),
    formSubmissions: formSubmissionRepository(db),
    sessions: sessionRepository(db),
    signInEvents: signInEventRepository(db),
    privateFiles: privateFileRepository(db),
    communeDocuments: communeDocumentRepository(db),
    ...communicationRepositories(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
