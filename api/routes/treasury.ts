// The treasury's reconciliation (admins): paid fees by day, fee and account, on a page and as CSV.
import { Router, type Request } from 'express';
import { translate, type Locale } from '../../lib/i18n';
import { formatJalaliDate, formatJalaliDateTime } from '../../lib/jalali';
import { requireAdmin } from '../admin-access';
import { audit } from '../audit';
import type { AppContext } from '../context';
import { treasuryFilters, treasuryPage, treasuryTotals } from '../treasury';

/** A spreadsheet cell: quoted when needed, and never a formula. */
function cell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_BATCH = 1000;
/** A CSV is a month or two of payments; anything larger is asked for in parts. */
const CSV_MAX_ROWS = 100_000;

export function treasuryRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use('/staff/treasury', requireAdmin);

  const feeTitles = async () => {
    const rows = await ctx.db('services as s')
      .join('service_versions as v', function () {
        this.on('v.service_id', '=', 's.id').andOn('v.version', '=', 's.current_version');
      })
      .select('s.id', ctx.db.raw(`v.definition->'fees' as fees`));
    const titles = new Map<string, string>();
    for (const row of rows as { fees: { key: string; title: string }[] | null }[]) for (const fee of row.fees ?? []) if (!titles.has(fee.key)) titles.set(fee.key, fee.title);
    return titles;
  };

  router.get('/staff/treasury', async (req, res) => {
    const { input, filters, errors } = treasuryFilters(req.query);
    const locale = res.locals.locale as Locale;
    const [page, totals, titles] = errors.length
      ? [{ payments: [], next: null }, [], await feeTitles()]
      : await Promise.all([treasuryPage(ctx.db, filters, req.query.after), treasuryTotals(ctx.db, filters), feeTitles()]);
    res.status(errors.length ? 422 : 200).render('staff/treasury', {
      payments: page.payments.map((p: { fee_key: string }) => ({ ...p, fee_title: titles.get(p.fee_key) ?? p.fee_key })),
      totals: (totals as { day: string; fee_key: string }[]).map((t) => ({ ...t, jalali: formatJalaliDate(new Date(`${t.day}T12:00:00+03:30`), { digits: 'latin' }), fee_title: titles.get(t.fee_key) ?? t.fee_key })),
      fees: [...titles].map(([key, title]) => ({ key, title, selected: key === input.fee })),
      input,
      nextQuery: page.next ? new URLSearchParams({ ...input, after: page.next }).toString() : null,
      csvQuery: new URLSearchParams(input).toString(),
      errors: Object.fromEntries(errors.map((e) => [e.id, e.messageKey])),
      errorSummary: errors.map((e) => ({ id: e.id, message: translate(locale, e.messageKey) })),
      pageTitle: 'treasury.title',
    });
  });

  // Mounted apart from the page ("/staff/treasury.csv" is not under "/staff/treasury"): admins only here too.
  router.get('/staff/treasury.csv', requireAdmin, async (req: Request, res) => {
    const { input, filters, errors } = treasuryFilters(req.query);
    const locale = res.locals.locale as Locale;
    if (errors.length) return res.status(422).type('text/plain').send(translate(locale, 'treasury.errors.date'));
    await audit(ctx.db, req, 'treasury_export', { ...input });
    const titles = await feeTitles();
    const t = (key: string) => translate(locale, `treasury.${key}`);
    res.type('text/csv; charset=utf-8').attachment('pishkhan-treasury.csv');
    // UTF-8 with a byte-order mark so Excel shows Persian; written a batch at a time, never held whole.
    res.write(`\uFEFF${[t('paidAt'), t('day'), t('fee'), t('amount'), t('depositId'), t('account'), t('reference'), t('trackingCode')].map(cell).join(',')}\r\n`);
    let after: string | null = null;
    let written = 0;
    do {
      const page: Awaited<ReturnType<typeof treasuryPage>> = await treasuryPage(ctx.db, filters, after, CSV_BATCH);
      const lines = page.payments.map((p: { paid_at: Date; fee_key: string; amount_rials: string; deposit_id: string | null; account: string | null; gateway_reference: string | null; tracking_code: string }) =>
        [formatJalaliDateTime(new Date(p.paid_at), { digits: 'latin' }), formatJalaliDate(new Date(p.paid_at), { digits: 'latin' }), titles.get(p.fee_key) ?? p.fee_key, p.amount_rials, p.deposit_id, p.account, p.gateway_reference, p.tracking_code].map(cell).join(','),
      );
      if (lines.length) res.write(`${lines.join('\r\n')}\r\n`);
      written += lines.length;
      after = page.next;
    } while (after && written < CSV_MAX_ROWS);
    res.end();
  });

  return router;
}
