// Running the desk's people: departments, staff accounts, and the audit history of what everyone did.
import { auditQuery, type AuditFilters } from '../api/audit-search';
import { DAY_MS, formatJalaliDate } from '../lib/jalali';
import { toLatinDigits, toPersianDigits } from '../lib/persian';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { createStaff, routedLetter, uniqueName } from './helpers/back-office';
import { startDesk, type Desk } from './helpers/desk';
import { loginStaff } from './helpers/journeys';

let desk: Desk;
let admin: Browser;
beforeAll(async () => {
  desk = await startDesk();
  admin = await loginStaff(desk, 'admin');
});
afterAll(async () => {
  await desk?.stop();
});

async function signIn(username: string, password: string) {
  const browser = new Browser(desk.url);
  const page = await browser.post('/staff/login', { username, password });
  return { browser, page };
}

test('departments are created with a fixed code, renamed without touching the code, and bad input is refused in Persian', async () => {
  const code = uniqueName('unit-');
  const created = await admin.post('/admin/departments', { code, name: 'واحد آزمایشی' });
  expect(textOf(created.html)).toContain('واحد ساخته شد');
  const row = await desk.db('departments').where({ code }).first();
  expect(textOf((await admin.get(`/admin/departments/${row.id}`)).html)).toContain(code);

  const duplicate = await admin.post('/admin/departments', { code, name: 'واحد دیگر' });
  expect(duplicate.status).toBe(422);
  expect(textOf(duplicate.html)).toContain('واحدی با این کد وجود دارد');
  const bad = await admin.post('/admin/departments', { code: 'Bad Code!', name: 'x' });
  expect(bad.status).toBe(422);
  expect(textOf(bad.html)).toContain('کد واحد باید با حرف کوچک انگلیسی شروع شود');
  expect(textOf(bad.html)).toContain('نام واحد را بنویسید');
  expect(bad.html).toContain('value="bad code!"');

  const renamed = await admin.post(`/admin/departments/${row.id}`, { name: 'واحد آزمایشی بازنام‌شده', code: 'changed-code' });
  expect(textOf(renamed.html)).toContain('نام واحد تغییر کرد');
  expect(await desk.db('departments').where({ id: row.id }).first()).toMatchObject({ code, name: 'واحد آزمایشی بازنام‌شده' });
  const actions = await desk.db('audit_log').whereRaw("details->>'department' = ?", [code]).pluck('action');
  expect(actions.sort()).toEqual(['department_created', 'department_renamed']);
});

test("a department's supervisor must be one of its staff, and may then assign its requests", async () => {
  const code = uniqueName('unit-');
  await admin.post('/admin/departments', { code, name: 'واحد با سرپرست' });
  const department = await desk.db('departments').where({ code }).first();
  const username = uniqueName('lead');
  const leadId = await createStaff(desk, admin, { username, displayName: 'سرپرست تازه', role: 'reviewer', departments: [code], password: 'lead-password-1' });
  const hr = await desk.db('staff').where({ username: 'hr' }).first();

  const outsider = await admin.post(`/admin/departments/${department.id}/supervisor`, { staffId: String(hr.id) });
  expect(outsider.status).toBe(422);
  expect(textOf(outsider.html)).toContain('سرپرست باید یکی از کارکنان فعال همین واحد باشد');

  const set = await admin.post(`/admin/departments/${department.id}/supervisor`, { staffId: String(leadId) });
  expect(textOf(set.html)).toContain('سرپرست واحد ثبت شد');
  expect((await desk.db('departments').where({ id: department.id }).first()).supervisor_staff_id).toBe(leadId);
  expect((await admin.get(`/admin/departments/${department.id}`)).html).toMatch(new RegExp(`<option value="${leadId}" selected>`));

  const memberName = uniqueName('member');
  const memberId = await createStaff(desk, admin, { username: memberName, displayName: 'کارشناس واحد تازه', role: 'reviewer', departments: [code], password: 'member-password-1' });
  const letter = await routedLetter(desk, code);
  const { browser: lead } = await signIn(username, 'lead-password-1');
  const assigned = await lead.post(`/staff/requests/${letter.code}/assign`, { staffId: String(memberId) });
  expect(assigned.status).toBe(200);
  expect(textOf(assigned.html)).toContain('مسئول: کارشناس واحد تازه');
});

