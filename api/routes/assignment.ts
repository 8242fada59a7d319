// Claiming a request, handing it to a colleague, and giving it back: one person answers for each request.
import { Router, type Request, type Response } from 'express';
import { canAssignIn, departmentMembers } from '../assignment';
import { audit } from '../audit';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { findRequest, type RequestRow } from '../request-reader';
import { canSee, requireStaff } from '../access';

type Assigned = RequestRow & { assigned_to: number | null; closed_at: Date | null };

export function assignmentRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/staff/requests', requireStaff);

  const visibleRequest = async (req: Request): Promise<Assigned> => {
    const request = await findRequest(ctx.db, req.params.code as string);
    if (!request || !canSee(req, request)) throw notFound();
    return request as Assigned;
  };

  const refuse = (res: Response, request: Assigned, status: number, messageKey: string, vars: Record<string, unknown> = {}) =>
    res.status(status).render('staff/assign-refused', { request, messageKey, vars, pageTitle: 'assign.refusedTitle' });

  const nameOf = async (staffId: number | null) => (staffId ? (await ctx.db('staff').where({ id: staffId }).first('display_name'))?.display_name : null);

  router.post('/staff/requests/:code/claim', async (req, res) => {
    const request = await visibleRequest(req);
    const staff = req.staff!;
    if (request.closed_at) return refuse(res, request, 409, 'assign.errors.closed');
    if (request.department_id === null || !staff.departmentIds.includes(request.department_id)) return refuse(res, request, 403, 'assign.errors.notMember');
    // One statement decides the race between two colleagues claiming at once.
    const taken = await ctx.db('requests')
      .where({ id: request.id, department_id: request.department_id })
      .whereNull('closed_at')
      .where((b) => b.whereNull('assigned_to').orWhere('assigned_to', staff.id))
      .update({ assigned_to: staff.id });
    if (!taken) {
      const now = (await ctx.db('requests').where({ id: request.id }).first()) as Assigned;
      if (now.department_id !== request.department_id || now.closed_at) return refuse(res, request, 409, 'assign.errors.moved');
      return refuse(res, request, 409, 'assign.errors.taken', { name: (await nameOf(now.assigned_to)) ?? '—' });
    }
    await audit(ctx.db, req, 'request_claimed', { requestId: request.id, previous: request.assigned_to });
    res.redirect(303, `/staff/requests/${request.tracking_code}?assigned=claimed`);
  });

  router.post('/staff/requests/:code/release', async (req, res) => {
    const request = await visibleRequest(req);
    const staff = req.staff!;
    if (!request.assigned_to) return refuse(res, request, 409, 'assign.errors.notAssigned');
    const mayRelease = request.assigned_to === staff.id || (await canAssignIn(ctx.db, staff, request.department_id));
    if (!mayRelease) return refuse(res, request, 403, 'assign.errors.notYours');
    await ctx.db('requests').where({ id: request.id, assigned_to: request.assigned_to }).update({ assigned_to: null });
    await audit(ctx.db, req, 'request_released', { requestId: request.id, previous: request.assigned_to });
    res.redirect(303, `/staff/requests/${request.tracking_code}?assigned=released`);
  });

  router.post('/staff/requests/:code/assign', async (req, res) => {
    const request = await visibleRequest(req);
    const staff = req.staff!;
    if (!(await canAssignIn(ctx.db, staff, request.department_id))) return refuse(res, request, 403, 'assign.errors.notSupervisor');
    if (request.closed_at) return refuse(res, request, 409, 'assign.errors.closed');
    const assigneeId = Number(req.body.staffId);
    if (!Number.isSafeInteger(assigneeId) || assigneeId <= 0) return refuse(res, request, 422, 'assign.errors.chooseMember');
    const member = request.department_id === null ? null : await departmentMembers(ctx.db, request.department_id).where('s.id', assigneeId).first();
    if (!member) return refuse(res, request, 422, 'assign.errors.notInDepartment');
    const moved = await ctx.db('requests').where({ id: request.id, department_id: request.department_id }).whereNull('closed_at').update({ assigned_to: assigneeId });
    if (!moved) return refuse(res, request, 409, 'assign.errors.moved');
    await audit(ctx.db, req, 'request_assigned', { requestId: request.id, assignee: member.username, previous: request.assigned_to });
    res.redirect(303, `/staff/requests/${request.tracking_code}?assigned=assigned`);
  });

  return router;
}
