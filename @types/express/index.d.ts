import type { Commune } from '../../src/model/commune.ts';
import type { User as AppUser } from '../../src/model/user.ts';
import type { FieldError } from '../../src/web/forms.ts';

declare global {
  namespace Express {
    // passport's `req.user` is the signed-in account of the commune in the URL.
    interface User extends AppUser {}

    interface Locals {
      commune?: Commune;
      user?: AppUser;
      errors?: FieldError[];
      values?: Record<string, unknown>;
      csrfToken?: () => string;
      requestPath?: string;
      flash?: { kind: 'success' | 'info'; message: string };
      url?: (path?: string) => string;
      /** The navigation's « Messages (n) »: unread for a parent, waiting for an answer for staff. */
      messageNav?: { count: number; words: string };
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    flash?: { kind: 'success' | 'info'; message: string };
    csrfToken?: string;
    /** Shown after « Créer mon espace », kept for a refresh of the confirmation page. */
    registrationReceipt?: { deadline: string; identifier: string; email: string };
    /** What « Valider » did to a child's week, shown once on the grid of that child and week. */
    bookingOutcome?: {
      memberId: number;
      week: string;
      title: string;
      kind: 'success' | 'info';
      days: { heading: string; done: string[]; refused: string[] }[];
    };
    /** Written by passport's req.logIn through our serializeUser. */
    passport?: { user?: { userId: number; communeId: number } };
  }
}

export {};
