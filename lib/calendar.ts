// The agency's calendar: the official holidays of a Jalali year (fixed solar ones, and lunar ones estimated
// from the Islamic calendar until an admin confirms them), and the weekend the agency keeps.
import { toGregorian, jalaaliMonthLength } from 'jalaali-js';
import type { Weekday } from './jalali';

export interface HolidaySeed {
  /** Tehran calendar day, YYYY-MM-DD (Gregorian): the key every working-day computation uses */
  day: string;
  title: string;
  kind: 'solar' | 'lunar';
  /** solar holidays are fixed; lunar ones are estimates until an admin confirms the official calendar */
  confirmed: boolean;
}

const SOLAR: [number, number, string][] = [
  [1, 1, 'عید نوروز'], [1, 2, 'عید نوروز'], [1, 3, 'عید نوروز'], [1, 4, 'عید نوروز'],
  [1, 12, 'روز جمهوری اسلامی'], [1, 13, 'روز طبیعت'],
  [3, 14, 'رحلت امام خمینی'], [3, 15, 'قیام ۱۵ خرداد'],
  [11, 22, 'پیروزی انقلاب اسلامی'],
  [12, 29, 'روز ملی شدن صنعت نفت'],
];

/** Lunar holidays by Islamic month and day; day 30 of Safar stands for its last day. */
const LUNAR: [number, number, string][] = [
  [1, 9, 'تاسوعای حسینی'], [1, 10, 'عاشورای حسینی'],
  [2, 20, 'اربعین حسینی'], [2, 28, 'رحلت رسول اکرم و شهادت امام حسن مجتبی'], [2, 30, 'شهادت امام رضا'],
  [3, 8, 'شهادت امام حسن عسکری'], [3, 17, 'میلاد رسول اکرم و امام جعفر صادق'],
  [6, 3, 'شهادت حضرت فاطمه زهرا'],
  [7, 13, 'ولادت امام علی'], [7, 27, 'مبعث رسول اکرم'],
  [8, 15, 'ولادت حضرت قائم'],
  [9, 21, 'شهادت امام علی'],
  [10, 1, 'عید سعید فطر'], [10, 2, 'تعطیل به مناسبت عید سعید فطر'], [10, 25, 'شهادت امام جعفر صادق'],
  [12, 10, 'عید سعید قربان'], [12, 18, 'عید سعید غدیر خم'],
];

const pad2 = (n: number) => String(n).padStart(2, '0');
const keyOf = (gy: number, gm: number, gd: number) => `${gy}-${pad2(gm)}-${pad2(gd)}`;

// The Umm al-Qura tabular calendar: close to, but not always, the day Iran's calendar council announces.
const ISLAMIC = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', { timeZone: 'UTC', month: 'numeric', day: 'numeric' });
function islamicMonthDay(utcNoon: Date): { month: number; day: number } {
  const parts = ISLAMIC.formatToParts(utcNoon);
  return { month: Number(parts.find((p) => p.type === 'month')!.value), day: Number(parts.find((p) => p.type === 'day')!.value) };
}

/** The official holidays of Jalali year `jy`, lunar ones estimated. */
export function holidaysOfYear(jy: number): HolidaySeed[] {
  const seeds: HolidaySeed[] = [];
  for (const [jm, jd, title] of SOLAR) {
    if (jd > jalaaliMonthLength(jy, jm)) continue;
    const { gy, gm, gd } = toGregorian(jy, jm, jd);
    seeds.push({ day: keyOf(gy, gm, gd), title, kind: 'solar', confirmed: true });
  }
  const { gy, gm, gd } = toGregorian(jy, 1, 1);
  const first = Date.UTC(gy, gm - 1, gd, 12);
  const length = jalaaliMonthLength(jy, 12) === 30 ? 366 : 365;
  for (let i = 0; i < length; i++) {
    const date = new Date(first + i * 86_400_000);
    const { month, day } = islamicMonthDay(date);
    const lastOfSafar = month === 2 && islamicMonthDay(new Date(date.getTime() + 86_400_000)).month === 3;
    for (const [lm, ld, title] of LUNAR) {
      if (lm !== month) continue;
      if (ld === 30 ? lastOfSafar : ld === day) {
        seeds.push({ day: keyOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()), title, kind: 'lunar', confirmed: false });
      }
    }
  }
  // One row per day: a lunar holiday on a solar one is the same day off.
  const byDay = new Map<string, HolidaySeed>();
  for (const seed of seeds) if (!byDay.has(seed.day)) byDay.set(seed.day, seed);
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

export const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** 'thursday,friday' → {4, 5}; unknown names are the caller's to refuse. */
export function weekendOf(names: string[]): Set<Weekday> {
  return new Set(names.map((n) => WEEKDAY_NAMES.indexOf(n as (typeof WEEKDAY_NAMES)[number]) as Weekday).filter((d) => d >= 0));
}

/** Adds the year's holidays that are not in the table yet; a day an admin moved, confirmed or removed is theirs. */
export async function seedHolidays(db: import('./db').Db, years: number[]): Promise<void> {
  for (const jy of years) {
    const seeds = holidaysOfYear(jy);
    const done = await db('holiday_years').where({ year: jy }).first();
    if (done) continue;
    await db.transaction(async (trx) => {
      await trx('holidays').insert(seeds.map((s) => ({ ...s, year: jy }))).onConflict('day').ignore();
      await trx('holiday_years').insert({ year: jy }).onConflict('year').ignore();
    });
  }
}
