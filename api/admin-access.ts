// The admin pages exist only for admins: anyone else signed in as staff gets "not found", not a hint.
import type { NextFunction, Request, Response } from 'express';
import { notFound } from './errors';

export function requireAdmin(req: Request, res: Response, next: NextFunction) {
  if (!req.staff) return res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
  if (req.staff.role !== 'admin') return next(notFound());
  next();
}
