// A Jalali "from / to" pair typed by staff (Persian digits welcome), as instants in Tehran time.
import { DAY_MS, parseJalaliDate } from '../lib/jalali';

export interface DateRange {
  from: Date | null;
  /** exclusive: the start of the day after the "to" day */
  until: Date | null;
  input: { from: string; to: string };
  errors: { id: string; messageKey: string }[];
}

export function jalaliRange(query: Record<string, unknown>, errorKey: string): DateRange {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim().slice(0, 20) : '');
  const input = { from: text('from'), to: text('to') };
  const errors: DateRange['errors'] = [];
  const day = (name: 'from' | 'to') => {
    if (!input[name]) return null;
    const parsed = parseJalaliDate(input[name]);
    if (!parsed) errors.push({ id: name, messageKey: errorKey });
    return parsed;
  };
  const from = day('from');
  const to = day('to');
  return { from, until: to ? new Date(to.getTime() + DAY_MS) : null, input, errors };
}
