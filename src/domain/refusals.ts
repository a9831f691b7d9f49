import type { MarkingRefusal, PeriodRefusal } from './attendance-sheet.ts';
import type { DateRefusal } from './date-input.ts';
import { ValidationError } from './errors.ts';
import type { PasswordProblem } from './password-policy.ts';

/**
 * Why a service refused a form's field: a code and the facts its sentence needs, never the sentence
 * (« codes in, words out »). A service throws them with `refused` (a `ValidationError`); the form layer
 * (`fieldErrorsOf` in `src/web/forms.ts`) has `src/i18n/refusal-words.ts` say each in French. That
 * table is exhaustive over the codes: a new code here, and the compiler asks for its words there.
 * Dates are calendar days (`YYYY-MM-DD`) or instants, amounts whole euros: the words format them.
 */
export type Refusal =
  // billing
  | { code: 'month_not_over' }
  | { code: 'credit_note_reason_missing' }
  | { code: 'credit_note_line_unavailable' }
  | { code: 'invoice_fully_credited' }
  // family: registrations
  | { code: 'already_registered'; childFirstName: string; activityName: string; schoolYear: string }
  | { code: 'child_not_in_family' }
  | { code: 'activity_not_offered' }
  | { code: 'school_year_not_open' }
  // family: the family file and accounts
  | { code: 'email_taken'; email: string }
  | { code: 'account_exists'; email: string }
  | { code: 'guardians_share_email' }
  | { code: 'file_reference_exists'; reference: string }
  | { code: 'field_locked'; label: string }
  | { code: 'field_not_for_member' }
  | { code: 'others_sign_in_address'; firstName: string; lastName: string }
  // family: quotient familial
  | { code: 'quotient_missing' }
  | { code: 'quotient_not_whole_euros' }
  | { code: 'quotient_too_high'; maxEuros: number }
  | { code: 'income_not_whole_euros' }
  | { code: 'income_too_high'; maxEuros: number }
  | { code: 'attestation_start_missing' }
  | { code: 'date_invalid' }
  | { code: 'date_refused'; refusal: DateRefusal }
  | { code: 'attestation_expired'; validUntil: string }
  | { code: 'attestation_start_too_late'; latestYear: number }
  | { code: 'attestation_file_missing' }
  | { code: 'declaration_pending'; submittedAt: Date }
  | { code: 'staff_quotient_invalid'; maxEuros: number }
  | { code: 'start_date_invalid' }
  | { code: 'end_date_invalid' }
  | { code: 'end_before_start' }
  // family: staff deciding requests
  | { code: 'request_quotient_expired'; requestId: number; validUntil: string }
  | { code: 'request_email_not_from_holder'; requestId: number; firstName: string; lastName: string }
  | { code: 'request_email_taken'; email: string }
  | { code: 'request_mandate_not_pending'; requestId: number }
  // booking
  | { code: 'absence_no_day' }
  | { code: 'absence_day_not_booked' }
  | { code: 'absence_reason_unknown' }
  | { code: 'absence_details_too_long' }
  | { code: 'absence_details_missing' }
  | { code: 'week_missing' }
  | { code: 'recurring_activity_not_registered' }
  | { code: 'attendance_marking'; refusal: MarkingRefusal }
  | { code: 'attendance_period'; refusal: PeriodRefusal }
  | { code: 'attendance_child_not_on_sheet' }
  | { code: 'attendance_child_not_registered'; activityName: string }
  | { code: 'attendance_child_booked'; childName: string }
  // accounts
  | { code: 'activation_link_expired' }
  | { code: 'activation_link_used' }
  | { code: 'reset_link_expired' }
  | { code: 'reset_link_used' }
  | { code: 'current_password_wrong' }
  | { code: 'password_unchanged' }
  | { code: 'password_weak'; problem: PasswordProblem }
  | { code: 'passwords_differ' }
  | { code: 'self_registration_closed' };

export type RefusalCode = Refusal['code'];

/** A field a service refuses, by a code. */
export interface FieldRefusal {
  field: string;
  refusal: Refusal;
  link?: { href: string; label: string };
}

/** What a service's checks collect: refusals by code, or (an area that still words its own) a message. */
export type FieldCheck = FieldRefusal | { field: string; message: string; link?: { href: string; label: string } };

/** The ValidationError a service throws, its codes checked by the compiler against `Refusal`. */
export function refused(problems: FieldCheck[], status = 400): ValidationError {
  return new ValidationError(problems, status);
}
