// Behind the counter: the inbox of my departments, a request's file, and decisions on it.
import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import type { Locale } from '../../lib/i18n';
import { toLatinDigits } from '../../lib/persian';
import { decide } from '../../workflows/messages';
import { isRequestStatus, REQUEST_STATUSES } from '../../workflows/statuses';
import { isWorking } from '../request-progress';
import type { Decision, DecisionKind, InquiryStep } from '../../workflows/types';
import { applyAssigneeFilter, assigneeFilterOf, assignmentPanel, slaCountdown } from '../assignment';
import { departmentOptions, readableAnswers } from '../answers';
import { audit } from '../audit';
import { workingCalendar } from '../calendar';
import { checkStaffSms, sendStaffSms, STAFF_SMS_MAX } from '../staff-sms';
import { requestAuditTrail } from '../audit-search';
import { decodeCursor, encodeCursor, type AppContext } from '../context';
import { documentListItem, requestDocuments } from '../documents';
import { notFound, UserError } from '../errors';
import { seesPersonalData, shownAnswer, shownMobile } from '../personal-data';
import { inquiryFacts, staffHistory, type InquiryRow } from '../request-file';
import { findRequest, requestHistory, serviceSnapshot, type RequestRow } from '../request-reader';
import { canSee, requireStaff } from '../access';
import { refusalOf } from '../decision-refusals';
import { sendAction } from '../actions';

const PAGE = 25;
const DECISIONS: DecisionKind[] = ['approve', 'reject', 'needs_info', 'forward'];

