// Claim and assign: one person answers for each request, the inbox shows who and how much time is left.
import { Browser, textOf } from '../scripts/stack/http-browser';
import { createStaff, routedLetter, uniqueName } from './helpers/back-office';
import { startDesk, type Desk } from './helpers/desk';
import { loginStaff, statusOf } from './helpers/journeys';

let desk: Desk;
// A department of this file's own, so its inbox holds only these requests whatever else runs.
const unit = uniqueName('claims-');
const elsewhere = uniqueName('claims-next-');
const people = {
  reviewer: { username: uniqueName('rev'), displayName: 'کارشناس نخست', role: 'reviewer', departments: [unit] },
  colleague: { username: uniqueName('col'), displayName: 'کارشناس دوم', role: 'reviewer', departments: [unit] },
  supervisor: { username: uniqueName('sup'), displayName: 'سرپرست واحد', role: 'supervisor', departments: [unit] },
  next: { username: uniqueName('nxt'), displayName: 'کارشناس واحد بعدی', role: 'reviewer', departments: [elsewhere] },
};
const ids: Record<string, number> = {};
const PASSWORD = 'claims-password-1';

beforeAll(async () => {
  desk = await startDesk();
  await desk.db('departments').insert([{ code: unit, name: `واحد ${unit}` }, { code: elsewhere, name: `واحد ${elsewhere}` }]);
  const admin = await loginStaff(desk, 'admin');
  for (const [key, person] of Object.entries(people)) ids[key] = await createStaff(desk, admin, { ...person, password: PASSWORD });
});
afterAll(async () => {
  await desk?.stop();
});

async function signIn(who: keyof typeof people): Promise<Browser> {
  const browser = new Browser(desk.url);
  const page = await browser.post('/staff/login', { username: people[who].username, password: PASSWORD });
  if (page.status !== 200) throw new Error(`${who} could not sign in: ${page.status}`);
  return browser;
}

const inboxRowOf = (html: string, code: string) => {
  const start = html.indexOf(`/staff/requests/${code}`);
  if (start < 0) return null;
  return textOf(html.slice(start, html.indexOf('</tr>', start)));
};

test('a reviewer claims a request of their department: the inbox shows them as assignee under "mine", not under "unassigned", and the audit log has it', async () => {
  const { code, requestId } = await routedLetter(desk, unit);
  const reviewer = await signIn('reviewer');
  expect((await reviewer.get('/staff?who=unassigned')).html).toContain(`/staff/requests/${code}`);
  expect((await reviewer.get('/staff?who=mine')).html).not.toContain(`/staff/requests/${code}`);

  const claimed = await reviewer.post(`/staff/requests/${code}/claim`, {});
  expect(claimed.status).toBe(200);
  expect(textOf(claimed.html)).toContain('این درخواست را برداشتید');
  expect(textOf(claimed.html)).toContain('مسئول: کارشناس نخست');

  const mine = await reviewer.get('/staff?who=mine');
  expect(inboxRowOf(mine.html, code)).toContain('کارشناس نخست');
  expect((await reviewer.get('/staff?who=unassigned')).html).not.toContain(`/staff/requests/${code}`);

  const entry = await desk.db('audit_log').where({ request_id: requestId, action: 'request_claimed' }).first();
  expect(entry).toMatchObject({ staff_id: ids.reviewer, ip: reviewer.address });
});

test('a colleague cannot claim a request someone already has: the refusal names who has it', async () => {
  const { code } = await routedLetter(desk, unit);
  const reviewer = await signIn('reviewer');
  await reviewer.post(`/staff/requests/${code}/claim`, {});
  const supervisor = await signIn('supervisor');
  const refused = await supervisor.post(`/staff/requests/${code}/claim`, {});
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain('این درخواست را کارشناس نخست پیش‌تر برداشته است');
  const row = await desk.db('requests').where({ tracking_code: code }).first();
  expect(row.assigned_to).toBe(ids.reviewer);
});