test('a new staff member signs in with the initial password; wrong input is refused in Persian and the password is never echoed', async () => {
  const username = uniqueName('clerk');
  const refused = await admin.post('/admin/staff', { username: 'X', displayName: '', role: 'reviewer', password: 'short' });
  expect(refused.status).toBe(422);
  const text = textOf(refused.html);
  expect(text).toContain('نام کاربری باید با حرف کوچک انگلیسی شروع شود');
  expect(text).toContain('نام نمایشی را بنویسید');
  expect(text).toContain('دست‌کم یک واحد را انتخاب کنید');
  expect(text).toContain('گذرواژه باید دست‌کم ده نویسه باشد');
  expect(refused.html).not.toContain('value="short"');

  await createStaff(desk, admin, { username, displayName: 'کارمند تازه', role: 'reviewer', departments: ['legal'], password: 'first-password-1' });
  const stored = await desk.db('staff').where({ username }).first();
  expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  const { page } = await signIn(username, 'first-password-1');
  expect(textOf(page.html)).toContain('کارمند تازه');
  const taken = await admin.post('/admin/staff', { username, displayName: 'دوباره', role: 'reviewer', departments: ['1'], password: 'another-password' });
  expect(textOf(taken.html)).toContain('این نام کاربری پیش‌تر گرفته شده است');
  expect(textOf((await admin.get(`/admin/staff/${stored.id}`)).html)).toContain('کارمند تازه');
  const list = textOf((await admin.get('/admin/staff')).html);
  // Each row: display name, role, departments, state.
  expect(list).toMatch(/زهرا محمدی \(دبیرخانه\) دبیرخانه دبیرخانه مرکزی فعال/);
});

test('deactivating signs the person out everywhere and keeps them out until reactivated', async () => {
  const username = uniqueName('temp');
  const id = await createStaff(desk, admin, { username, displayName: 'کارمند موقت', role: 'reviewer', departments: ['hr'], password: 'temp-password-1' });
  const { browser } = await signIn(username, 'temp-password-1');
  expect((await browser.get('/staff', false)).status).toBe(200);

  const done = await admin.post(`/admin/staff/${id}/deactivate`, {});
  expect(textOf(done.html)).toContain('کاربر غیرفعال شد');
  expect((await browser.get('/staff', false)).location).toMatch(/^\/staff\/login/);
  expect((await signIn(username, 'temp-password-1')).page.status).toBe(401);

  await admin.post(`/admin/staff/${id}/reactivate`, {});
  expect((await signIn(username, 'temp-password-1')).page.status).toBe(200);
  const self = await desk.db('staff').where({ username: 'admin' }).first();
  const refused = await admin.post(`/admin/staff/${self.id}/deactivate`, {});
  expect(refused.status).toBe(422);
  expect(textOf(refused.html)).toContain('نمی‌توانید حساب خودتان را غیرفعال کنید');
});

test('an account locked by wrong passwords is unlocked by the admin, and a password reset replaces the old one', async () => {
  const username = uniqueName('lock');
  const id = await createStaff(desk, admin, { username, displayName: 'کارمند قفل‌شده', role: 'reviewer', departments: ['hr'], password: 'right-password-1' });
  for (let i = 0; i < 5; i++) await signIn(username, 'wrong-password');
  const locked = await signIn(username, 'right-password-1');
  expect(locked.page.status).toBe(429);
  expect(textOf((await admin.get(`/admin/staff/${id}`)).html)).toContain('قفل تا');

  await admin.post(`/admin/staff/${id}/unlock`, {});
  expect((await signIn(username, 'right-password-1')).page.status).toBe(200);

  const short = await admin.post(`/admin/staff/${id}/password`, { password: 'short' });
  expect(short.status).toBe(422);
  await admin.post(`/admin/staff/${id}/password`, { password: 'brand-new-password' });
  expect((await signIn(username, 'right-password-1')).page.status).toBe(401);
  expect((await signIn(username, 'brand-new-password')).page.status).toBe(200);
  const actions = await desk.db('audit_log').whereRaw("details->>'username' = ?", [username]).pluck('action');
  expect(actions).toEqual(expect.arrayContaining(['staff_created', 'staff_unlocked', 'staff_password_reset']));
});