export function staffRequestRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/staff', (req, res, next) => (req.path === '/login' ? next() : requireStaff(req, res, next)));

  const visibleRequest = async (req: Request) => {
    const request = await findRequest(ctx.db, req.params.code as string);
    if (!request || !canSee(req, request)) throw notFound();
    return request;
  };

  router.get('/staff', async (req, res) => {
    const staff = req.staff!;
    const status = isRequestStatus(req.query.status) ? req.query.status : '';
    const serviceId = typeof req.query.service === 'string' ? req.query.service.slice(0, 64) : '';
    const sla = ['on_time', 'warning', 'breached'].includes(String(req.query.sla)) ? String(req.query.sla) : '';
    const who = assigneeFilterOf(req.query.who);
    // A citizen on the phone reads out their tracking code: find it directly, open or closed.
    const find = toLatinDigits(typeof req.query.find === 'string' ? req.query.find.slice(0, 40) : '').replace(/\D/g, '');
    const cursor = decodeCursor(req.query.after);
    const rows = await ctx.db('requests as r')
      .join('services as s', 's.id', 'r.service_id')
      .leftJoin('staff as a', 'a.id', 'r.assigned_to')
      .modify((b) => {
        if (staff.role !== 'admin') b.whereIn('r.department_id', staff.departmentIds.length ? staff.departmentIds : [-1]);
        if (find) b.where('r.tracking_code', find);
        if (status) b.where('r.status', status);
        else if (!find) b.whereNull('r.closed_at');
        if (serviceId) b.where('r.service_id', serviceId);
        if (sla) b.where('r.sla_state', sla);
        applyAssigneeFilter(b, who, staff.id);
        if (cursor) b.whereRaw('(r.sla_due_at, r.id) > (?::timestamptz, ?)', [String(cursor[0]), Number(cursor[1])]);
      })
      .orderBy([{ column: 'r.sla_due_at' }, { column: 'r.id' }])
      .limit(PAGE + 1)
      .select('r.id', 'r.tracking_code', 'r.status', 'r.applicant_name', 'r.sla_due_at', 'r.sla_state', 'r.created_at', 'r.letter_number', 's.title as service_title', 'r.closed_at', 'a.display_name as assignee_name');
    const more = rows.length > PAGE;
    const page = rows.slice(0, PAGE);
    const last = page[page.length - 1];
    const services = await ctx.db('services').orderBy('title').select('id', 'title');
    // Escalations reach supervisors here: how many open requests of their departments passed the due date.
    const escalated =
      staff.role === 'supervisor' || staff.role === 'admin'
        ? Number(
            (
              await ctx.db('requests')
                .whereNull('closed_at')
                .where('sla_state', 'breached')
                .modify((b) => {
                  if (staff.role !== 'admin') b.whereIn('department_id', staff.departmentIds.length ? staff.departmentIds : [-1]);
                })
                .count<{ count: number }[]>('id as count')
            )[0].count,
          )
        : 0;
    const now = new Date();
    const { holidays, weekend } = await workingCalendar(ctx.db, ctx.config, now);
    res.render('staff/inbox', {
      requests: page.map((r: { closed_at: Date | null; sla_due_at: Date }) => ({ ...r, countdown: r.closed_at ? '' : slaCountdown(r.sla_due_at, now, holidays, res.locals.locale, weekend), overdue: !r.closed_at && new Date(r.sla_due_at) < now })),
      filters: { status, service: serviceId, sla, who, find },
      escalated,
      statuses: REQUEST_STATUSES,
      services,
      next: more ? encodeCursor([new Date(last.sla_due_at).toISOString(), last.id]) : null,
      done: DECISIONS.includes(req.query.done as DecisionKind) ? req.query.done : null,
      doneCode: typeof req.query.code === 'string' && /^\d{12}$/.test(req.query.code) ? req.query.code : null,
      pageTitle: 'inbox.title',
    });
  });

  const requestPage = async (req: Request, request: RequestRow, extra: Record<string, unknown> = {}) => {
    const [service, events, inquiries, sms, departments, letter, outgoing, documents] = await Promise.all([
      serviceSnapshot(ctx.db, request),
      requestHistory(ctx.db, request.id),
      ctx.db('inquiries').where({ request_id: request.id }).orderBy('id'),
      ctx.db('sms_outbox').where({ request_id: request.id }).orderBy('id').select('purpose', 'body', 'status', 'created_at', 'sent_at'),
      ctx.db('departments').orderBy('name').select('id', 'name', 'code'),
      ctx.db('letters').where({ request_id: request.id, direction: 'incoming' }).first(),
      ctx.db('letters').where({ request_id: request.id, direction: 'outgoing' }).orderBy('id').select('number', 'subject', 'registered_at'),
      requestDocuments(ctx.db, request.id),
    ]);
    const clerk = request.registered_by ? await ctx.db('staff').where({ id: request.registered_by }).first('display_name') : null;
    const full = seesPersonalData(req.staff!);
    const locale = (req.res?.locals.locale ?? 'fa') as Locale;
    const answers = readableAnswers(service, request.answers, await departmentOptions(ctx), locale).map((a) => ({
      ...a,
      value: shownAnswer(a.type, a.value, full),
    }));
    const step = service.steps.find((s) => s.id === request.step_id);
    const allowed = request.awaiting === 'review' && step?.type === 'review' ? step.decisions ?? ['approve', 'reject', 'needs_info'] : [];
    return {
      request,
      clerkName: clerk?.display_name ?? null,
      service,
      answers,
      events,
      // An answer that disagrees with the form is said at the top of the page, not only in its table.
      identityWarnings: inquiries.filter((i: InquiryRow) => i.verdict === 'mismatch').map((i: InquiryRow) => service.steps.find((s) => s.id === i.step_id)?.title ?? i.agency),
      inquiries: inquiries.map((i: InquiryRow) => {
        const inquiryStep = service.steps.find((s): s is InquiryStep => s.id === i.step_id && s.type === 'inquiry');
        return { ...i, title: inquiryStep?.title ?? i.agency, facts: inquiryFacts(i, inquiryStep, service, request.answers, request.applicant_name, full, locale) };
      }),
      history: await staffHistory(ctx.db, events, locale),
      sms,
      letter,
      outgoing: outgoing.map((o: { number: string }) => ({ ...o, slug: encodeURIComponent(o.number) })),
      contactMobile: shownMobile(request.mobile, full),
      personalDataMasked: !full,
      personalDataRemoved: Boolean(request.personal_data_removed_at),
      documents: documents.map((d) => documentListItem(d, service.documents, locale)),
      department: departments.find((d) => d.id === request.department_id),
      forwardTargets: departments.filter((d) => d.id !== request.department_id && d.code !== 'secretariat'),
      decisions: allowed,
      working: isWorking(request),
      smsToken: randomUUID(),
      smsMax: STAFF_SMS_MAX,
      assignment: await assignmentPanel(ctx.db, req.staff!, request, req.query.assigned),
      auditTrail: await requestAuditTrail(ctx.db, request.id, req.query.auditAfter, locale),
      pageTitle: 'staffRequest.title',
      ...extra,
    };
  };

  router.get('/staff/requests/:code', async (req, res) => {
    const request = await visibleRequest(req);
    await audit(ctx.db, req, 'view_request', { requestId: request.id });
    res.render('staff/request', await requestPage(req, request, { done: typeof req.query.done === 'string' ? req.query.done : null }));
  });

  router.post('/staff/requests/:code/decision', async (req, res) => {
    const request = await visibleRequest(req);
    const kind = String(req.body.kind ?? '') as DecisionKind;
    const reason = String(req.body.reason ?? '').trim().slice(0, 2000);
    const target = Number(req.body.forwardTo);
    // What the clerk chose comes back as chosen: nothing is pre-selected, nothing typed is lost.
    const decisionForm = { kind: DECISIONS.includes(kind) ? kind : null, reason, forwardTo: Number.isSafeInteger(target) && target > 0 ? target : null };
    if (!decisionForm.kind && request.awaiting !== 'review') {
      return res.status(409).render('staff/request', await requestPage(req, request, { refusal: 'refusals.not-awaiting-review' }));
    }
    if (!decisionForm.kind) {
      return res.status(422).render(
        'staff/request',
        await requestPage(req, request, { refusal: 'staffRequest.errors.chooseDecision', refusalField: 'kind', decisionForm: { ...decisionForm, kindError: 'staffRequest.errors.chooseDecision' } }),
      );
    }
    // Only an existing department can receive a request; anything else is left for the workflow to refuse.
    const forwardTo = Number.isSafeInteger(target) && target > 0 && (await ctx.db('departments').where({ id: target }).first('id')) ? target : undefined;
    const staff = req.staff!;
    const decision: Decision = {
      kind,
      reason: reason || undefined,
      forwardToDepartmentId: forwardTo,
      actor: { staffId: staff.id, username: staff.username, role: staff.role, departmentIds: staff.departmentIds },
    };
    try {
      const result = await sendAction(ctx.temporal, request.tracking_code, decide, [decision]);
      // The reason's text lives in the request (cleared by retention); the audit entry says only that one was given.
      await audit(ctx.db, req, `decision_${kind}`, { requestId: request.id, reasonGiven: !!reason, forwardTo, resultStatus: result.status });
      // A request routed to another department leaves my view: back to the inbox, with word of what happened.
      // A secretariat approval always routes it on (the letter goes to a department a moment later).
      const after = (await findRequest(ctx.db, request.tracking_code))!;
      const routedOn = kind === 'forward' || (kind === 'approve' && request.review_role === 'secretariat');
      if (!routedOn && canSee(req, after)) res.redirect(303, `/staff/requests/${request.tracking_code}?done=${kind}`);
      else res.redirect(303, `/staff?done=${kind}&code=${request.tracking_code}`);
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      await audit(ctx.db, req, 'decision_refused', { requestId: request.id, kind, refusal });
      const fresh = (await findRequest(ctx.db, request.tracking_code))!;
      const reasonError = refusal === 'reason-required' ? `refusals.${refusal}` : undefined;
      res.status(409).render(
        'staff/request',
        await requestPage(req, fresh, { refusal: `refusals.${refusal}`, refusalField: reasonError ? 'reason' : undefined, decisionForm: { ...decisionForm, reasonError } }),
      );
    }
  });

  router.post('/staff/requests/:code/sms', async (req, res) => {
    const request = await visibleRequest(req);
    const { message, token, error } = checkStaffSms(req.body ?? {});
    if (error) return res.status(422).render('staff/request', await requestPage(req, request, { smsError: error, smsInput: message }));
    if (request.personal_data_removed_at) throw new UserError(409, 'staffSms.errors.noMobile');
    await sendStaffSms(ctx, req, request, message, token);
    res.redirect(303, `/staff/requests/${request.tracking_code}?done=sms`);
  });

  return router;
}
