// Paying a fee: the request page → the bank gateway (sandbox) → the callback, verified server-to-server.
import fs from 'node:fs';
import path from 'node:path';
import { publishService } from '../lib/catalog-sync';
import { formatJalaliDateTime } from '../lib/jalali';
import type { ServiceDefinition } from '../workflows/types';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { loginCitizen, loginStaff, smsTo, statusOf, waitForStatus } from './helpers/journeys';
import { toLatinDigits } from '../lib/persian';

let desk: Desk;
const certificate: ServiceDefinition = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'service-catalog', 'service-record-certificate.json'), 'utf8'));

beforeAll(async () => {
  desk = await startDesk();
  // The same service with a three-second deadline to pay.
  const steps = certificate.steps.map((s) => (s.type === 'payment' ? { ...s, deadlineHours: undefined, deadlineSeconds: 3 } : s));
  await publishService(desk.db, { ...certificate, id: 'test-pay-deadline', title: 'گواهی سابقه خدمت (آزمون مهلت پرداخت)', steps }, 'test');
});
afterAll(async () => {
  await desk?.stop();
});

const pdf = Buffer.from('%PDF-1.4\n% payslip\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const answers = {
  full_name: 'مریم احمدی',
  national_code: '0499370899',
  birth_date: '۱۳۶۵/۰۴/۲۱',
  personnel_number: '48213',
  start_date: '۱۳۹۰/۰۷/۰۱',
  purpose: 'bank',
  email: '',
};

