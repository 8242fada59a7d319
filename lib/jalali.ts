// Jalali (Persian) calendar in Tehran time, and the working-day arithmetic behind service deadlines.
import { isValidJalaaliDate, toGregorian, toJalaali } from 'jalaali-js';
import { toLatinDigits, toPersianDigits } from './persian';

// Iran abolished daylight saving time in 2022, so Tehran is a fixed UTC+03:30 all year.
export const TEHRAN_OFFSET_MS = (3 * 60 + 30) * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Day of week as Date#getUTCDay numbers it: 0 = Sunday … 5 = Friday, 6 = Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
/** Government offices close on Friday; Thursday stays a working day unless a caller says otherwise. */
export const DEFAULT_WEEKEND: ReadonlySet<Weekday> = new Set<Weekday>([5]);

export interface DigitOptions {
  digits?: 'fa' | 'latin';
}

const MONTH_NAMES = {
  fa: ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'],
  en: ['Farvardin', 'Ordibehesht', 'Khordad', 'Tir', 'Mordad', 'Shahrivar', 'Mehr', 'Aban', 'Azar', 'Dey', 'Bahman', 'Esfand'],
} as const;

// A Date whose UTC fields read as Tehran wall-clock fields.
function tehranWallClock(date: Date): Date {
  return new Date(date.getTime() + TEHRAN_OFFSET_MS);
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function withDigits(s: string, opts?: DigitOptions): string {
  return opts?.digits === 'latin' ? s : toPersianDigits(s);
}

function jalaliParts(date: Date): { jy: number; jm: number; jd: number } {
  const wall = tehranWallClock(date);
  return toJalaali(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate());
}

/** '۱۴۰۵/۰۹/۰۵' (or '1405/09/05' with digits: 'latin') for the Tehran calendar day of `date`. */
export function formatJalaliDate(date: Date, opts?: DigitOptions): string {
  const { jy, jm, jd } = jalaliParts(date);
  return withDigits(`${jy}/${pad2(jm)}/${pad2(jd)}`, opts);
}

/** '۱۴۰۵/۰۹/۰۵ ۱۴:۳۰' in Tehran time. */
export function formatJalaliDateTime(date: Date, opts?: DigitOptions): string {
  const wall = tehranWallClock(date);
  const time = `${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}`;
  return `${formatJalaliDate(date, opts)} ${withDigits(time, opts)}`;
}

/** The Jalali year of `date` in Tehran, e.g. for yearly tracking-code prefixes. */
export function jalaliYear(date: Date): number {
  return jalaliParts(date).jy;
}

/** '1405/09/05', '۱۴۰۵-۰۹-۰۵' … → the instant of 00:00 Tehran on that day, or null if no such day. */
export function parseJalaliDate(input: string): Date | null {
  const match = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(toLatinDigits(input.trim()));
  if (!match) return null;
  const [jy, jm, jd] = match.slice(1).map(Number);
  if (!isValidJalaaliDate(jy, jm, jd)) return null;
  const { gy, gm, gd } = toGregorian(jy, jm, jd);
  return new Date(Date.UTC(gy, gm - 1, gd) - TEHRAN_OFFSET_MS);
}

/** 1 → 'فروردین' (fa) or 'Farvardin' (en). */
export function jalaliMonthName(month: number, locale: 'fa' | 'en' = 'fa'): string {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`a Jalali month is 1 to 12, got ${month}`);
  }
  return MONTH_NAMES[locale][month - 1];
}

/** 'YYYY-MM-DD' of the Gregorian calendar day in Tehran: the key format of holiday sets. */
export function tehranDateKey(date: Date): string {
  return tehranWallClock(date).toISOString().slice(0, 10);
}

// The instant the Tehran calendar day containing `date` began.
function startOfTehranDay(date: Date): number {
  return Math.floor((date.getTime() + TEHRAN_OFFSET_MS) / DAY_MS) * DAY_MS - TEHRAN_OFFSET_MS;
}

/** False on the weekend (Friday by default) and on holidays given as Tehran-local 'YYYY-MM-DD'. */
export function isWorkingDay(
  date: Date,
  holidays: ReadonlySet<string>,
  weekend: ReadonlySet<Weekday> = DEFAULT_WEEKEND,
): boolean {
  const weekday = tehranWallClock(date).getUTCDay() as Weekday;
  return !weekend.has(weekday) && !holidays.has(tehranDateKey(date));
}

/**
 * Advances `ms` of working time from `start`: Fridays and holidays do not count. When `ms` fits in
 * what is left of the current working day it is simply added. Starting on a day off, the clock
 * starts at 00:00 of the next working day.
 */
export function addWorkingMs(
  start: Date,
  ms: number,
  holidays: ReadonlySet<string>,
  weekend: ReadonlySet<Weekday> = DEFAULT_WEEKEND,
): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`working time must be zero or more, got ${ms}`);
  if (weekend.size >= 7) throw new RangeError('a week with no working day can never reach a deadline');
  if (ms === 0) return new Date(start.getTime());
  let cursor = start.getTime();
  let remaining = ms;
  for (;;) {
    const dayEnd = startOfTehranDay(new Date(cursor)) + DAY_MS;
    if (isWorkingDay(new Date(cursor), holidays, weekend)) {
      if (remaining <= dayEnd - cursor) return new Date(cursor + remaining);
      remaining -= dayEnd - cursor;
    }
    cursor = dayEnd;
  }
}

/**
 * The due moment `days` working days after `start`. From a working day it keeps the Tehran clock
 * time (Saturday 10:00 + 1 → Sunday 10:00; Thursday 10:00 + 1 → Saturday 10:00); from a day off
 * it ends at midnight after `days` whole working days, as addWorkingMs does.
 */
export function addWorkingDays(
  start: Date,
  days: number,
  holidays: ReadonlySet<string>,
  weekend: ReadonlySet<Weekday> = DEFAULT_WEEKEND,
): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${days}`);
  return addWorkingMs(start, days * DAY_MS, holidays, weekend);
}

/** Working time between two instants; negative when `b` is before `a`. */
export function workingMsBetween(
  a: Date,
  b: Date,
  holidays: ReadonlySet<string>,
  weekend: ReadonlySet<Weekday> = DEFAULT_WEEKEND,
): number {
  if (b.getTime() < a.getTime()) return -workingMsBetween(b, a, holidays, weekend);
  let cursor = a.getTime();
  let total = 0;
  while (cursor < b.getTime()) {
    const segmentEnd = Math.min(startOfTehranDay(new Date(cursor)) + DAY_MS, b.getTime());
    if (isWorkingDay(new Date(cursor), holidays, weekend)) total += segmentEnd - cursor;
    cursor = segmentEnd;
  }
  return total;
}

/** Whole working days elapsed from `a` to `b` (truncated toward zero); inverse of addWorkingDays. */
export function workingDaysBetween(
  a: Date,
  b: Date,
  holidays: ReadonlySet<string>,
  weekend: ReadonlySet<Weekday> = DEFAULT_WEEKEND,
): number {
  return Math.trunc(workingMsBetween(a, b, holidays, weekend) / DAY_MS);
}
