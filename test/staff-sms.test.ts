// Staff can write to the applicant by SMS: delivered once, kept in the history and the audit log.
import { textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, smsTo, submitThroughPages, waitForStatus } from './helpers/journeys';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

const tokenOf = (html: string) => /name="smsToken" value="([^"]+)"/.exec(html)![1];

test('a clerk sends a custom SMS: the applicant gets it once even if the form is sent twice, and it is in the history and audit log', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  const page = await clerk.get(`/staff/requests/${code}`);
  const token = tokenOf(page.html);
  const message = 'لطفاً نسخه امضاشده نامه را هم بفرستید.';

  const sent = await clerk.post(`/staff/requests/${code}/sms`, { message, smsToken: token });
  expect(sent.status).toBe(200);
  expect(textOf(sent.html)).toContain('پیامک فرستاده شد');
  // The same form sent again (a double click) does not send a second SMS.
  await clerk.post(`/staff/requests/${code}/sms`, { message, smsToken: token });

  await eventually(async () => (await smsTo(desk, mobile)).some((m) => m.body === message));
  await new Promise((r) => setTimeout(r, 500));
  expect((await smsTo(desk, mobile)).filter((m) => m.body === message)).toHaveLength(1);

  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const events = await desk.db('request_events').where({ request_id: request.id, kind: 'staff_sms' });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ actor: 'dabir', note: message });
  const audit = await desk.db('audit_log').where({ request_id: request.id, action: 'custom_sms' });
  expect(audit).toHaveLength(1);
  const file = textOf((await clerk.get(`/staff/requests/${code}`)).html);
  expect(file).toContain('پیامک کارشناس به متقاضی');
  expect(file).toContain(message);
});

test('an empty or overlong SMS is refused with a Persian message and nothing is sent', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  const token = tokenOf((await clerk.get(`/staff/requests/${code}`)).html);
  const before = (await smsTo(desk, mobile)).length;

  const empty = await clerk.post(`/staff/requests/${code}/sms`, { message: '   ', smsToken: token });
  expect(empty.status).toBe(422);
  expect(textOf(empty.html)).toContain('متن پیامک را بنویسید');
  const long = await clerk.post(`/staff/requests/${code}/sms`, { message: 'ب'.repeat(481), smsToken: token });
  expect(long.status).toBe(422);
  expect(textOf(long.html)).toContain('بیش از حد مجاز');
  expect(long.html).toContain('ب'.repeat(100));

  await new Promise((r) => setTimeout(r, 500));
  expect((await smsTo(desk, mobile)).length).toBe(before);
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  expect(await desk.db('request_events').where({ request_id: request.id, kind: 'staff_sms' })).toEqual([]);
});
