// Who may open a page: a signed-in citizen, a signed-in staff member, and which requests a staff member sees.
import type { NextFunction, Request, Response } from 'express';
import type { RequestRow } from './request-reader';

export function requireCitizen(req: Request, res: Response, next: NextFunction) {
  if (req.citizen) return next();
  res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
}

export function requireStaff(req: Request, res: Response, next: NextFunction) {
  if (req.staff) return next();
  res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
}

/** Staff see the requests of their own departments; admins see all. */
export function canSee(req: Request, request: Pick<RequestRow, 'department_id'>): boolean {
  const staff = req.staff!;
  return staff.role === 'admin' || (request.department_id !== null && staff.departmentIds.includes(request.department_id));
}
