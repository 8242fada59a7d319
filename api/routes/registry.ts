// The correspondence registry (دبیرخانه): letters, their referrals between departments, and a printable sheet.
import { Router, type Request } from 'express';
import { translate, type Locale } from '../../lib/i18n';
import { decide } from '../../workflows/messages';
import type { Decision } from '../../workflows/types';
import { audit } from '../audit';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { seesPersonalData, shownAnswer } from '../personal-data';
import { serviceSnapshot, type RequestRow } from '../request-reader';
import { letterNumberOf, letterSlug, registryFilters, registryPage, seesWholeRegistry } from '../registry-search';
import { canSee, requireStaff } from '../access';
import { refusalOf } from '../decision-refusals';
import { staffNameOf } from '../request-file';
import { sendAction } from '../actions';

const REFERRED = ['forwarded', 'noted'];

export function registryRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/staff/registry', requireStaff);

  const visibleLetter = async (req: Request) => {
    const number = letterNumberOf(String(req.params.number));
    const letter = number ? await ctx.db('letters').where({ number }).first() : null;
    const staff = req.staff!;
    if (!letter || !(seesWholeRegistry(staff) || staff.departmentIds.includes(letter.department_id))) throw notFound();
    return letter;
  };

  const letterPage = async (req: Request, letter: { id: number; number: string; department_id: number; request_id: number | null; in_reply_to?: number | null }, extra: Record<string, unknown> = {}) => {
    const [departments, referrals, request, registeredBy, inReplyTo, replies] = await Promise.all([
      ctx.db('departments').orderBy('name').select('id', 'name', 'code', 'is_secretariat'),
      ctx.db('letter_referrals as lr')
        .join('departments as f', 'f.id', 'lr.from_department_id')
        .join('departments as t', 't.id', 'lr.to_department_id')
        .join('staff as s', 's.id', 'lr.staff_id')
        .where('lr.letter_id', letter.id)
        .orderBy('lr.id')
        .select('lr.note', 'lr.outcome', 'lr.created_at', 'f.name as from_name', 't.name as to_name', 's.display_name as staff_name'),
      letter.request_id ? ctx.db('requests').where({ id: letter.request_id }).first() : null,
      staffNameOf(ctx.db, (letter as { registered_by?: string | null }).registered_by ?? null, (req.res?.locals.locale ?? 'fa') as Locale),
      letter.in_reply_to ? ctx.db('letters').where({ id: letter.in_reply_to }).first('number') : null,
      ctx.db('letters').where({ in_reply_to: letter.id }).orderBy('id').limit(20).select('number'),
    ]);
    return {
      letter: { ...letter, slug: letterSlug(letter.number) },
      registeredBy,
      inReplyTo: inReplyTo ? { number: inReplyTo.number, slug: letterSlug(inReplyTo.number) } : null,
      replies: replies.map((r: { number: string }) => ({ number: r.number, slug: letterSlug(r.number) })),
      department: departments.find((d) => d.id === letter.department_id),
      referrals,
      request,
      requestVisible: request ? canSee(req, request) : false,
      targets: departments.filter((d) => d.id !== letter.department_id && !d.is_secretariat),
      referred: REFERRED.includes(String(req.query.referred)) ? String(req.query.referred) : null,
      pageTitleText: `${translate(req.res?.locals.locale ?? 'fa', 'registry.letterTitle')} ${letter.number}`,
      ...extra,
    };
  };

  router.get('/staff/registry', async (req, res) => {
    const { input, filters, errors } = registryFilters(req.query);
    const page = errors.length ? { letters: [], next: null } : await registryPage(ctx.db, req.staff!, filters, req.query.after);
    const nextQuery = page.next ? new URLSearchParams({ ...input, after: page.next }).toString() : null;
    res.status(errors.length ? 422 : 200).render('staff/registry', {
      ...page,
      input,
      errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
      errorSummary: errors.map((e) => ({ id: e.id, message: translate(res.locals.locale, e.messageKey) })),
      nextQuery,
      referredLetter: typeof req.query.referredLetter === 'string' ? letterNumberOf(req.query.referredLetter) : null,
      pageTitle: 'registry.title',
    });
  });

  router.get('/staff/registry/:number', async (req, res) => {
    const letter = await visibleLetter(req);
    await audit(ctx.db, req, 'view_letter', { requestId: letter.request_id ?? undefined, letter: letter.number });
    res.render('staff/registry-letter', await letterPage(req, letter));
  });

  router.get('/staff/registry/:number/print', async (req, res) => {
    const letter = await visibleLetter(req);
    const request: RequestRow | null = letter.request_id ? await ctx.db('requests').where({ id: letter.request_id }).first() : null;
    const service = request ? await serviceSnapshot(ctx.db, request) : null;
    // The sheet follows the request page's rule on national codes and mobiles.
    const full = seesPersonalData(req.staff!);
    const answers = service && request ? service.fields.filter((f) => f.type !== 'department').map((f) => ({ label: f.label, value: shownAnswer(f.type, request.answers[f.key] ?? '', full) })) : [];
    await audit(ctx.db, req, 'print_letter', { requestId: letter.request_id ?? undefined, letter: letter.number });
    res.render('staff/registry-print', { ...(await letterPage(req, letter)), answers, service, layout: 'print' });
  });

  router.post('/staff/registry/:number/referrals', async (req, res) => {
    const letter = await visibleLetter(req);
    const staff = req.staff!;
    const note = String(req.body.note ?? '').trim().slice(0, 2000);
    const toId = Number(req.body.toDepartmentId);
    const target = Number.isSafeInteger(toId) ? await ctx.db('departments').where({ id: toId }).first() : null;
    const errors: { id: string; messageKey: string }[] = [];
    if (!target || target.id === letter.department_id || target.is_secretariat) errors.push({ id: 'toDepartmentId', messageKey: 'registry.errors.target' });
    if (!note) errors.push({ id: 'note', messageKey: 'registry.errors.note' });
    const again = async (status: number, extra: Record<string, unknown>) =>
      res.status(status).render('staff/registry-letter', await letterPage(req, letter, { noteInput: note, toInput: toId, ...extra }));
    if (errors.length) {
      return again(422, {
        errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
        errorSummary: errors.map((e) => ({ id: e.id, message: translate(res.locals.locale, e.messageKey) })),
      });
    }
    const request = letter.request_id ? await ctx.db('requests').where({ id: letter.request_id }).first() : null;
    // A request waiting in its department moves only through its workflow, which checks who may forward it.
    const forwardable = request && !request.closed_at && request.awaiting === 'review' && request.review_role === 'department';
    let outcome = 'noted';
    if (forwardable) {
      const decision: Decision = {
        kind: 'forward',
        reason: note,
        forwardToDepartmentId: target!.id,
        actor: { staffId: staff.id, username: staff.username, role: staff.role, departmentIds: staff.departmentIds },
      };
      try {
        await sendAction(ctx.temporal, request.tracking_code, decide, [decision]);
        outcome = 'forwarded';
      } catch (error) {
        const refusal = refusalOf(error);
        if (!refusal) throw error;
        await audit(ctx.db, req, 'referral_refused', { requestId: request.id, letter: letter.number, refusal });
        return again(409, { refusal: `refusals.${refusal}` });
      }
    }
    await ctx.db('letter_referrals').insert({ letter_id: letter.id, from_department_id: letter.department_id, to_department_id: target!.id, note, staff_id: staff.id, outcome });
    await audit(ctx.db, req, 'letter_referred', { requestId: request?.id, letter: letter.number, to: target!.code, outcome });
    const stillMine = seesWholeRegistry(staff) || outcome === 'noted' || staff.departmentIds.includes(target!.id);
    if (stillMine) res.redirect(303, `/staff/registry/${letterSlug(letter.number)}?referred=${outcome}`);
    else res.redirect(303, `/staff/registry?referredLetter=${letterSlug(letter.number)}`);
  });

  return router;
}
