// The correspondence registry's search: by number, sender, the citizen's mobile and Jalali dates, newest first.
import type { Db } from '../lib/db';
import { normalizeMobile, normalizePersianText, toLatinDigits } from '../lib/persian';
import { decodeCursor, encodeCursor } from './context';
import { jalaliRange } from './date-range';
import type { StaffUser } from './session';

export const REGISTRY_PAGE = 25;

export interface RegistryFilters {
  number: string;
  sender: string;
  mobile: string | null;
  /** incoming (وارده), outgoing (صادره), or both when empty */
  direction: '' | 'incoming' | 'outgoing';
  from: Date | null;
  until: Date | null;
}

/** Secretariat and admins keep the whole registry; everyone else sees their departments' letters. */
export const seesWholeRegistry = (staff: StaffUser) => staff.role === 'admin' || staff.role === 'secretariat';

/** Letter numbers (ours, 1405/012/0042, or the correspondence system's) travel in addresses percent-encoded. */
export const letterSlug = (number: string) => encodeURIComponent(number);
export function letterNumberOf(param: string): string | null {
  const number = param.trim();
  return number.length > 0 && number.length <= 32 ? number : null;
}

const likeEscape = (s: string) => s.replace(/[%_\\]/g, '\\$&');

export function registryFilters(query: Record<string, unknown>) {
  const text = (name: string, max: number) => (typeof query[name] === 'string' ? (query[name] as string).trim().slice(0, max) : '');
  const range = jalaliRange(query, 'registry.errors.date');
  const direction = text('direction', 10);
  const input = { number: text('number', 40), sender: text('sender', 100), mobile: text('mobile', 20), direction: direction === 'incoming' || direction === 'outgoing' ? direction : '', ...range.input };
  const errors = [...range.errors];
  const mobile = input.mobile ? normalizeMobile(input.mobile) : null;
  if (input.mobile && !mobile) errors.push({ id: 'mobile', messageKey: 'registry.errors.mobile' });
  const filters: RegistryFilters = {
    number: toLatinDigits(input.number),
    sender: normalizePersianText(input.sender).toLowerCase(),
    mobile,
    direction: input.direction as RegistryFilters['direction'],
    from: range.from,
    until: range.until,
  };
  return { input, filters, errors };
}

/** The query alone, so a test can ask PostgreSQL how it would run it. */
export function registryQuery(db: Db, staff: StaffUser, filters: RegistryFilters, after: unknown, limit = REGISTRY_PAGE) {
  const cursor = decodeCursor(after);
  return db('letters as l')
    .join('departments as d', 'd.id', 'l.department_id')
    .modify((b) => {
      if (!seesWholeRegistry(staff)) b.whereIn('l.department_id', staff.departmentIds.length ? staff.departmentIds : [-1]);
      if (filters.direction) b.where('l.direction', filters.direction);
      if (filters.number) b.where('l.number', 'like', `%${likeEscape(filters.number)}%`);
      if (filters.sender) b.whereRaw('lower(l.sender) like ?', [`%${likeEscape(filters.sender)}%`]);
      // By the citizen's mobile: citizens (unique mobile) → their requests → the letters of those requests.
      if (filters.mobile) {
        b.whereIn('l.request_id', db('requests as r').join('citizens as c', 'c.id', 'r.citizen_id').where('c.mobile', filters.mobile).select('r.id'));
      }
      if (filters.from) b.where('l.registered_at', '>=', filters.from);
      if (filters.until) b.where('l.registered_at', '<', filters.until);
      if (cursor) b.whereRaw('(l.registered_at, l.id) < (?::timestamptz, ?)', [String(cursor[0]), Number(cursor[1])]);
    })
    .orderBy([{ column: 'l.registered_at', order: 'desc' }, { column: 'l.id', order: 'desc' }])
    .limit(limit + 1)
    .select('l.id', 'l.number', 'l.direction', 'l.recipient', 'l.registered_at', db.raw('l.registered_at::text as cursor_at'), 'l.sender', 'l.subject', 'l.department_id', 'd.name as department_name');
}

export async function registryPage(db: Db, staff: StaffUser, filters: RegistryFilters, after: unknown) {
  const rows = await registryQuery(db, staff, filters, after);
  const page = rows.slice(0, REGISTRY_PAGE);
  const last = page[page.length - 1];
  return {
    letters: page.map((l: { number: string }) => ({ ...l, slug: letterSlug(l.number) })),
    next: rows.length > REGISTRY_PAGE ? encodeCursor([last.cursor_at, last.id]) : null,
  };
}
