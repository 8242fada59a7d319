// The web app: security headers, sessions, locale, the citizen and staff pages and the JSON API.
import path from 'node:path';
import cookieParser from 'cookie-parser';
import express from 'express';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import { LOCALES, type Locale } from '../lib/i18n';
import type { AppContext } from './context';
import { errorHandler, notFound } from './errors';
import { applyRoutes } from './routes/apply';
import { catalogRoutes } from './routes/catalog';
import { citizenLoginRoutes } from './routes/citizen-login';
import { devRoutes } from './routes/dev';
import { jsonApiRoutes } from './routes/json-api';
import { staffLoginRoutes } from './routes/staff-login';
import { staffRequestRoutes } from './routes/staff-requests';
import { trackRoutes } from './routes/track';
import { createViewEngine, viewsDir } from './views';

const root = path.resolve(__dirname, '..');

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  const production = ctx.config.env === 'production';
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.engine('hbs', createViewEngine(production));
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
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
  app.use(pinoHttp({ logger: ctx.log, autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/static') } }));
  app.use(cookieParser());
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 200 }));
  app.use('/api', express.json({ limit: '200kb' }));
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
    next();
  });
  app.use(ctx.sessions.csrf);

  app.use(catalogRoutes(ctx));
  app.use(citizenLoginRoutes(ctx));
  app.use(applyRoutes(ctx));
  app.use(trackRoutes(ctx));
  app.use(staffLoginRoutes(ctx));
  app.use(staffRequestRoutes(ctx));
  app.use(jsonApiRoutes(ctx));
  if (!production) app.use(devRoutes(ctx));

  app.use(() => {
    throw notFound();
  });
  app.use(errorHandler(ctx.log));
  return app;
}