/** A certificate request the secretariat has approved, now waiting for the citizen to pay. */
async function awaitingPayment(serviceId = 'service-record-certificate') {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const form = await citizen.upload(`/services/${serviceId}/apply`, answers, { 'doc-last_payslip': { name: 'payslip.pdf', bytes: pdf, type: 'application/pdf' } });
  if (!form.url.endsWith('/check')) throw new Error(`the form was refused: ${form.status} ${textOf(form.html).slice(0, 500)}`);
  const done = await citizen.post(`/services/${serviceId}/submit`, {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)![1];
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForStatus(desk, code, 'awaiting_payment');
  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const payment = await eventually(() => desk.db('payments').where({ request_id: request.id }).first());
  return { mobile, citizen, code, request, payment };
}

/** Presses "pay" on the request page; returns the gateway address the citizen is sent to and its token. */
async function toGateway(citizen: Browser, code: string) {
  const sent = await citizen.post(`/requests/${code}/pay`, {}, false);
  expect(sent.status).toBe(303);
  const match = new RegExp(`^${desk.sandboxUrl}/payment/gateway/([\\w-]+)$`).exec(sent.location ?? '');
  expect(match).not.toBeNull();
  return { gateway: sent.location!, token: match![1] };
}

const paidEvents = (requestId: number) => desk.db('request_events').where({ request_id: requestId, kind: 'paid' }).select('data');

test('the citizen pays at the bank gateway and the request moves on to the department with a letter number', async () => {
  const { citizen, code, request, payment } = await awaitingPayment();
  const page = await citizen.get(`/requests/${code}`);
  const text = textOf(page.html);
  expect(text).toContain('در انتظار پرداخت');
  expect(text).toContain('۵۰۰٬۰۰۰ ریال');
  expect(text).toContain(`مهلت پرداخت ${formatJalaliDateTime(new Date(payment.deadline_at), { digits: 'fa' })}`);
  expect(page.html).toContain(`action="/requests/${code}/pay"`);

  const { gateway, token } = await toGateway(citizen, code);
  expect((await desk.db('payments').where({ id: payment.id }).first()).gateway_token).toBe(token);
  const bank = await citizen.get(gateway);
  expect(textOf(bank.html)).toContain('۵۰۰٬۰۰۰ ریال');

  // Pay → the gateway redirects to the callback → the desk verifies and redirects to the request page.
  const back = await citizen.post(`${desk.sandboxUrl}/payment/gateway/${token}`, { action: 'pay' });
  expect(back.status).toBe(200);
  expect(back.url).toBe(`/requests/${code}?payment=paid`);
  expect(textOf(back.html)).toContain('پرداخت انجام و از سوی بانک تأیید شد');
  // The page the bank sends the citizen back to already shows the new status, not "paid" beside "awaiting payment".
  const badge = /<p class="lead">[^]*?<\/p>/.exec(back.html)![0];
  expect(textOf(badge)).toContain('در حال رسیدگی');
  expect(textOf(badge)).not.toContain('در انتظار پرداخت');
  expect(back.html).not.toContain(`action="/requests/${code}/pay"`);

  const moved = await eventually(async () => {
    const row = await desk.db('requests').where({ id: request.id }).first();
    return row.letter_number && row.awaiting === 'review' ? row : null;
  }, 20_000, 'the letter and the department step');
  const hr = await desk.db('departments').where({ code: 'hr' }).first();
  expect(moved.letter_number).toMatch(/^14\d\d\/\d{3}\/\d{4}$/);
  expect(moved.department_id).toBe(hr.id);
  const paid = await desk.db('payments').where({ id: payment.id }).first();
  expect(paid).toMatchObject({ status: 'paid', gateway_token: token });
  expect(paid.gateway_reference).toMatch(/^\d+$/);
  expect(paid.paid_at).not.toBeNull();
  expect(await paidEvents(request.id)).toEqual([{ data: expect.objectContaining({ paymentId: payment.id, reference: paid.gateway_reference, amountRials: 500000 }) }]);

  const after = textOf((await citizen.get(`/requests/${code}`)).html);
  expect(after).toContain('در حال رسیدگی');
  expect(after).toContain('هزینه پرداخت شد');
  expect(after).not.toContain('پرداخت اینترنتی');

  // The gateway (or the citizen's browser) repeating the callback changes nothing.
  const again = await citizen.get(`/payments/callback?token=${token}&status=OK`);
  expect(textOf(again.html)).toContain('پرداخت انجام و از سوی بانک تأیید شد');
  await new Promise((r) => setTimeout(r, 500));
  expect(await desk.db('payments').where({ id: payment.id }).first()).toEqual(paid);
  expect(await paidEvents(request.id)).toHaveLength(1);
  expect(await desk.db('letters').where({ request_id: request.id }).count<{ count: number }[]>('id as count')).toEqual([{ count: 1 }]);
});

test('cancelling at the gateway keeps the request waiting for payment with a message, and paying again works', async () => {
  const { citizen, code, payment } = await awaitingPayment();
  const first = await toGateway(citizen, code);
  const cancelled = await citizen.post(`${desk.sandboxUrl}/payment/gateway/${first.token}`, { action: 'cancel' });
  expect(cancelled.url).toBe(`/requests/${code}?payment=failed`);
  const text = textOf(cancelled.html);
  expect(text).toContain('پرداخت انجام نشد و مبلغی از حساب شما برداشت نشده است');
  expect(text).toContain('در انتظار پرداخت');
  expect(cancelled.html).toContain(`action="/requests/${code}/pay"`);
  expect(await statusOf(desk, code)).toBe('awaiting_payment');
  expect((await desk.db('payments').where({ id: payment.id }).first()).status).toBe('pending');

  const second = await toGateway(citizen, code);
  expect(second.token).not.toBe(first.token);
  const back = await citizen.post(`${desk.sandboxUrl}/payment/gateway/${second.token}`, { action: 'pay' });
  expect(textOf(back.html)).toContain('پرداخت انجام و از سوی بانک تأیید شد');
  await waitForStatus(desk, code, 'in_progress');
  expect((await desk.db('payments').where({ id: payment.id }).first()).status).toBe('paid');
});

test('a forged callback that says OK for an unpaid token marks nothing paid', async () => {
  const { citizen, code, request, payment } = await awaitingPayment();
  const { token } = await toGateway(citizen, code);

  for (const visitor of [citizen, new Browser(desk.url)]) {
    const forged = await visitor.get(`/payments/callback?token=${token}&status=OK`, false);
    expect(forged.status).toBe(303);
    expect(forged.location).toBe(`/requests/${code}?payment=failed`);
  }
  const page = await citizen.get(`/requests/${code}?payment=failed`);
  expect(textOf(page.html)).toContain('پرداخت انجام نشد');
  await new Promise((r) => setTimeout(r, 500));
  expect(await desk.db('payments').where({ id: payment.id }).first()).toMatchObject({ status: 'pending', paid_at: null, gateway_reference: null });
  expect(await statusOf(desk, code)).toBe('awaiting_payment');
  expect(await paidEvents(request.id)).toEqual([]);

  const unknown = await citizen.get('/payments/callback?token=nosuchtoken123&status=OK');
  expect(unknown.status).toBe(404);
  expect(textOf(unknown.html)).toContain('این پرداخت پیدا نشد');
});

test('only the owner can pay, and a gateway outage is a message, not an error', async () => {
  const { citizen, code, payment } = await awaitingPayment();
  const stranger = await loginCitizen(desk, uniqueMobile());
  expect((await stranger.post(`/requests/${code}/pay`, {}, false)).status).toBe(404);
  const anonymous = await new Browser(desk.url).post(`/requests/${code}/pay`, {}, false);
  expect(anonymous.status).toBe(303);
  expect(anonymous.location).toMatch(/^\/login\?next=/);

  await fetch(`${desk.sandboxUrl}/control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target: 'payment', fault: 'down', times: 1 }) });
  const down = await citizen.post(`/requests/${code}/pay`, {}, false);
  expect(down.status).toBe(503);
  expect(textOf(down.html)).toContain('درگاه پرداخت بانک اکنون در دسترس نیست');
  expect((await desk.db('payments').where({ id: payment.id }).first()).gateway_token).toBeNull();
  // Once the bank is back, paying works.
  await toGateway(citizen, code);
});

test('a request not paid by the deadline is cancelled and the citizen is told by SMS once', async () => {
  const { mobile, citizen, code, payment } = await awaitingPayment('test-pay-deadline');
  await waitForStatus(desk, code, 'cancelled', 30_000);
  expect((await desk.db('payments').where({ id: payment.id }).first()).status).toBe('expired');
  const told = await eventually(async () => {
    const all = (await smsTo(desk, mobile)).filter((m) => m.body.includes('به دلیل پرداخت نشدن در مهلت مقرر لغو شد'));
    return all.length ? all : null;
  });
  expect(told).toHaveLength(1);
  expect(toLatinDigits(told[0].body)).toContain(code);

  const page = await citizen.get(`/requests/${code}`);
  expect(textOf(page.html)).toContain('لغو شده');
  expect(page.html).not.toContain(`action="/requests/${code}/pay"`);
  const late = await citizen.post(`/requests/${code}/pay`, {}, false);
  expect(late.status).toBe(409);
  expect(textOf(late.html)).toContain('این درخواست اکنون در انتظار پرداخت نیست');
});
