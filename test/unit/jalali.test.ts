import {
  addWorkingDays,
  addWorkingMs,
  formatJalaliDate,
  formatJalaliDateTime,
  isWorkingDay,
  jalaliMonthName,
  jalaliYear,
  parseJalaliDate,
  tehranDateKey,
  workingDaysBetween,
  workingMsBetween,
} from '../../lib/jalali';

// Instants written in Tehran wall-clock time, the way an officer would read them.
const tehran = (local: string) => new Date(`${local}+03:30`);
const none = new Set<string>();
const HOUR = 60 * 60 * 1000;

describe('Jalali dates in Tehran time', () => {
  test('Nowruz 1405 falls on 21 March 2026', () => {
    expect(formatJalaliDate(tehran('2026-03-21T00:00:00'))).toBe('۱۴۰۵/۰۱/۰۱');
    expect(formatJalaliDate(tehran('2026-03-20T23:59:59'))).toBe('۱۴۰۴/۱۲/۲۹');
  });

  test('26 November 2026 is 5 Azar 1405', () => {
    expect(formatJalaliDate(tehran('2026-11-26T12:00:00'))).toBe('۱۴۰۵/۰۹/۰۵');
    expect(formatJalaliDate(tehran('2026-11-26T12:00:00'), { digits: 'latin' })).toBe('1405/09/05');
  });

  test('uses the Tehran day, not the UTC day, around midnight', () => {
    // 21:00 UTC on 25 Nov is already 00:30 on 26 Nov in Tehran.
    const justAfterTehranMidnight = new Date('2026-11-25T21:00:00Z');
    expect(formatJalaliDate(justAfterTehranMidnight, { digits: 'latin' })).toBe('1405/09/05');
    expect(tehranDateKey(justAfterTehranMidnight)).toBe('2026-11-26');
  });

  test('formats date and time on the Tehran clock', () => {
    expect(formatJalaliDateTime(new Date('2026-11-26T11:00:00Z'))).toBe('۱۴۰۵/۰۹/۰۵ ۱۴:۳۰');
    expect(formatJalaliDateTime(new Date('2026-11-26T11:00:00Z'), { digits: 'latin' })).toBe('1405/09/05 14:30');
  });

  test('reports the Jalali year the moment Nowruz begins in Tehran', () => {
    expect(jalaliYear(tehran('2026-03-20T23:59:00'))).toBe(1404);
    expect(jalaliYear(tehran('2026-03-21T00:00:00'))).toBe(1405);
  });

  test('parses slashes, dashes and Persian digits to 00:00 Tehran of that day', () => {
    const expected = tehran('2026-11-26T00:00:00').getTime();
    expect(parseJalaliDate('1405/09/05')?.getTime()).toBe(expected);
    expect(parseJalaliDate('۱۴۰۵-۰۹-۰۵')?.getTime()).toBe(expected);
    expect(parseJalaliDate(' 1405/9/5 ')?.getTime()).toBe(expected);
  });

  test('rejects days that do not exist and text that is not a date', () => {
    expect(parseJalaliDate('1405/07/31')).toBeNull(); // Mehr has 30 days
    expect(parseJalaliDate('1405/13/01')).toBeNull();
    expect(parseJalaliDate('1405/00/10')).toBeNull();
    expect(parseJalaliDate('1405.09.05')).toBeNull();
    expect(parseJalaliDate('')).toBeNull();
  });

  test('round-trips a parsed date through the formatter', () => {
    expect(formatJalaliDate(parseJalaliDate('1403/12/30')!, { digits: 'latin' })).toBe('1403/12/30');
  });

  test('names months in Persian and in English', () => {
    expect(jalaliMonthName(1)).toBe('فروردین');
    expect(jalaliMonthName(9, 'fa')).toBe('آذر');
    expect(jalaliMonthName(12, 'en')).toBe('Esfand');
    expect(() => jalaliMonthName(13)).toThrow(RangeError);
  });
});

describe('working days', () => {
  test('Friday is off and Thursday is a working day', () => {
    expect(isWorkingDay(tehran('2026-11-26T10:00:00'), none)).toBe(true); // Thursday
    expect(isWorkingDay(tehran('2026-11-27T10:00:00'), none)).toBe(false); // Friday
    expect(isWorkingDay(tehran('2026-11-28T10:00:00'), none)).toBe(true); // Saturday
  });

  test('a configured holiday is off, and so is Thursday when the weekend is configured to include it', () => {
    expect(isWorkingDay(tehran('2026-11-28T10:00:00'), new Set(['2026-11-28']))).toBe(false);
    expect(isWorkingDay(tehran('2026-11-26T10:00:00'), none, new Set([4, 5]))).toBe(false);
  });

  test('a due date skips a Friday and a configured holiday and keeps the clock time', () => {
    const wednesday = tehran('2026-11-25T10:00:00');
    const holidays = new Set(['2026-11-28']); // Saturday
    // Thursday counts as day 1; Friday and the Saturday holiday are skipped; Sunday is day 2.
    expect(addWorkingDays(wednesday, 2, holidays)).toEqual(tehran('2026-11-29T10:00:00'));
    expect(addWorkingDays(wednesday, 2, none)).toEqual(tehran('2026-11-28T10:00:00'));
  });

  test('a due date on Thursday moves over the Friday to Saturday', () => {
    expect(addWorkingDays(tehran('2026-11-26T09:15:00'), 1, none)).toEqual(tehran('2026-11-28T09:15:00'));
  });

  test('a request filed on a Friday starts counting on Saturday', () => {
    expect(addWorkingDays(tehran('2026-11-27T18:00:00'), 1, none)).toEqual(tehran('2026-11-29T00:00:00'));
  });

  test('zero working days leaves the start unchanged', () => {
    const start = tehran('2026-11-25T10:00:00');
    expect(addWorkingDays(start, 0, none)).toEqual(start);
  });

  test('refuses fractional or negative day counts', () => {
    expect(() => addWorkingDays(new Date(), 1.5, none)).toThrow(RangeError);
    expect(() => addWorkingDays(new Date(), -1, none)).toThrow(RangeError);
  });

  test('short working time is simply added within a working day', () => {
    const start = tehran('2026-11-25T10:00:00');
    expect(addWorkingMs(start, 30_000, none)).toEqual(new Date(start.getTime() + 30_000));
  });

  test('working time that runs past Thursday midnight resumes on Saturday', () => {
    const thursdayNight = tehran('2026-11-26T23:00:00');
    expect(addWorkingMs(thursdayNight, 2 * HOUR, none)).toEqual(tehran('2026-11-28T01:00:00'));
  });

  test('counts working days and working time between two moments, skipping days off', () => {
    const wednesday = tehran('2026-11-25T10:00:00');
    const sunday = tehran('2026-11-29T10:00:00');
    expect(workingDaysBetween(wednesday, sunday, none)).toBe(3);
    expect(workingDaysBetween(wednesday, sunday, new Set(['2026-11-28']))).toBe(2);
    expect(workingDaysBetween(sunday, wednesday, none)).toBe(-3);
    expect(workingMsBetween(tehran('2026-11-26T23:00:00'), tehran('2026-11-28T01:00:00'), none)).toBe(2 * HOUR);
  });

  test('workingDaysBetween undoes addWorkingDays', () => {
    const holidays = new Set(['2026-11-28', '2026-12-01']);
    const start = tehran('2026-11-24T08:45:00');
    for (const days of [0, 1, 2, 5, 10]) {
      expect(workingDaysBetween(start, addWorkingDays(start, days, holidays), holidays)).toBe(days);
    }
  });
});
