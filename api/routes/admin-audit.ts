// Searching the audit history: by staff member, action, tracking code and Jalali dates.
import { Router } from 'express';
import { translate } from '../../lib/i18n';
import { toLatinDigits } from '../../lib/persian';
import { isWellFormedTrackingCode } from '../../lib/tracking-code';
import { requireAdmin } from '../admin-access';
import { auditPage, type AuditFilters } from '../audit-search';
import type { AppContext } from '../context';
import { jalaliRange } from '../date-range';

const PAGE = 50;

export function adminAuditRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/admin', requireAdmin);

  router.get('/admin/audit', async (req, res) => {
    const text = (name: string, max: number) => (typeof req.query[name] === 'string' ? (req.query[name] as string).trim().slice(0, max) : '');
    const range = jalaliRange(req.query, 'admin.errors.date');
    const input = { staff: text('staff', 64).toLowerCase(), action: text('action', 60), code: toLatinDigits(text('code', 20)), ...range.input };
    const errors = [...range.errors];
    if (input.code && !isWellFormedTrackingCode(input.code)) errors.push({ id: 'code', messageKey: 'admin.errors.trackingCode' });

    let page: Awaited<ReturnType<typeof auditPage>> = { entries: [], next: null };
    if (!errors.length) {
      // Names and codes become ids first, so the search itself runs on the audit indexes.
      const filters: AuditFilters = { action: input.action || undefined, from: range.from, until: range.until };
      if (input.staff) filters.staffId = (await ctx.db('staff').where({ username: input.staff }).first('id'))?.id ?? null;
      if (input.code) filters.requestId = (await ctx.db('requests').where({ tracking_code: input.code }).first('id'))?.id ?? null;
      page = await auditPage(ctx.db, filters, req.query.after, PAGE, res.locals.locale);
    }
    res.status(errors.length ? 422 : 200).render('admin/audit', {
      ...page,
      input,
      errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
      errorSummary: errors.map((e) => ({ id: e.id, message: translate(res.locals.locale, e.messageKey) })),
      nextQuery: page.next ? new URLSearchParams({ ...input, after: page.next }).toString() : null,
      pageTitle: 'admin.audit.title',
    });
  });

  return router;
}
