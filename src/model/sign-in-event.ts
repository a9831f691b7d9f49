export type SignInOutcome = 'success' | 'failure' | 'locked' | 'pending_activation';

export interface NewSignInEvent {
  /** The account the login named in this commune, or null when it named none. */
  userId: number | null;
  outcome: SignInOutcome;
  ip: string | null;
  userAgent: string | null;
  occurredAt: Date;
}

export interface SignInEvent extends NewSignInEvent {
  id: number;
}
