// One request across the whole desk: pages → workflow → agency → staff decision → SMS, all real.
import { textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, smsTo, statusOf, submitThroughPages, waitForStatus } from './helpers/journeys';
import { toLatinDigits } from '../lib/persian';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

async function submittedLetter(department = 'legal') {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers(department));
  await waitForStatus(desk, code, 'pending_review');
  return { mobile, citizen, code };
}

test('a submitted request reaches pending review with the civil registry answer stored as evidence', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
  const confirmation = await citizen.get(`/requests/${code}/submitted`);
  expect(textOf(confirmation.html)).toContain('درخواست شما ثبت شد');

  await waitForStatus(desk, code, 'pending_review');
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const inquiry = await desk.db('inquiries').where({ request_id: request.id }).first();
  expect(inquiry).toMatchObject({ agency: 'civil-registry', operation: 'person', outcome: 'ok' });
  expect(inquiry.response).toMatchObject({ nationalCode: '0499370899', birthDate: '1365/04/21' });
  expect(typeof inquiry.response.lastName).toBe('string');

  const tracking = await citizen.get(`/requests/${code}`);
  expect(textOf(tracking.html)).toContain('در انتظار بررسی');
  const submittedSms = (await smsTo(desk, mobile)).filter((m) => toLatinDigits(m.body).includes(code));
  expect(submittedSms).toHaveLength(1);
  expect(submittedSms[0].body).toContain('ثبت شد');
});

test('the secretariat approves: the letter gets a number, goes to the chosen department, and the citizen is told once', async () => {
  const { mobile, citizen, code } = await submittedLetter('legal');
  const clerk = await loginStaff(desk, 'dabir');
  const inbox = await clerk.get(`/staff?find=${code}`);
  expect(inbox.html).toContain(`/staff/requests/${code}`);

  // The clerk reads the chosen department by its name, not its code.
  const file = textOf((await clerk.get(`/staff/requests/${code}`)).html);
  expect(file).toContain('اداره حقوقی و قراردادها');
  expect(file).not.toMatch(/واحد گیرنده نامه legal/);

  const decided = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  expect(decided.status).toBe(200);
  expect(textOf(decided.html)).toContain('درخواست تأیید شد');

  // The clerk is answered once the approval is recorded; the letter and its SMS follow.
  expect((await desk.db('requests').where({ tracking_code: code }).first()).status).toBe('in_progress');
  const request = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: code }).first();
    return row.awaiting === 'review' ? row : null;
  }, 20_000, 'the department step');
  const legal = await desk.db('departments').where({ code: 'legal' }).first();
  expect(request.status).toBe('in_progress');
  expect(request.department_id).toBe(legal.id);
  expect(request.letter_number).toMatch(/^14\d\d\/\d{3}\/\d{4}$/);
  const letter = await desk.db('letters').where({ request_id: request.id }).first();
  expect(letter).toMatchObject({ number: request.letter_number, department_id: legal.id, registered_by: 'dabir' });

  const letterSms = await eventually(async () => {
    const all = (await smsTo(desk, mobile)).filter((m) => toLatinDigits(m.body).includes(request.letter_number));
    return all.length ? all : null;
  });
  expect(letterSms).toHaveLength(1);
  expect(textOf((await citizen.get(`/requests/${code}`)).html)).toContain('در حال رسیدگی');

  // The secretariat no longer sees it; the legal department does.
  expect((await clerk.get(`/staff/requests/${code}`)).status).toBe(404);
  const lawyer = await loginStaff(desk, 'legal');
  expect((await lawyer.get(`/staff?find=${code}`)).html).toContain(`/staff/requests/${code}`);
});

test('the secretariat rejects with a reason: the request ends rejected and the reason reaches the citizen by SMS exactly once', async () => {
  const { mobile, citizen, code } = await submittedLetter();
  const clerk = await loginStaff(desk, 'dabir');
  const reason = 'متن نامه ناقص است و امضا ندارد';
  const decided = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason });
  expect(decided.status).toBe(200);
  expect(await statusOf(desk, code)).toBe('rejected');

  const rejection = await eventually(async () => (await smsTo(desk, mobile)).filter((m) => m.body.includes(reason)));
  await new Promise((r) => setTimeout(r, 500));
  expect((await smsTo(desk, mobile)).filter((m) => m.body.includes(reason))).toHaveLength(1);
  expect(toLatinDigits(rejection[0].body)).toContain(code);
  const outbox = await desk.db('sms_outbox').join('requests', 'requests.id', 'sms_outbox.request_id').where('requests.tracking_code', code).select('purpose');
  expect(outbox.map((r) => r.purpose).sort()).toEqual(['rejected', 'submitted']);

  const page = await citizen.get(`/requests/${code}`);
  expect(textOf(page.html)).toContain('رد شده');
  expect(textOf(page.html)).toContain(reason);
});

test('a decision on a request that is no longer pending review is refused with a message', async () => {
  const { code } = await submittedLetter();
  const clerk = await loginStaff(desk, 'dabir');
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason: 'تکراری است' });
  const again = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  expect(again.status).toBe(409);
  expect(textOf(again.html)).toContain('این درخواست اکنون در انتظار تصمیم نیست');
  expect(await statusOf(desk, code)).toBe('rejected');
});

test('a rejection without a reason is refused by the workflow and the request stays pending review', async () => {
  const { code } = await submittedLetter();
  const clerk = await loginStaff(desk, 'dabir');
  const refused = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'reject', reason: '  ' });
  expect(refused.status).toBe(409);
  expect(textOf(refused.html)).toContain('دلیل را بنویسید');
  expect(await statusOf(desk, code)).toBe('pending_review');
  const audit = await desk.db('audit_log').join('requests', 'requests.id', 'audit_log.request_id').where('requests.tracking_code', code).pluck('action');
  expect(audit).toContain('decision_refused');
});

test('a reviewer of another department cannot open or decide a request routed elsewhere', async () => {
  const { code } = await submittedLetter('legal');
  const clerk = await loginStaff(desk, 'dabir');
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  const hr = await loginStaff(desk, 'hr');
  expect((await hr.get(`/staff/requests/${code}`)).status).toBe(404);
  expect((await hr.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(404);
  expect((await hr.get(`/staff?find=${code}`)).html).not.toContain(`/staff/requests/${code}`);
  expect(await statusOf(desk, code)).toBe('in_progress');
});

test("one citizen cannot open another citizen's request", async () => {
  const { code } = await submittedLetter();
  const stranger = await loginCitizen(desk, uniqueMobile());
  expect((await stranger.get(`/requests/${code}`)).status).toBe(404);
  expect((await stranger.json(`/api/requests/${code}`)).status).toBe(404);
});
