// Staff sign in with username and password (argon2id); failures are throttled per account (a lockout that grows) and per address.
import argon2 from 'argon2';
import { Router } from 'express';
import { audit } from '../audit';
import type { AppContext } from '../context';
import { clientAddress, minutesToWait } from '../throttles';

const safeStaffNext = (value: unknown) => (typeof value === 'string' && /^\/(staff|admin)(\/[\w\-./?=&%]*)?$/.test(value) ? value : '/staff');

export function staffLoginRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/staff/login', (req, res) => {
    res.render('staff/login', { next: safeStaffNext(req.query.next), pageTitle: 'staffLogin.title' });
  });

  router.post('/staff/login', async (req, res) => {
    const username = String(req.body.username ?? '').trim().toLowerCase().slice(0, 64);
    const password = String(req.body.password ?? '').slice(0, 200);
    const next = safeStaffNext(req.body.next);
    const address = clientAddress(req);
    const refuse = (error: string, status = 401, waitMs = 0) => {
      if (waitMs) res.set('Retry-After', String(Math.ceil(waitMs / 1000)));
      return res.status(status).render('staff/login', { next, username, error, minutes: minutesToWait(waitMs), pageTitle: 'staffLogin.title' });
    };
    // Counted before the password is checked: of many parallel guesses only the allowed few are ever checked.
    const attempt = await ctx.throttles.staffAttempt(username, address);
    const staff = username ? await ctx.db('staff').where({ username }).first() : null;
    if (!attempt.ok) {
      if (attempt.lockedNow && staff) {
        await ctx.db('staff').where({ id: staff.id }).update({ locked_until: new Date(Date.now() + attempt.waitMs) });
        await ctx.db('audit_log').insert({ staff_id: staff.id, action: 'login_locked', ip: address });
      }
      return refuse(attempt.reason === 'address' ? 'throttle.tryAgain' : 'staffLogin.errors.locked', 429, attempt.waitMs);
    }
    if (!staff || !staff.active) {
      // The same work and the same answer as a wrong password, so usernames cannot be probed.
      await argon2.hash(password || 'x', { type: argon2.argon2id });
      return refuse('staffLogin.errors.wrong');
    }
    if (!(await argon2.verify(staff.password_hash, password))) {
      await ctx.db('audit_log').insert({ staff_id: staff.id, action: 'login_failed', ip: address });
      return refuse('staffLogin.errors.wrong');
    }
    await ctx.throttles.staffSignedIn(username, address);
    await ctx.db('staff').where({ id: staff.id }).update({ failed_logins: 0, locked_until: null });
    await ctx.sessions.start(res, { staffId: staff.id });
    await ctx.db('audit_log').insert({ staff_id: staff.id, action: 'login', ip: address });
    res.redirect(303, next);
  });

  router.post('/staff/logout', async (req, res) => {
    if (req.staff) await audit(ctx.db, req, 'logout');
    await ctx.sessions.end(req, res);
    res.redirect(303, '/staff/login');
  });

  return router;
}
