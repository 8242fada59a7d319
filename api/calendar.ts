// The working calendar a deadline is computed with: the holidays table (and HOLIDAYS), and the agency's weekend.
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { Weekday } from '../lib/jalali';

export interface WorkingCalendar {
  holidays: Set<string>;
  weekend: Set<Weekday>;
}

/** Deadlines reach at most this far ahead; older days no longer matter. */
const AHEAD_DAYS = 400;

export async function workingCalendar(db: Db, config: Pick<Config, 'holidays' | 'weekend'>, from = new Date()): Promise<WorkingCalendar> {
  const since = new Date(from.getTime() - 7 * 86_400_000);
  const until = new Date(from.getTime() + AHEAD_DAYS * 86_400_000);
  const rows: { day: string }[] = await db('holidays')
    .whereBetween('day', [since.toISOString().slice(0, 10), until.toISOString().slice(0, 10)])
    .select(db.raw(`to_char(day, 'YYYY-MM-DD') as day`));
  const days = rows.map((r) => r.day);
  return { holidays: new Set([...config.holidays, ...days]), weekend: new Set(config.weekend) };
}
