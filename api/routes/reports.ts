// Reports per service and per department for admins (everything) and supervisors (their departments).
import { Router, type NextFunction, type Request, type Response } from 'express';
import { translate, type Locale } from '../../lib/i18n';
import { REQUEST_STATUSES } from '../../workflows/statuses';
import { barChart } from '../report-charts';
import type { AppContext } from '../context';
import { jalaliRange } from '../date-range';
import { notFound } from '../errors';
import { buildReport, reportCsv, type ReportFilter, type ReportGrouping, type ReportRow } from '../reports';
import { audit } from '../audit';

const STATUSES: string[] = [...REQUEST_STATUSES];

function requireManager(req: Request, res: Response, next: NextFunction) {
  if (!req.staff) return res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
  if (req.staff.role !== 'admin' && req.staff.role !== 'supervisor') return next(notFound());
  next();
}

/** The volume chart and one ratings chart per row, drawn on the server. */
function charts(rows: ReportRow[], locale: Locale) {
  return {
    volume: barChart('chart-volume', translate(locale, 'reports.volume'), rows.map((r) => ({ label: r.title, value: r.total })), locale, 'volume'),
    ratings: rows
      .filter((r) => r.ratings.some((n) => n > 0))
      .map((r, i) => ({
        title: r.title,
        svg: barChart(`chart-ratings-${i}`, `${translate(locale, 'reports.ratings')}: ${r.title}`, r.ratings.map((n, stars) => ({ label: translate(locale, 'reports.stars', { n: stars + 1 }), value: n })).reverse(), locale, 'rating'),
      })),
  };
}

export function reportRoutes(ctx: AppContext): Router {
  const router = Router();

  const filterOf = (req: Request) => {
    const range = jalaliRange(req.query, 'reports.errors.date');
    const filter: ReportFilter = {
      from: range.from,
      until: range.until,
      serviceId: typeof req.query.service === 'string' && req.query.service ? req.query.service.slice(0, 64) : undefined,
      departmentIds: req.staff!.role === 'admin' ? undefined : req.staff!.departmentIds,
    };
    const by: ReportGrouping = req.query.by === 'department' || req.query.by === 'channel' ? req.query.by : 'service';
    return { range, filter, by };
  };

  /** Channels are named in the reader's language. */
  const report = async (filter: ReportFilter, by: ReportGrouping, locale: Locale) => {
    const rows = await buildReport(ctx.db, filter, by);
    return by === 'channel' ? rows.map((r) => ({ ...r, title: translate(locale, `channels.${r.key}`) })) : rows;
  };

  router.get('/staff/reports', requireManager, async (req, res) => {
    const { range, filter, by } = filterOf(req);
    const locale = res.locals.locale as Locale;
    const errors = range.errors.map((e) => ({ id: e.id, message: translate(locale, e.messageKey) }));
    const [rows, services] = await Promise.all([
      errors.length ? Promise.resolve([] as ReportRow[]) : report(filter, by, locale),
      ctx.db('services').orderBy('title').select('id', 'title'),
    ]);
    res.status(errors.length ? 422 : 200).render('staff/reports', {
      rows,
      charts: charts(rows, locale),
      // Only the statuses that occur get a column, so the table stays as narrow as the data allows.
      statuses: STATUSES.filter((status) => rows.some((r) => r.byStatus[status])),
      services,
      by,
      input: { ...range.input, service: filter.serviceId ?? '' },
      errorSummary: errors,
      csvQuery: new URLSearchParams({ ...range.input, service: filter.serviceId ?? '', by }).toString(),
      pageTitle: 'reports.title',
    });
  });

  router.get('/staff/reports.csv', requireManager, async (req, res) => {
    const { range, filter, by } = filterOf(req);
    if (range.errors.length) return res.status(422).type('text/plain').send(translate(res.locals.locale, 'reports.errors.date'));
    const rows = await report(filter, by, res.locals.locale);
    const t = (key: string) => translate(res.locals.locale, key);
    const headers = [
      t({ service: 'reports.service', department: 'reports.department', channel: 'reports.channel' }[by]),
      t('reports.total'),
      ...STATUSES.map((s) => t(`status.${s}`)),
      t('reports.medianHours'),
      t('reports.p90Hours'),
      t('reports.slaCompliance'),
      t('reports.rejectionRate'),
      t('reports.satisfaction'),
      ...[1, 2, 3, 4, 5].map((n) => t('reports.ratingColumn').replace('{n}', String(n))),
    ];
    await audit(ctx.db, req, 'report_export', { by, from: range.input.from, to: range.input.to, service: filter.serviceId });
    res.type('text/csv; charset=utf-8').attachment(`pishkhan-report-${by}.csv`).send(reportCsv(rows, headers, STATUSES));
  });

  return router;
}
