// The agency's calendar: seeded holidays an admin confirms, moves, adds and removes in the back office, and the
// deadlines of new requests that skip them and the agency's weekend.
import { workingCalendar } from '../api/calendar';
import { addWorkingDays, formatJalaliDate, jalaliYear, isWorkingDay, tehranDateKey, type Weekday } from '../lib/jalali';
import { textOf } from '../scripts/stack/http-browser';
import { startDesk, type Desk } from './helpers/desk';
import { loginStaff } from './helpers/journeys';
import { publish, step, submit, testService } from './helpers/workflow-services';

let desk: Desk;
let thursdays: Desk;
/** Long enough that a holiday placed far ahead falls inside it, and nothing other test files compute does. */
const LONG_SLA = 250;

beforeAll(async () => {
  [desk, thursdays] = await Promise.all([startDesk(), startDesk({ WEEKEND_DAYS: 'thursday,friday' })]);
  await publish(desk, testService('cal-long', [step.secretariatReview()], { sla: { workingDays: LONG_SLA } }));
  await publish(thursdays, testService('cal-week', [step.secretariatReview()], { sla: { workingDays: 7 } }));
});
afterAll(async () => {
  await Promise.all([desk?.stop(), thursdays?.stop()]);
});

const holidaysPage = (year: number) => `/admin/holidays?year=${year}`;
const rowOf = (html: string, day: string) => textOf(new RegExp(`<tr[^>]*data-day="${day}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '');

test('this year and next are seeded: the solar holidays confirmed, the lunar ones marked «تأیید نشده» on the admin page', async () => {
  const year = jalaliYear(new Date());
  const rows = await desk.db('holidays').where({ year }).select(desk.db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'kind', 'confirmed', 'title');
  const nowruz = rows.find((r) => r.title === 'عید نوروز' && formatJalaliDate(new Date(`${r.day}T12:00:00+03:30`), { digits: 'latin' }) === `${year}/01/01`);
  expect(nowruz).toMatchObject({ kind: 'solar', confirmed: true });
  const lunar = rows.filter((r) => r.kind === 'lunar');
  expect(lunar.length).toBeGreaterThan(10);
  expect(await desk.db('holiday_years').whereIn('year', [year, year + 1]).orderBy('year').pluck('year')).toEqual([year, year + 1]);

  const admin = await loginStaff(desk, 'admin');
  const page = await admin.get(holidaysPage(year));
  expect(page.status).toBe(200);
  const unconfirmed = lunar.find((r) => !r.confirmed);
  if (unconfirmed) expect(rowOf(page.html, unconfirmed.day)).toContain('تأیید نشده');
  expect(rowOf(page.html, nowruz.day)).toContain('تأیید شده');
});

test('an admin moves a lunar holiday to the day the official calendar announced, and confirms another', async () => {
  const year = jalaliYear(new Date()) + 1;
  const admin = await loginStaff(desk, 'admin');
  const [first, second] = await desk.db('holidays').where({ year, kind: 'lunar', confirmed: false }).orderBy('day').limit(2).select(desk.db.raw(`to_char(day, 'YYYY-MM-DD') as day`), 'title');
  const announced = new Date(Date.parse(`${first.day}T12:00:00+03:30`) + 86_400_000);
  let target = announced;
  while (await desk.db('holidays').where({ day: tehranDateKey(target) }).first()) target = new Date(target.getTime() + 86_400_000);
  const moved = await admin.post(`/admin/holidays/${first.day}/move`, { date: formatJalaliDate(target) });
  expect(moved.status).toBe(200);
  expect(textOf(moved.html)).toContain('تعطیلی به تاریخ تازه رفت و تأیید شد');
  expect(await desk.db('holidays').where({ day: first.day }).first()).toBeUndefined();
  expect(await desk.db('holidays').where({ day: tehranDateKey(target) }).first()).toMatchObject({ title: first.title, confirmed: true });

  await admin.post(`/admin/holidays/${second.day}/confirm`, {});
  expect((await desk.db('holidays').where({ day: second.day }).first()).confirmed).toBe(true);
  // Seeding again never undoes what the admin decided.
  const { seedHolidays } = await import('../lib/calendar');
  await seedHolidays(desk.db, [year]);
  expect(await desk.db('holidays').where({ day: first.day }).first()).toBeUndefined();

  const actions = await desk.db('audit_log').whereIn('action', ['holiday_moved', 'holiday_confirmed']).orderBy('id', 'desc').limit(2).pluck('action');
  expect(actions.sort()).toEqual(['holiday_confirmed', 'holiday_moved']);
});

test('a holiday an admin adds pushes the deadline of the next request by a working day; removing it brings it back', async () => {
  const admin = await loginStaff(desk, 'admin');
  const before = await submit(desk, 'cal-long');
  const first = await desk.db('requests').where({ id: before.requestId }).first('sla_due_at', 'created_at');
  // A working day well inside the deadline, and far from any other test's.
  let day = new Date(Date.now() + 200 * 86_400_000);
  const calendar = await workingCalendar(desk.db, desk.config);
  while (!isWorkingDay(day, calendar.holidays, calendar.weekend)) day = new Date(day.getTime() + 86_400_000);
  const added = await admin.post('/admin/holidays', { date: formatJalaliDate(day), title: 'تعطیلی آزمایشی' });
  expect(added.status).toBe(200);
  const key = tehranDateKey(day);
  try {
    const after = await submit(desk, 'cal-long');
    const second = await desk.db('requests').where({ id: after.requestId }).first('sla_due_at', 'created_at');
    const withHoliday = await workingCalendar(desk.db, desk.config, second.created_at);
    expect(withHoliday.holidays.has(key)).toBe(true);
    expect(second.sla_due_at).toEqual(addWorkingDays(second.created_at, LONG_SLA, withHoliday.holidays, withHoliday.weekend));
    // One more day than without it (the two submissions are moments apart, on the same working time).
    const without = new Set([...withHoliday.holidays].filter((d) => d !== key));
    expect(second.sla_due_at.getTime()).toBeGreaterThan(addWorkingDays(second.created_at, LONG_SLA, without, withHoliday.weekend).getTime());
    expect(first.sla_due_at).toEqual(addWorkingDays(first.created_at, LONG_SLA, without, withHoliday.weekend));
  } finally {
    const removed = await admin.post(`/admin/holidays/${key}/delete`, {});
    expect(removed.status).toBe(200);
  }
  expect(await desk.db('holidays').where({ day: key }).first()).toBeUndefined();
});

test('a Thursday-and-Friday agency: deadlines skip both days', async () => {
  const request = await submit(thursdays, 'cal-week');
  const row = await thursdays.db('requests').where({ id: request.requestId }).first('sla_due_at', 'created_at');
  const calendar = await workingCalendar(thursdays.db, thursdays.config, row.created_at);
  expect([...calendar.weekend].sort()).toEqual([4, 5]);
  expect(row.sla_due_at).toEqual(addWorkingDays(row.created_at, 7, calendar.holidays, new Set<Weekday>([4, 5])));
  // Seven working days always hold a Thursday: a Friday-only agency would be due earlier.
  expect(row.sla_due_at.getTime()).toBeGreaterThan(addWorkingDays(row.created_at, 7, calendar.holidays, new Set<Weekday>([5])).getTime());
});

test('wrong dates and names are refused in Persian, a day cannot be a holiday twice, and only admins reach the page', async () => {
  const admin = await loginStaff(desk, 'admin');
  const bad = await admin.post('/admin/holidays', { date: '1405/13/40', title: 'x' });
  expect(bad.status).toBe(422);
  expect(textOf(bad.html)).toContain('تاریخ را به شکل شمسی درست وارد کنید');
  const untitled = await admin.post('/admin/holidays', { date: '۱۴۰۶/۰۱/۰۱', title: ' ' });
  expect(untitled.status).toBe(422);
  expect(textOf(untitled.html)).toContain('نام مناسبت را بنویسید');
  const twice = await admin.post('/admin/holidays', { date: '۱۴۰۶/۰۱/۰۱', title: 'نوروز دوباره' });
  expect(twice.status).toBe(422);
  expect(textOf(twice.html)).toContain('این روز پیش‌تر در فهرست تعطیلات است');
  expect((await admin.post('/admin/holidays/2099-01-01/delete', {}, false)).status).toBe(404);

  for (const who of ['dabir', 'supervisor', 'counter']) {
    const other = await loginStaff(desk, who);
    expect((await other.get('/admin/holidays')).status).toBe(404);
    expect((await other.post('/admin/holidays', { date: '1406/05/05', title: 'نفوذی' }, false)).status).toBe(404);
  }
  expect(await desk.db('holidays').where({ title: 'نفوذی' }).first()).toBeUndefined();
});