test('the supervisor assigns to another member of the department; a reviewer cannot assign, and nobody outside the department can be assigned', async () => {
  const { code, requestId } = await routedLetter(desk, unit);
  const colleagueId = ids.colleague;
  const reviewer = await signIn('reviewer');
  const notAllowed = await reviewer.post(`/staff/requests/${code}/assign`, { staffId: String(colleagueId) });
  expect(notAllowed.status).toBe(403);
  expect(textOf(notAllowed.html)).toContain('فقط سرپرست واحد یا مدیر سامانه می‌تواند درخواست را واگذار کند');

  const supervisor = await signIn('supervisor');
  const page = await supervisor.get(`/staff/requests/${code}`);
  expect(page.html).toContain(`<option value="${colleagueId}"`);
  const outsider = await supervisor.post(`/staff/requests/${code}/assign`, { staffId: String(ids.next) });
  expect(outsider.status).toBe(422);
  expect(textOf(outsider.html)).toContain('این شخص از کارکنان فعال واحد رسیدگی‌کننده نیست');

  const assigned = await supervisor.post(`/staff/requests/${code}/assign`, { staffId: String(colleagueId) });
  expect(assigned.status).toBe(200);
  expect(textOf(assigned.html)).toContain('مسئول: کارشناس دوم');
  const colleague = await signIn('colleague');
  expect(inboxRowOf((await colleague.get('/staff?who=mine')).html, code)).toContain('کارشناس دوم');
  const entry = await desk.db('audit_log').where({ request_id: requestId, action: 'request_assigned' }).first();
  expect(entry.details).toMatchObject({ assignee: people.colleague.username });
});

test('the assignee can give a request back, and then it is unassigned again', async () => {
  const { code } = await routedLetter(desk, unit);
  const reviewer = await signIn('reviewer');
  await reviewer.post(`/staff/requests/${code}/claim`, {});
  const released = await reviewer.post(`/staff/requests/${code}/release`, {});
  expect(released.status).toBe(200);
  expect(textOf(released.html)).toContain('هنوز کسی این درخواست را برنداشته است');
  expect((await reviewer.get('/staff?who=unassigned')).html).toContain(`/staff/requests/${code}`);
});

test('forwarding a request to another department clears its assignee there', async () => {
  const { code } = await routedLetter(desk, unit);
  const reviewer = await signIn('reviewer');
  await reviewer.post(`/staff/requests/${code}/claim`, {});
  const next = await desk.db('departments').where({ code: elsewhere }).first();
  await reviewer.post(`/staff/requests/${code}/decision`, { kind: 'forward', forwardTo: String(next.id), reason: 'موضوع به واحد بعدی مربوط است' });
  const row = await desk.db('requests').where({ tracking_code: code }).first();
  expect(row.department_id).toBe(next.id);
  expect(row.assigned_to).toBeNull();
  const there = await signIn('next');
  expect(inboxRowOf((await there.get('/staff?who=unassigned')).html, code)).toContain('بدون مسئول');
});

test('the inbox shows the working time left, or how long ago the deadline passed, in words', async () => {
  const onTime = await routedLetter(desk, unit);
  const late = await routedLetter(desk, unit);
  // The deadline of the second request is moved three days into the past, as if it had waited that long.
  await desk.db('requests').where({ id: late.requestId }).update({ sla_due_at: new Date(Date.now() - 3 * 24 * 3600_000) });
  const reviewer = await signIn('reviewer');
  const inbox = await reviewer.get('/staff');
  expect(inboxRowOf(inbox.html, onTime.code)).toMatch(/[۰-۹]+ روز مانده/);
  expect(inboxRowOf(inbox.html, late.code)).toMatch(/[۰-۹]+ (روز|ساعت) گذشته/);
});

test("the request page shows the request's audit trail: who, what, and from which address", async () => {
  const { code } = await routedLetter(desk, unit);
  const reviewer = await signIn('reviewer');
  await reviewer.post(`/staff/requests/${code}/claim`, {});
  const page = await reviewer.get(`/staff/requests/${code}`);
  const trail = textOf(page.html.slice(page.html.indexOf('id="audit"')));
  expect(trail).toContain('برداشتن درخواست');
  expect(trail).toContain('کارشناس نخست');
  expect(trail).toContain(reviewer.address);
  expect(trail).toContain('تأیید درخواست');
  expect(await statusOf(desk, code)).toBe('in_progress');
});

test('a closed request cannot be claimed', async () => {
  const { code } = await routedLetter(desk, unit);
  const reviewer = await signIn('reviewer');
  await reviewer.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason: 'شکایت تکراری است' });
  const refused = await reviewer.post(`/staff/requests/${code}/claim`, {});
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain('این درخواست بسته شده است');
});
