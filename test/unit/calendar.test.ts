// The seeded holidays of a Jalali year: the fixed solar days where the calendar puts them, lunar ones estimated and unconfirmed.
import { toJalaali } from 'jalaali-js';
import { holidaysOfYear, weekendOf } from '../../lib/calendar';

const jalali = (key: string) => {
  const [gy, gm, gd] = key.split('-').map(Number);
  const { jy, jm, jd } = toJalaali(gy, gm, gd);
  return `${jy}/${jm}/${jd}`;
};

test.each([1404, 1405, 1406, 1410])('year %i: the solar holidays fall on their Jalali days and are confirmed', (year) => {
  const solar = holidaysOfYear(year).filter((h) => h.kind === 'solar');
  const days = solar.map((h) => jalali(h.day));
  for (const day of ['1/1', '1/2', '1/3', '1/4', '1/12', '1/13', '3/14', '3/15', '11/22']) expect(days).toContain(`${year}/${day}`);
  expect(solar.every((h) => h.confirmed)).toBe(true);
});

test('29 Esfand is a holiday in a year that has it', () => {
  expect(holidaysOfYear(1405).map((h) => jalali(h.day))).toContain('1405/12/29');
});

test('lunar holidays are estimated inside the year, unconfirmed, one row per day, with the two days of Eid al-Fitr in a row', () => {
  const year = holidaysOfYear(1405);
  const lunar = year.filter((h) => h.kind === 'lunar');
  expect(lunar.length).toBeGreaterThanOrEqual(12);
  expect(lunar.every((h) => !h.confirmed)).toBe(true);
  expect(lunar.every((h) => jalali(h.day).startsWith('1405/'))).toBe(true);
  expect(new Set(year.map((h) => h.day)).size).toBe(year.length);
  const ashura = lunar.find((h) => h.title === 'عاشورای حسینی')!;
  const tasua = lunar.find((h) => h.title === 'تاسوعای حسینی')!;
  expect(Date.parse(ashura.day) - Date.parse(tasua.day)).toBe(86_400_000);
  const fitr = year.filter((h) => /فطر/.test(h.title)).map((h) => Date.parse(h.day));
  expect(fitr).toHaveLength(2);
  expect(fitr[1] - fitr[0]).toBe(86_400_000);
});

test('weekend names are weekdays', () => {
  expect([...weekendOf(['thursday', 'friday'])]).toEqual([4, 5]);
  expect([...weekendOf(['friday'])]).toEqual([5]);
});
