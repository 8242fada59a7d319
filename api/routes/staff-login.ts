// Staff sign in with username and password (argon2id); repeated failures lock the account for a while.
import argon2 from 'argon2';
import { Router } from 'express';
import { audit } from '../audit';
import type { AppContext } from '../context';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

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
    const refuse = (error: string, status = 401) => res.status(status).render('staff/login', { next, username, error, pageTitle: 'staffLogin.title' });
    const staff = username ? await ctx.db('staff').where({ username }).first() : null;
    if (!staff || !staff.active) {
      // The same work and the same answer as a wrong password, so usernames cannot be probed.
      await argon2.hash(password || 'x', { type: argon2.argon2id });
      return refuse('staffLogin.errors.wrong');
    }
    if (staff.locked_until && new Date(staff.locked_until).getTime() > Date.now()) return refuse('staffLogin.errors.locked', 429);
    if (!(await argon2.verify(staff.password_hash, password))) {
      const failed = staff.failed_logins + 1;
      const lock = failed >= MAX_FAILED_LOGINS;
      await ctx.db('staff').where({ id: staff.id }).update({ failed_logins: lock ? 0 : failed, locked_until: lock ? new Date(Date.now() + LOCKOUT_MS) : null });
      await ctx.db('audit_log').insert({ staff_id: staff.id, action: lock ? 'login_locked' : 'login_failed', ip: req.ip ?? null });
      return refuse(lock ? 'staffLogin.errors.locked' : 'staffLogin.errors.wrong', lock ? 429 : 401);
    }
    await ctx.db('staff').where({ id: staff.id }).update({ failed_logins: 0, locked_until: null });
    await ctx.sessions.start(res, { staffId: staff.id });
    await ctx.db('audit_log').insert({ staff_id: staff.id, action: 'login', ip: req.ip ?? null });
    res.redirect(303, next);
  });

  router.post('/staff/logout', async (req, res) => {
    if (req.staff) await audit(ctx.db, req, 'logout');
    await ctx.sessions.end(req, res);
    res.redirect(303, '/staff/login');
  });

  return router;
}
