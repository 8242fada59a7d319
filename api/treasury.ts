// Reconciling paid fees with the treasury: payments by day, fee and account, with the bank's reference and the deposit id.
import type { Db } from '../lib/db';
import { decodeCursor, encodeCursor } from './context';
import { jalaliRange } from './date-range';

export const TREASURY_PAGE = 50;

export interface TreasuryFilters {
  from: Date | null;
  until: Date | null;
  fee: string;
  account: string;
  depositId: string;
}

export function treasuryFilters(query: Record<string, unknown>) {
  const text = (name: string, max: number) => (typeof query[name] === 'string' ? (query[name] as string).trim().slice(0, max) : '');
  const range = jalaliRange(query, 'treasury.errors.date');
  const input = { ...range.input, fee: text('fee', 64), account: text('account', 40), depositId: text('depositId', 30) };
  const filters: TreasuryFilters = { from: range.from, until: range.until, fee: input.fee, account: input.account, depositId: input.depositId };
  return { input, filters, errors: range.errors };
}

function paid(db: Db, filters: TreasuryFilters) {
  return db('payments as p').where('p.status', 'paid').modify((b) => {
    if (filters.from) b.where('p.paid_at', '>=', filters.from);
    if (filters.until) b.where('p.paid_at', '<', filters.until);
    if (filters.fee) b.where('p.fee_key', filters.fee);
    if (filters.account) b.where('p.account', filters.account);
    if (filters.depositId) b.where('p.deposit_id', filters.depositId);
  });
}

/** One page of paid payments, newest first, with what the treasury matches them by. */
export function treasuryQuery(db: Db, filters: TreasuryFilters, after: unknown, limit = TREASURY_PAGE) {
  const cursor = decodeCursor(after);
  return paid(db, filters)
    .join('requests as r', 'r.id', 'p.request_id')
    .modify((b) => {
      if (cursor) b.whereRaw('(p.paid_at, p.id) < (?::timestamptz, ?::uuid)', [String(cursor[0]), String(cursor[1])]);
    })
    .orderBy([{ column: 'p.paid_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])
    .limit(limit + 1)
    .select(
      'p.id', 'p.paid_at', db.raw('p.paid_at::text as cursor_at'), 'p.fee_key', 'p.amount_rials', 'p.deposit_id', 'p.account', 'p.gateway_reference',
      'r.tracking_code', 'r.service_id',
    );
}

export async function treasuryPage(db: Db, filters: TreasuryFilters, after: unknown, limit = TREASURY_PAGE) {
  const rows = await treasuryQuery(db, filters, after, limit);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { payments: page, next: rows.length > limit ? encodeCursor([last.cursor_at, last.id]) : null };
}

/** Totals by Tehran day, fee and account: one grouped query. */
export function treasuryTotals(db: Db, filters: TreasuryFilters) {
  return paid(db, filters)
    .select(db.raw(`to_char(p.paid_at at time zone 'Asia/Tehran', 'YYYY-MM-DD') as day`), 'p.fee_key', 'p.account', 'p.deposit_id')
    .count('* as count')
    .sum('p.amount_rials as total')
    .groupByRaw(`1, p.fee_key, p.account, p.deposit_id`)
    .orderByRaw('1 desc, p.fee_key, p.account')
    .limit(500);
}
