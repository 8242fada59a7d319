// Reading the audit history: the admin's search and one request's trail, newest first, by index.
import type { Db } from '../lib/db';
import { translate, hasKey, type Locale } from '../lib/i18n';
import { decodeCursor, encodeCursor } from './context';

export interface AuditFilters {
  staffId?: number | null;
  action?: string;
  requestId?: number | null;
  from?: Date | null;
  until?: Date | null;
}

interface AuditRow {
  id: number;
  action: string;
  ip: string | null;
  details: Record<string, unknown> | null;
  created_at: Date;
  cursor_at: string;
  username: string | null;
  display_name: string | null;
  tracking_code: string | null;
}

/** The query alone, so a test can ask PostgreSQL how it would run it. */
export function auditQuery(db: Db, filters: AuditFilters, after: unknown, limit: number) {
  const cursor = decodeCursor(after);
  return db('audit_log as a')
    .leftJoin('staff as s', 's.id', 'a.staff_id')
    .leftJoin('requests as r', 'r.id', 'a.request_id')
    .modify((b) => {
      if (filters.staffId !== undefined) b.where('a.staff_id', filters.staffId ?? -1);
      if (filters.action) b.where('a.action', filters.action);
      if (filters.requestId !== undefined) b.where('a.request_id', filters.requestId ?? -1);
      if (filters.from) b.where('a.created_at', '>=', filters.from);
      if (filters.until) b.where('a.created_at', '<', filters.until);
      if (cursor) b.whereRaw('(a.created_at, a.id) < (?::timestamptz, ?)', [String(cursor[0]), Number(cursor[1])]);
    })
    .orderBy([{ column: 'a.created_at', order: 'desc' }, { column: 'a.id', order: 'desc' }])
    .limit(limit + 1)
    .select('a.id', 'a.action', 'a.ip', 'a.details', 'a.created_at', db.raw('a.created_at::text as cursor_at'), 's.username', 's.display_name', 'r.tracking_code');
}

/** Action codes read as words where the locale has them, as the code itself otherwise. */
export function actionLabel(locale: Locale, action: string): string {
  return hasKey(locale, `admin.audit.actions.${action}`) ? translate(locale, `admin.audit.actions.${action}`) : action;
}

// Values that are codes of the desk read as their words.
const CODED: Record<string, string> = { refusal: 'refusals', kind: 'decisions', status: 'status', resultStatus: 'status', role: 'admin.roles', outcome: 'registry.outcome', events: 'webhooks.type' };

function detailValue(locale: Locale, key: string, value: unknown): string {
  if (typeof value === 'boolean') return translate(locale, value ? 'common.yes' : 'common.no');
  if (Array.isArray(value)) return value.map((v) => detailValue(locale, key, v)).join(translate(locale, 'documents.listSeparator'));
  if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k}: ${detailValue(locale, k, v)}`).join(translate(locale, 'documents.listSeparator'));
  const text = String(value ?? '');
  const prefix = CODED[key];
  return prefix && hasKey(locale, `${prefix}.${text}`) ? translate(locale, `${prefix}.${text}`) : text;
}

/** An action's details as labelled values; the request itself is the row's tracking code. */
export function detailRows(locale: Locale, details: Record<string, unknown>): { label: string; value: string }[] {
  return Object.entries(details)
    .filter(([key, value]) => key !== 'requestId' && value !== null && value !== undefined && value !== '')
    .map(([key, value]) => ({
      label: hasKey(locale, `admin.audit.details.${key}`) ? translate(locale, `admin.audit.details.${key}`) : translate(locale, 'admin.audit.details.other'),
      value: detailValue(locale, key, value),
    }));
}

export async function auditPage(db: Db, filters: AuditFilters, after: unknown, limit: number, locale: Locale) {
  const rows = (await auditQuery(db, filters, after, limit)) as AuditRow[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => ({
      ...r,
      what: actionLabel(locale, r.action),
      details: detailRows(locale, r.details ?? {}),
    })),
    next: rows.length > limit ? encodeCursor([last.cursor_at, last.id]) : null,
  };
}

/** The trail shown on a request's page to staff who may see the request. */
export function requestAuditTrail(db: Db, requestId: number, after: unknown, locale: Locale) {
  return auditPage(db, { requestId }, after, 20, locale);
}
