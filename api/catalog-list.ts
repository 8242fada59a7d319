// One page of the published catalogue, searched by words and filtered by category (pages and the JSON API).
// It reads the catalogue the replica holds in memory (lib/published-catalog.ts): no query per page.
import { normalizePersianText, toLatinDigits } from '../lib/persian';
import type { CatalogSnapshot } from '../lib/published-catalog';
import { decodeCursor, keysetPage, type AppContext } from './context';
import { UserError } from './errors';

const PAGE = 50;

export async function listServices(ctx: AppContext, query: { q?: unknown; category?: unknown; after?: unknown }, snapshot?: CatalogSnapshot) {
  // No text a person types holds a NUL; PostgreSQL refuses it too.
  if ([query.q, query.category].some((v) => typeof v === 'string' && v.includes('\0'))) throw new UserError(400, 'errors.badRequest');
  const q = typeof query.q === 'string' ? normalizePersianText(toLatinDigits(query.q)).toLowerCase().slice(0, 100) : '';
  const category = typeof query.category === 'string' ? query.category.slice(0, 200) : '';
  const cursor = decodeCursor(query.after);
  const after = cursor ? String(cursor[0]) : null;
  const words = q.split(' ').filter(Boolean);
  const { services } = snapshot ?? (await ctx.catalog.snapshot());
  // Services are held in id order; a cursor names the last id shown.
  let start = 0;
  if (after !== null) {
    const at = services.findIndex((s) => s.id > after);
    start = at < 0 ? services.length : at;
  }
  const rows = [];
  for (let i = start; i < services.length && rows.length <= PAGE; i++) {
    const s = services[i];
    if (category && s.category !== category) continue;
    if (!words.every((word) => s.searchText.includes(word))) continue;
    rows.push(s);
  }
  const { items: page, next } = keysetPage(rows, PAGE, (last) => [last.id]);
  return {
    q,
    category,
    services: page.map((s) => ({ id: s.id, title: s.title, category: s.category, version: s.version, summary: s.definition.summary ?? '' })),
    next,
  };
}

/** The service as published now, or null when there is none (never published, or retired). */
export async function publishedService(ctx: AppContext, id: string, given?: CatalogSnapshot) {
  const snapshot = given ?? (await ctx.catalog.snapshot());
  const service = snapshot.byId.get(id);
  return service ? { version: service.version, definition: service.definition, department: snapshot.departments.get(service.definition.responsibleUnit.department) ?? null } : null;
}
