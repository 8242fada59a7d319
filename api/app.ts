// The web app: security headers, sessions, locale, the citizen and staff pages and the JSON API.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import cookieParser from 'cookie-parser';
import { projectRoot } from '../lib/paths';
import { directCatalog } from '../lib/published-catalog';
import express from 'express';
import helmet from 'helmet';
import { buildBrowserAssets } from '../lib/browser-assets';
import { LOCALES, type Locale } from '../lib/i18n';
import type { AppContext } from './context';
import { errorHandler, notFound } from './errors';
import { databaseCheck, healthRoutes, temporalCheck } from './health';
import { bindTrackingCode, requestLogger, requestTiming, TRACKED_PATHS } from './request-log';
import { adminApiKeyRoutes } from './routes/admin-api-keys';
import { adminAuditRoutes } from './routes/admin-audit';
import { adminDepartmentRoutes } from './routes/admin-departments';
import { adminHolidayRoutes } from './routes/admin-holidays';
import { adminServiceRoutes } from './routes/admin-services';
import { adminStaffRoutes } from './routes/admin-staff';
import { adminWebhookRoutes } from './routes/admin-webhooks';
import { applyRoutes } from './routes/apply';
import { assignmentRoutes } from './routes/assignment';
import { catalogRoutes } from './routes/catalog';
import { citizenLoginRoutes } from './routes/citizen-login';
import { counterRoutes } from './routes/counter';
import { devRoutes } from './routes/dev';
import { documentRoutes } from './routes/documents';
import { embedRoutes } from './routes/embed';
import { integrationRoutes } from './routes/integrations';
import { jsonApiRoutes, jsonBodiesOnly } from './routes/json-api';
import { paymentRoutes } from './routes/payment';
import { staffLoginRoutes } from './routes/staff-login';
import { registryRoutes } from './routes/registry';
import { reportRoutes } from './routes/reports';
import { resubmitRoutes } from './routes/resubmit';
import { resultRoutes } from './routes/result';
import { staffRequestRoutes } from './routes/staff-requests';
import { surveyRoutes } from './routes/survey';
import { temporalCodecRoutes } from './routes/temporal-codec';
import { trackRoutes } from './routes/track';
import { treasuryRoutes } from './routes/treasury';
import { verifyRoutes } from './routes/verify';
import { createThrottles } from './throttles';
import { createViewEngine, viewsDir } from './views';

const root = projectRoot;

export function createApp(given: Omit<AppContext, 'throttles' | 'catalog'> & Partial<Pick<AppContext, 'throttles' | 'catalog'>>): express.Express {
  const ctx: AppContext = { ...given, throttles: given.throttles ?? createThrottles(given.db, given.config), catalog: given.catalog ?? directCatalog(given.db) };
  buildBrowserAssets();
  const app = express();
  const production = ctx.config.env === 'production';
  app.disable('x-powered-by');
  // Only the proxies named in TRUST_PROXY may say who the client is; by default nobody can.
  app.set('trust proxy', ctx.config.trustProxy);
  app.engine('hbs', createViewEngine(production));
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);

  // One nonce per page for the style sheets a script writes (the service editor's); no inline script is allowed at all.
  app.use((_req, res, next) => {
    res.locals.styleNonce = randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.styleNonce}'`],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          formAction: ["'self'", new URL(ctx.config.paymentGatewayUrl).origin],
          frameAncestors: ["'self'"],
          upgradeInsecureRequests: production ? [] : null,
        },
      },
      strictTransportSecurity: production,
    }),
  );
  app.use('/static/fonts', express.static(path.join(root, 'node_modules', 'vazirmatn', 'fonts', 'webfonts'), { maxAge: '30d', immutable: true }));
  app.use('/static', express.static(path.join(root, 'public'), { maxAge: production ? '1d' : 0 }));
  app.get('/favicon.ico', (_req, res) => res.type('image/x-icon').set('Cache-Control', 'public, max-age=86400').sendFile(path.join(root, 'public', 'favicon.ico')));
  app.use(requestTiming(ctx.metrics));
  app.use(requestLogger(ctx.log));
  app.use(TRACKED_PATHS, bindTrackingCode);
  // Before cookies and sessions: probes stay cheap and never touch the session table.
  app.use(healthRoutes({ readiness: { postgres: databaseCheck(ctx.db), temporal: temporalCheck(ctx.temporal) }, metrics: ctx.metrics, metricsToken: ctx.config.metricsToken }));
  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 200 }));
  app.use('/api', express.json({ limit: '200kb' }));
  app.use('/api', jsonBodiesOnly);
  app.use(ctx.sessions.load);
  app.use((req, res, next) => {
    const asked = typeof req.query.lang === 'string' && LOCALES.includes(req.query.lang as Locale) ? (req.query.lang as Locale) : null;
    if (asked) res.cookie('pk_lang', asked, { httpOnly: true, sameSite: 'lax', secure: production, maxAge: 365 * 86400_000 });
    const locale: Locale = asked ?? (LOCALES.includes(req.cookies?.pk_lang) ? req.cookies.pk_lang : 'fa');
    res.locals.locale = locale;
    res.locals.dir = locale === 'fa' ? 'rtl' : 'ltr';
    res.locals.citizen = req.citizen;
    res.locals.staff = req.staff;
    res.locals.path = req.path;
    res.locals.otherLocale = locale === 'fa' ? 'en' : 'fa';
    // A page rendered with a 4xx or 5xx says so in its title, before anything else.
    const render = res.render.bind(res) as (...args: unknown[]) => void;
    res.render = ((...args: unknown[]) => {
      res.locals.failed = res.statusCode >= 400;
      render(...args);
    }) as typeof res.render;
    next();
  });
  app.use(ctx.sessions.csrf);

  app.use(catalogRoutes(ctx));
  app.use(citizenLoginRoutes(ctx));
  app.use(applyRoutes(ctx));
  app.use(trackRoutes(ctx));
  app.use(documentRoutes(ctx));
  app.use(resubmitRoutes(ctx));
  app.use(resultRoutes(ctx));
  app.use(verifyRoutes(ctx));
  app.use(paymentRoutes(ctx));
  app.use(surveyRoutes(ctx));
  app.use(embedRoutes(ctx));
  app.use(staffLoginRoutes(ctx));
  app.use(counterRoutes(ctx));
  app.use(staffRequestRoutes(ctx));
  app.use(assignmentRoutes(ctx));
  app.use(registryRoutes(ctx));
  app.use(adminServiceRoutes(ctx));
  app.use(adminDepartmentRoutes(ctx));
  app.use(adminStaffRoutes(ctx));
  app.use(adminHolidayRoutes(ctx));
  app.use(adminAuditRoutes(ctx));
  app.use(adminApiKeyRoutes(ctx));
  app.use(adminWebhookRoutes(ctx));
  app.use(reportRoutes(ctx));
  app.use(treasuryRoutes(ctx));
  app.use(temporalCodecRoutes(ctx));
  app.use(integrationRoutes(ctx));
  app.use(jsonApiRoutes(ctx));
  if (ctx.config.devPages) app.use(devRoutes(ctx));

  app.use(() => {
    throw notFound();
  });
  app.use(errorHandler(ctx.log));
  return app;
}
