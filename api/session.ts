// Sessions live in PostgreSQL (any web replica can serve any visitor); the cookie holds only a random token.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../lib/db';
import { csrfRefusal, readsUploads } from './csrf';

export const SESSION_COOKIE = 'pk_session';
/** Over https the CSRF cookie is `__Host-` prefixed: no subdomain and no plain-http page can plant one. */
export const CSRF_COOKIE = 'pk_csrf';
export const SECURE_CSRF_COOKIE = '__Host-pk_csrf';
const CITIZEN_TTL_MS = 2 * 60 * 60 * 1000;
const STAFF_TTL_MS = 8 * 60 * 60 * 1000;

export interface StaffUser {
  id: number;
  username: string;
  displayName: string;
  role: 'secretariat' | 'reviewer' | 'supervisor' | 'admin' | 'counter';
  departmentIds: number[];
}

export interface CitizenUser {
  id: number;
  mobile: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    citizen?: CitizenUser;
    staff?: StaffUser;
    sessionId?: string;
  }
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A CSRF token bound to the session cookie it was made for: `<nonce>.<HMAC(session token, nonce)>`. A token
 * made in another browser (or before signing in) does not fit this session, whatever cookie was planted.
 */
function csrfTokenFor(sessionToken: string, nonce = randomBytes(16).toString('hex')): string {
  return `${nonce}.${createHmac('sha256', `pk-csrf:${sessionToken}`).update(nonce).digest('hex')}`;
}

function fitsSession(token: unknown, sessionToken: string): token is string {
  if (typeof token !== 'string' || !/^[0-9a-f]{32}\.[0-9a-f]{64}$/.test(token)) return false;
  const expected = csrfTokenFor(sessionToken, token.slice(0, 32));
  return timingSafeEqual(Buffer.from(expected), Buffer.from(token));
}

export function createSessions(db: Db, secureCookies: boolean) {
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, path: '/' };
  // Development over plain http keeps a name the browser accepts there.
  const csrfCookie = secureCookies ? SECURE_CSRF_COOKIE : CSRF_COOKIE;
  const sessionTokenOf = (req: Request) => (typeof req.cookies?.[SESSION_COOKIE] === 'string' ? (req.cookies[SESSION_COOKIE] as string) : '');

  async function load(req: Request, _res: Response, next: NextFunction) {
    const token = req.cookies?.[SESSION_COOKIE];
    if (typeof token !== 'string' || token.length !== 64) return next();
    try {
      const session = await db('sessions').where({ id: hashToken(token) }).where('expires_at', '>', db.fn.now()).first();
      if (!session) return next();
      req.sessionId = session.id;
      if (session.kind === 'citizen') {
        const citizen = await db('citizens').where({ id: session.citizen_id }).first();
        if (citizen) req.citizen = { id: citizen.id, mobile: citizen.mobile };
      } else if (session.kind === 'staff') {
        const staff = await db('staff').where({ id: session.staff_id, active: true }).first();
        if (staff) {
          const departments = await db('staff_departments').where({ staff_id: staff.id }).pluck('department_id');
          req.staff = { id: staff.id, username: staff.username, displayName: staff.display_name, role: staff.role, departmentIds: departments };
        }
      }
      next();
    } catch (error) {
      next(error);
    }
  }

  async function start(res: Response, who: { citizenId: number } | { staffId: number }) {
    const token = randomBytes(32).toString('hex');
    const staff = 'staffId' in who;
    const ttl = staff ? STAFF_TTL_MS : CITIZEN_TTL_MS;
    await db('sessions').insert({
      id: hashToken(token),
      kind: staff ? 'staff' : 'citizen',
      citizen_id: staff ? null : who.citizenId,
      staff_id: staff ? who.staffId : null,
      expires_at: new Date(Date.now() + ttl),
    });
    res.cookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: ttl });
    // A new session gets a new CSRF token bound to it, so one planted before login is useless.
    res.cookie(csrfCookie, csrfTokenFor(token), cookieOptions);
  }

  async function end(req: Request, res: Response) {
    if (req.sessionId) await db('sessions').where({ id: req.sessionId }).delete();
    res.clearCookie(SESSION_COOKIE, cookieOptions);
  }

  /**
   * Signed double submit: the cookie holds a token bound to this session, the page repeats it in a hidden field
   * (never in the address); a post needs both, equal, and fitting the session cookie it arrives with.
   */
  function csrf(req: Request, res: Response, next: NextFunction) {
    const sessionToken = sessionTokenOf(req);
    const cookie: unknown = req.cookies?.[csrfCookie];
    const fits = fitsSession(cookie, sessionToken);
    const token = fits ? cookie : csrfTokenFor(sessionToken);
    // A missing token, or one from another session (signed out, signed in elsewhere), is replaced on any page.
    if (!fits) res.cookie(csrfCookie, token, cookieOptions);
    res.locals.csrfToken = token;
    if (req.method === 'GET' || req.method === 'HEAD' || req.path.startsWith('/api/')) return next();
    // A token from another session was replaced above: what the page sent cannot match the new one.
    // A file upload's fields are read by its own route, which checks the token with csrfAfterUpload before anything else;
    // a multipart post anywhere else is refused, its token unread.
    if (req.is('multipart/form-data')) return next(readsUploads(req.path) ? undefined : csrfRefusal({}, token));
    next(csrfRefusal(req.body, token));
  }

  return { load, start, end, csrf };
}

export type Sessions = ReturnType<typeof createSessions>;
