// The agency's holidays: seeded each year (lunar ones unconfirmed), and confirmed, moved, added or removed by admins.
import { Router, type Request, type Response } from 'express';
import { translate } from '../../lib/i18n';
import { formatJalaliDate, jalaliYear, parseJalaliDate, tehranDateKey } from '../../lib/jalali';
import { normalizePersianText } from '../../lib/persian';
import { requireAdmin } from '../admin-access';
import { audit } from '../audit';
import type { AppContext } from '../context';
import { notFound } from '../errors';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day typed as a Jalali date, as its Tehran calendar key, or null. */
function dayOf(input: unknown): { key: string; year: number } | null {
  const date = parseJalaliDate(String(input ?? '').slice(0, 20));
  return date ? { key: tehranDateKey(date), year: jalaliYear(date) } : null;
}

export function adminHolidayRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/admin/holidays', requireAdmin);

  /** One Jalali year at a time (about thirty rows), the years before and after a link away. */
  const page = async (req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) => {
    const asked = Number(req.query.year ?? req.body?.year);
    const year = Number.isInteger(asked) && asked > 1300 && asked < 1500 ? asked : jalaliYear(new Date());
    const rows = await ctx.db('holidays').where({ year }).orderBy('day').select(ctx.db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'title', 'kind', 'confirmed');
    const tehranNoon = (key: string) => new Date(`${key}T12:00:00+03:30`);
    res.status(status).render('admin/holidays', {
      year,
      previous: year - 1,
      next: year + 1,
      holidays: rows.map((h: { day: string; title: string; kind: string; confirmed: boolean }) => ({ ...h, jalali: formatJalaliDate(tehranNoon(h.day), { digits: 'latin' }) })),
      done: ['added', 'confirmed', 'moved', 'removed'].includes(String(req.query.done)) ? String(req.query.done) : null,
      pageTitle: 'holidays.title',
      ...extra,
    });
  };
  const refuse = (req: Request, res: Response, id: string, messageKey: string, input: Record<string, unknown> = {}) =>
    page(req, res, 422, { input, errors: { [id]: messageKey }, errorSummary: [{ id, message: translate(res.locals.locale, messageKey) }] });

  const existing = async (req: Request) => {
    const key = String(req.params.day);
    const row = DAY.test(key) ? await ctx.db('holidays').where({ day: key }).first() : null;
    if (!row) throw notFound();
    return key;
  };

  router.get('/admin/holidays', (req, res) => page(req, res));

  router.post('/admin/holidays', async (req, res) => {
    const day = dayOf(req.body.date);
    const title = normalizePersianText(String(req.body.title ?? '')).slice(0, 201);
    const input = { date: String(req.body.date ?? '').slice(0, 20), title };
    if (!day) return refuse(req, res, 'date', 'holidays.errors.date', input);
    if (title.length < 2 || title.length > 200) return refuse(req, res, 'title', 'holidays.errors.title', input);
    const [made] = await ctx.db('holidays').insert({ day: day.key, year: day.year, title, kind: 'custom', confirmed: true, updated_by: req.staff!.id }).onConflict('day').ignore().returning('day');
    if (!made) return refuse(req, res, 'date', 'holidays.errors.taken', input);
    await audit(ctx.db, req, 'holiday_added', { day: day.key, title });
    res.redirect(303, `/admin/holidays?year=${day.year}&done=added`);
  });

  router.post('/admin/holidays/:day/confirm', async (req, res) => {
    const key = await existing(req);
    const [row] = await ctx.db('holidays').where({ day: key }).update({ confirmed: true, updated_by: req.staff!.id, updated_at: ctx.db.fn.now() }).returning('year');
    await audit(ctx.db, req, 'holiday_confirmed', { day: key });
    res.redirect(303, `/admin/holidays?year=${row.year}&done=confirmed`);
  });

  // The official calendar announced another day: the holiday moves there, and is confirmed by the move.
  router.post('/admin/holidays/:day/move', async (req, res) => {
    const key = await existing(req);
    const day = dayOf(req.body.date);
    if (!day) return refuse(req, res, `move-${key}`, 'holidays.errors.date');
    if (day.key !== key && (await ctx.db('holidays').where({ day: day.key }).first())) return refuse(req, res, `move-${key}`, 'holidays.errors.taken');
    await ctx.db('holidays').where({ day: key }).update({ day: day.key, year: day.year, confirmed: true, updated_by: req.staff!.id, updated_at: ctx.db.fn.now() });
    await audit(ctx.db, req, 'holiday_moved', { from: key, to: day.key });
    res.redirect(303, `/admin/holidays?year=${day.year}&done=moved`);
  });

  router.post('/admin/holidays/:day/delete', async (req, res) => {
    const key = await existing(req);
    const [row] = await ctx.db('holidays').where({ day: key }).delete().returning('year');
    await audit(ctx.db, req, 'holiday_removed', { day: key });
    res.redirect(303, `/admin/holidays?year=${row.year}&done=removed`);
  });

  return router;
}