test("an admin edits a member's role and departments, but cannot take the admin role from themselves", async () => {
  const username = uniqueName('move');
  const id = await createStaff(desk, admin, { username, displayName: 'کارمند جابه‌جا', role: 'reviewer', departments: ['hr'], password: 'move-password-1' });
  const finance = await desk.db('departments').where({ code: 'finance' }).first();
  await admin.post(`/admin/staff/${id}`, { displayName: 'کارمند مالی', role: 'supervisor', departments: [String(finance.id)] });
  expect(await desk.db('staff').where({ id }).first()).toMatchObject({ display_name: 'کارمند مالی', role: 'supervisor' });
  expect(await desk.db('staff_departments').where({ staff_id: id }).pluck('department_id')).toEqual([finance.id]);
  const self = await desk.db('staff').where({ username: 'admin' }).first();
  const refused = await admin.post(`/admin/staff/${self.id}`, { displayName: 'مدیر', role: 'reviewer', departments: [String(finance.id)] });
  expect(refused.status).toBe(422);
  expect(textOf(refused.html)).toContain('نمی‌توانید نقش مدیر را از خودتان بگیرید');
  expect((await desk.db('staff').where({ id: self.id }).first()).role).toBe('admin');
});

test('the audit history is searched by username, action, tracking code and Jalali dates, and paged with a cursor', async () => {
  const letter = await routedLetter(desk, 'hr');
  const reviewer = await loginStaff(desk, 'hr');
  await reviewer.get(`/staff/requests/${letter.code}`);
  const search = async (query: Record<string, string>) => admin.get(`/admin/audit?${new URLSearchParams(query)}`);

  const byCode = textOf((await search({ code: toPersianDigits(letter.code) })).html);
  expect(byCode).toContain('تأیید درخواست');
  expect(byCode).toContain('مشاهده پرونده درخواست');
  const byStaffAndAction = await search({ staff: 'hr', action: 'view_request', code: letter.code });
  expect(textOf(byStaffAndAction.html)).toContain('رضا حسینی (امور اداری)');
  expect(textOf(byStaffAndAction.html)).not.toContain('تأیید درخواست');
  const today = formatJalaliDate(new Date());
  expect(textOf((await search({ code: letter.code, from: today, to: today })).html)).toContain('تأیید درخواست');
  expect(textOf((await search({ code: letter.code, from: formatJalaliDate(new Date(Date.now() + DAY_MS)) })).html)).toContain('اقدامی ثبت نشده است');
  const wrong = await search({ code: '123', from: '۱۴۰۵/۰۲/۳۲' });
  expect(wrong.status).toBe(422);
  expect(textOf(wrong.html)).toContain('کد رهگیری دوازده رقم است');
  expect(textOf(wrong.html)).toContain('تاریخ را به شکل شمسی درست وارد کنید');

  // Sixty entries for one person: two pages, each entry once, newest first.
  const username = uniqueName('busy');
  const id = await createStaff(desk, admin, { username, displayName: 'کارمند پرکار', role: 'reviewer', departments: ['hr'], password: 'busy-password-1' });
  await desk.db('audit_log').insert(Array.from({ length: 60 }, (_, i) => ({ staff_id: id, action: 'view_letter', ip: '10.0.0.1', details: JSON.stringify({ n: i }) })));
  const first = await search({ staff: username, action: 'view_letter' });
  // The entry's details read as a labelled value, in Persian digits.
  const numbers = (html: string) => [...html.matchAll(/<dd><bdi>([۰-۹]+)<\/bdi><\/dd>/g)].map((m) => Number(toLatinDigits(m[1])));
  const next = /href="\/admin\/audit\?([^"]*after[^"]*)"/.exec(first.html)![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  const second = await admin.get(`/admin/audit?${next}`);
  const all = [...numbers(first.html), ...numbers(second.html)];
  expect(numbers(first.html)).toHaveLength(50);
  expect(all).toEqual(Array.from({ length: 60 }, (_, i) => 59 - i));
});

test('each audit filter is answered from an index', async () => {
  const plan = (filters: AuditFilters) =>
    desk.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const { sql, bindings } = auditQuery(trx, filters, null, 50).toSQL();
      return ((await trx.raw(`explain ${sql}`, bindings)).rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
    });
  // Which of the audit indexes the planner picks depends on the statistics of the moment; a scan of the whole table is the failure.
  const fromIndex = (text: string) => {
    expect(text).not.toMatch(/Seq Scan on audit_log/);
    expect(text).toMatch(/Index (Only )?Scan (Backward )?(using|on) audit_log_\w+/);
  };
  fromIndex(await plan({}));
  fromIndex(await plan({ staffId: 1 }));
  fromIndex(await plan({ action: 'login' }));
  fromIndex(await plan({ requestId: 1 }));
  fromIndex(await plan({ from: new Date(Date.now() - DAY_MS), until: new Date() }));
});
