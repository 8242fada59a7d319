// Mobile number → SMS code → session.
import { Router } from 'express';
import { normalizeMobile, toLatinDigits } from '../../lib/persian';
import type { AppContext } from '../context';
import { codeValidity, createOneTimeCodes } from '../one-time-codes';
import { clientAddress } from '../throttles';

/** Only local paths are followed after login, never another site. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : '/requests';
}


export function citizenLoginRoutes(ctx: AppContext): Router {
  const router = Router();
  const codes = createOneTimeCodes(ctx.db, ctx.temporal, ctx.config, ctx.throttles);
  const sandboxInbox = ctx.config.sms.provider === 'sandbox' && ctx.config.env !== 'production' ? `${ctx.config.sandboxUrl}/sms` : null;

  router.get('/login', (req, res) => {
    res.render('login', { next: safeNext(req.query.next), pageTitle: 'login.title' });
  });

  router.post('/login', async (req, res) => {
    const next = safeNext(req.body.next);
    const mobile = normalizeMobile(String(req.body.mobile ?? ''));
    if (!mobile) {
      return res.status(422).render('login', { next, mobileInput: String(req.body.mobile ?? '').slice(0, 30), error: 'login.errors.mobile', pageTitle: 'login.title' });
    }
    const result = await codes.send(mobile, clientAddress(req));
    if (!result.ok) {
      return res.status(429).render('login', { next, mobileInput: mobile, error: `login.errors.${result.refusal}`, pageTitle: 'login.title' });
    }
    res.render('login-code', { next, mobile, sandboxInbox, validity: codeValidity(res.locals.locale, ctx.config.otp.codeTtlMs), pageTitle: 'login.codeTitle' });
  });

  router.post('/login/code', async (req, res) => {
    const next = safeNext(req.body.next);
    const mobile = normalizeMobile(String(req.body.mobile ?? ''));
    const code = toLatinDigits(String(req.body.code ?? '')).trim();
    if (!mobile) return res.redirect(303, `/login?next=${encodeURIComponent(next)}`);
    const result = await codes.verify(mobile, code);
    if (!result.ok) {
      const status = result.refusal === 'wrong' ? 422 : result.refusal === 'tooManyTries' ? 429 : 410;
      return res.status(status).render('login-code', {
        next,
        mobile,
        sandboxInbox,
        validity: codeValidity(res.locals.locale, ctx.config.otp.codeTtlMs),
        error: `login.errors.${result.refusal}`,
        triesLeft: result.triesLeft,
        pageTitle: 'login.codeTitle',
      });
    }
    const [citizen] = await ctx.db('citizens').insert({ mobile }).onConflict('mobile').merge({ mobile }).returning('id');
    await ctx.sessions.start(res, { citizenId: citizen.id });
    res.redirect(303, next);
  });

  router.post('/logout', async (req, res) => {
    await ctx.sessions.end(req, res);
    res.redirect(303, '/');
  });

  return router;
}
