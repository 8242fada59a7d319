// Pages that are the same for every visitor who is not signed in (the catalogue and the service cards) are
// rendered once per catalogue snapshot, language and address, and then served from memory. A signed-in
// visitor's page carries their name and a CSRF token: it is always rendered for them.
import type { Request, Response } from 'express';
import type { CatalogSnapshot } from '../lib/published-catalog';

const MAX_PAGES = 500;
const pagesOf = new WeakMap<CatalogSnapshot, Map<string, string>>();

/** Renders `view` (or serves the copy rendered for an earlier visitor of the same snapshot). */
export function renderShared(req: Request, res: Response, snapshot: CatalogSnapshot, view: string, data: object): void {
  if (req.citizen || req.staff) return res.render(view, data);
  let pages = pagesOf.get(snapshot);
  if (!pages) pagesOf.set(snapshot, (pages = new Map()));
  const key = `${res.locals.locale as string} ${req.originalUrl}`;
  const html = pages.get(key);
  if (html !== undefined) {
    res.type('html').send(html);
    return;
  }
  res.render(view, data, (error: Error | null, rendered?: string) => {
    if (error) return req.next?.(error);
    // A page for every odd address would grow without end: only the first MAX_PAGES are kept per snapshot.
    if (pages.size < MAX_PAGES) pages.set(key, rendered!);
    res.type('html').send(rendered);
  });
}
