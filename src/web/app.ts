import { randomUUID } from 'node:crypto';
import path from 'node:path';
import connectPgSimple from 'connect-pg-simple';
import express, { Router, type Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import passportModule from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Services } from '../services/index.ts';
import { csrfProtection } from './middleware/csrf.ts';
import { errorHandler, notFound } from './middleware/errors.ts';
import { messageCounts } from './middleware/message-counts.ts';
import { resolveTenant } from './middleware/tenant.ts';
import { adminRouter } from './routes/admin/index.ts';
import { devMailboxRouter } from './routes/dev-mailbox.ts';
import { activationRouter } from './routes/portal/activation.ts';
import { passwordRouter } from './routes/portal/password.ts';
import { emailConfirmationRouter } from './routes/portal/email-confirmation.ts';
import { selfRegistrationRouter } from './routes/portal/self-registration.ts';
import { dashboardRouter } from './routes/portal/dashboard.ts';
import { familyRouter } from './routes/portal/family.ts';
import { registrationsRouter } from './routes/portal/registrations.ts';
import { bookingsRouter } from './routes/portal/bookings.ts';
import { absencesRouter } from './routes/portal/absences.ts';
import { quotientRouter } from './routes/portal/quotient.ts';
import { documentsRouter } from './routes/portal/documents.ts';
import { directDebitRouter } from './routes/portal/direct-debit.ts';
import { recurringBookingRouter } from './routes/portal/recurring-booking.ts';
import { historyRouter } from './routes/portal/history.ts';
import { invoicesRouter } from './routes/portal/invoices.ts';
import { paymentsRouter } from './routes/portal/payments.ts';
import { onlinePaymentNotificationRouter, onlinePaymentRouter } from './routes/portal/online-payment.ts';
import { homeRouter } from './routes/portal/home.ts';
import { messagesRouter } from './routes/portal/messages.ts';
import { simulatorRouter } from './routes/portal/simulator.ts';
import { privateFilesRouter } from './routes/portal/private-files.ts';
import { documentationRouter } from './routes/portal/documentation.ts';
import { failureInfo, signInContext, signInRouter } from './routes/portal/sign-in.ts';
import { publicRouter } from './routes/public.ts';
import { configureViews } from './views.ts';
import { maskRequestSecrets } from '../logger.ts';

export interface AppOptions {
  services: Services;
  logger: Logger;
  /** The pg pool that stores sessions (the app's own database). */
  sessionPool: Pool;
  sessionSecret: string;
  production: boolean;
  /** `/_dev/mails`: only on a developer's own machine (see `developmentTools` in config/env). */
  devMailbox?: boolean;
  /**
   * The origin of the online payment site (PayFiP's, or the local simulator's): « Payer en ligne »
   * posts here and is redirected there, and browsers hold that redirect to the page's form-action.
   */
  paymentSiteOrigin?: string;
  /** Development: templates are read again at each page, so edits show without a restart. */
  reloadTemplates?: boolean;
  trustProxy?: boolean;
}

const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;

export function createApp({ services, logger, sessionPool, sessionSecret, production, devMailbox = false, reloadTemplates = false, paymentSiteOrigin, trustProxy }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  if (trustProxy) app.set('trust proxy', 1);
  configureViews(app, reloadTemplates);

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url?.startsWith('/static/') === true },
      // Activation and reset links carry their token in the path (and in the next request's Referer).
      serializers: { req: maskRequestSecrets },
    }),
  );

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'", ...(paymentSiteOrigin ? [paymentSiteOrigin] : [])],
          frameAncestors: ["'none'"],
          // Over plain http (development, tests) an upgrade would break every form.
          upgradeInsecureRequests: production ? [] : null,
        },
      },
      strictTransportSecurity: production,
    }),
  );

  app.use('/static', express.static(path.resolve(import.meta.dirname, '../../public'), { maxAge: production ? '1d' : 0 }));
  // Pages are personal (signed in) or carry a CSRF token: never kept by the browser or a proxy, so
  // Back after sign-out on a shared computer shows nothing and no form comes back with a stale token.
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));

  const PgStore = connectPgSimple(session);
  app.use(
    session({
      name: 'ef.sid',
      store: new PgStore({ pool: sessionPool, tableName: 'session', createTableIfMissing: false }),
      secret: sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: production, maxAge: SESSION_IDLE_MS },
    }),
  );

  // express-session stores a changed session while the response is written, so a browser may follow
  // a redirect before the flash message or the sign-in is saved: save first, then redirect.
  app.use((req, res, next) => {
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      const hasContent = req.session && Object.keys(req.session).some((key) => key !== 'cookie');
      if (!hasContent) return redirect(...args);
      req.session.save((error) => (error ? next(error) : redirect(...args)));
    }) as typeof res.redirect;
    next();
  });

  // A passport instance of this app only: no module-level singleton.
  const passport = new passportModule.Passport();
  passport.use(
    new LocalStrategy(
      { usernameField: 'identifiant', passwordField: 'motDePasse', passReqToCallback: true },
      (req, login, password, done) => {
        const commune = req.res!.locals.commune!;
        services.auth
          .authenticate(commune.id, login, password, signInContext(req))
          .then((result) => (result.ok ? done(null, result.user) : done(null, false, failureInfo(result))))
          .catch(done);
      },
    ),
  );
  passport.serializeUser<{ userId: number; communeId: number }>((user, done) =>
    done(null, { userId: user.id, communeId: user.communeId }),
  );
  app.use(passport.initialize());

  app.use((req, res, next) => {
    res.locals.requestPath = req.path;
    // A flash message is shown once, on the next page rendered.
    if (req.session.flash) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });

  app.use(publicRouter(services));
  if (devMailbox && !production) app.use(devMailboxRouter(services));

  const commune = Router({ mergeParams: true });
  commune.use(resolveTenant(services));
  // PayFiP's notification is a server-to-server POST with no CSRF token: it is answered before the check.
  commune.use(onlinePaymentNotificationRouter(services, logger));
  // Every POST below, multipart included (its token is read from the body's start); a route that
  // takes a file declares its parser with itself (src/web/uploads.ts).
  commune.use(...csrfProtection());
  commune.use(messageCounts(services));
  commune.use(homeRouter(services));
  commune.use(signInRouter(passport));
  commune.use(activationRouter(services));
  commune.use(selfRegistrationRouter(services));
  commune.use(passwordRouter(services));
  commune.use(emailConfirmationRouter(services));
  commune.use(dashboardRouter(services));
  commune.use(familyRouter(services));
  commune.use(registrationsRouter(services));
  commune.use(bookingsRouter(services));
  commune.use(absencesRouter(services));
  commune.use(quotientRouter(services));
  commune.use(documentsRouter(services));
  commune.use(directDebitRouter(services));
  commune.use(recurringBookingRouter(services));
  commune.use(historyRouter(services));
  commune.use(messagesRouter(services));
  commune.use(simulatorRouter(services));
  commune.use(invoicesRouter(services));
  commune.use(paymentsRouter(services));
  commune.use(onlinePaymentRouter(services));
  commune.use(privateFilesRouter(services));
  commune.use(documentationRouter(services));
  commune.use('/admin', adminRouter(services));
  app.use('/:commune', commune);

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}
