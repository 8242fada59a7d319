// One page of the published catalogue, searched by words and filtered by category (pages and the JSON API).
import { normalizePersianText, toLatinDigits } from '../lib/persian';
import { decodeCursor, keysetPage, type AppContext } from './context';

const PAGE = 50;

export async function listServices(ctx: AppContext, query: { q?: unknown; category?: unknown; after?: unknown }) {
  const q = typeof query.q === 'string' ? normalizePersianText(toLatinDigits(query.q)).toLowerCase().slice(0, 100) : '';
  const category = typeof query.category === 'string' ? query.category.slice(0, 200) : '';
  const cursor = decodeCursor(query.after);
  const rows = await ctx.db('services')
    .whereNull('retired_at')
    .modify((b) => {
      if (q) for (const word of q.split(' ').filter(Boolean)) b.where('search_text', 'like', `%${word.replace(/[%_\\]/g, '\\$&')}%`);
      if (category) b.where({ category });
      if (cursor) b.where('id', '>', String(cursor[0]));
    })
    .orderBy('id')
    .limit(PAGE + 1)
    .select('id', 'title', 'category', 'current_version');
  const { items: page, next } = keysetPage(rows as { id: string; title: string; category: string; current_version: number }[], PAGE, (last) => [last.id]);
  const summaries = page.length
    ? await ctx.db('service_versions as v')
        .join('services as s', function () {
          this.on('v.service_id', 's.id').andOn('v.version', 's.current_version');
        })
        .whereIn('s.id', page.map((r: { id: string }) => r.id))
        .select('s.id', ctx.db.raw("v.definition->>'summary' as summary"))
    : [];
  const summaryOf = new Map(summaries.map((s: { id: string; summary: string }) => [s.id, s.summary]));
  return {
    q,
    category,
    services: page.map((r: { id: string; title: string; category: string; current_version: number }) => ({ id: r.id, title: r.title, category: r.category, version: r.current_version, summary: summaryOf.get(r.id) ?? '' })),
    next,
  };
}

