// The numbers managers ask for, per service and per department, over a date range: one grouped query each.
import type { Db } from '../lib/db';
import { CLOSING_STATUSES } from '../workflows/statuses';

export interface ReportFilter {
  from: Date | null;
  until: Date | null;
  serviceId?: string;
  departmentIds?: number[];
}

export interface ReportRow {
  key: string;
  title: string;
  total: number;
  byStatus: Record<string, number>;
  finished: number;
  medianHours: number | null;
  p90Hours: number | null;
  slaCompliance: number | null;
  rejectionRate: number | null;
  satisfaction: number | null;
  ratings: number[];
}

// Finished means ended (closed_at set), the same statuses the inbox and the projection call closing.
const FINISHED = [...CLOSING_STATUSES];

function scoped(db: Db, filter: ReportFilter) {
  return db('requests as r').modify((b) => {
    if (filter.from) b.where('r.created_at', '>=', filter.from);
    if (filter.until) b.where('r.created_at', '<', filter.until);
    if (filter.serviceId) b.where('r.service_id', filter.serviceId);
    if (filter.departmentIds) b.whereIn('r.department_id', filter.departmentIds.length ? filter.departmentIds : [-1]);
  });
}

const round = (n: unknown, digits = 1) => (n === null || n === undefined ? null : Math.round(Number(n) * 10 ** digits) / 10 ** digits);

export type ReportGrouping = 'service' | 'department' | 'channel';

/** `groupBy` 'service', 'department' or 'channel' (online / counter; the caller names them); processing time runs from submission to the closing decision. */
export async function buildReport(db: Db, filter: ReportFilter, groupBy: ReportGrouping): Promise<ReportRow[]> {
  const keyColumn = { service: 'r.service_id', department: 'r.department_id', channel: 'r.channel' }[groupBy];
  const [summary, statuses, ratings, names] = await Promise.all([
    scoped(db, filter)
      .select(db.raw(`${keyColumn}::text as key`))
      .count('* as total')
      .select(
        db.raw(`count(*) filter (where r.status = any(?)) as finished`, [FINISHED]),
        db.raw(`percentile_cont(0.5) within group (order by extract(epoch from r.closed_at - r.created_at)) filter (where r.closed_at is not null) / 3600 as median_hours`),
        db.raw(`percentile_cont(0.9) within group (order by extract(epoch from r.closed_at - r.created_at)) filter (where r.closed_at is not null) / 3600 as p90_hours`),
        db.raw(`avg(case when r.sla_state = 'breached' then 0 else 1 end) filter (where r.status = any(?)) as sla_compliance`, [FINISHED]),
        db.raw(`avg(case when r.status = 'rejected' then 1 else 0 end) filter (where r.status = any(?)) as rejection_rate`, [FINISHED]),
      )
      .groupBy(keyColumn),
    scoped(db, filter).select(db.raw(`${keyColumn}::text as key`), 'r.status').count('* as n').groupBy(keyColumn, 'r.status'),
    scoped(db, filter).join('surveys as s', 's.request_id', 'r.id').select(db.raw(`${keyColumn}::text as key`), 's.rating').count('* as n').groupBy(keyColumn, 's.rating'),
    groupBy === 'service' ? db('services').select('id as key', 'title') : groupBy === 'department' ? db('departments').select(db.raw('id::text as key'), 'name as title') : Promise.resolve([]),
  ]);
  const titles = new Map(names.map((n: { key: string; title: string }) => [String(n.key), n.title]));
  const rows = new Map<string, ReportRow>();
  for (const s of summary as Record<string, unknown>[]) {
    const key = String(s.key);
    rows.set(key, {
      key,
      title: titles.get(key) ?? key,
      total: Number(s.total),
      byStatus: {},
      finished: Number(s.finished),
      medianHours: round(s.median_hours),
      p90Hours: round(s.p90_hours),
      slaCompliance: round(s.sla_compliance === null ? null : Number(s.sla_compliance) * 100),
      rejectionRate: round(s.rejection_rate === null ? null : Number(s.rejection_rate) * 100),
      satisfaction: null,
      ratings: [0, 0, 0, 0, 0],
    });
  }
  for (const s of statuses as { key: string; status: string; n: number }[]) rows.get(String(s.key))!.byStatus[s.status] = Number(s.n);
  for (const r of ratings as { key: string; rating: number; n: number }[]) {
    const row = rows.get(String(r.key));
    if (row && r.rating >= 1 && r.rating <= 5) row.ratings[r.rating - 1] = Number(r.n);
  }
  for (const row of rows.values()) {
    const answers = row.ratings.reduce((a, b) => a + b, 0);
    row.satisfaction = answers ? round(row.ratings.reduce((sum, n, i) => sum + n * (i + 1), 0) / answers, 2) : null;
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || a.title.localeCompare(b.title));
}

/** CSV for spreadsheets: UTF-8 with a byte-order mark so Excel shows Persian correctly. */
export function reportCsv(rows: ReportRow[], headers: string[], statuses: string[]): string {
  const cell = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    // A leading =, +, - or @ would run as a formula in a spreadsheet.
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [headers.map(cell).join(',')];
  for (const r of rows) {
    lines.push(
      [r.title, r.total, ...statuses.map((s) => r.byStatus[s] ?? 0), r.medianHours, r.p90Hours, r.slaCompliance, r.rejectionRate, r.satisfaction, ...r.ratings]
        .map(cell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
