// Webhooks: signed events for every status change and letter, delivered by their own workflows with retries,
// logged per attempt, and sent again from the admin page.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { toLatinDigits } from '../lib/persian';
import { textOf, type Browser } from '../scripts/stack/http-browser';
import { createMetrics } from '../lib/metrics';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { postForm } from './helpers/integrations';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';
import { handleOf } from './helpers/workflow-services';

interface Received {
  body: string;
  payload: Record<string, any>;
  signature: string;
  status: number;
}

let desk: Desk;
const workerMetrics = createMetrics('worker');
let admin: Browser;
let receiver: http.Server;
let receiverUrl: string;
let secret: string;
let subscriptionId: number;
const received: Received[] = [];
const seen = new Set<string>();

beforeAll(async () => {
  // The subscriber: the first delivery of each event fails with 500, every later one is accepted.
  const app = express();
  app.post('/hooks', express.text({ type: 'application/json' }), (req, res) => {
    const payload = JSON.parse(req.body);
    const first = !seen.has(payload.id);
    seen.add(payload.id);
    const status = first ? 500 : 204;
    received.push({ body: req.body, payload, signature: String(req.headers['x-pishkhan-signature'] ?? ''), status });
    res.status(status).end();
  });
  receiver = http.createServer(app);
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;

  // The receiver listens on loopback, which only WEBHOOK_ALLOW_PRIVATE lets a webhook reach.
  desk = await startDesk({ WEBHOOK_ALLOW_PRIVATE: 'true' }, { workerMetrics });
  admin = await loginStaff(desk, 'admin');
  const created = await postForm(admin, '/admin/webhooks', [['url', receiverUrl], ['events', 'status_changed'], ['events', 'letter_registered']]);
  expect(created.status).toBe(201);
  secret = /whsec_[A-Za-z0-9_-]{43}/.exec(created.html)![0];
  subscriptionId = (await desk.db('webhook_subscriptions').where({ url: receiverUrl }).first('id')).id;
});

afterAll(async () => {
  // Other test files share the database: leave no active subscriber behind.
  if (subscriptionId) await desk.db('webhook_subscriptions').where({ id: subscriptionId }).update({ active: false });
  await desk?.stop();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

function validSignature(r: Received): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(r.signature);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${r.body}`).digest('hex');
  return expected === match[2] && Math.abs(Date.now() / 1000 - Number(match[1])) < 300;
}

const acceptedFor = (code: string) => received.filter((r) => r.payload.trackingCode === code && r.status < 300);

test('every status change and the letter reach the subscriber exactly once, signed, without personal data, after a failed first try', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers('legal'));
  await waitForStatus(desk, code, 'pending_review');
  const clerk = await loginStaff(desk, 'dabir');
  await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
  const request = await eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: code }).first();
    return row?.letter_number ? row : null;
  });

  // submitted, pending review, in progress, and the letter: four events, each accepted once after one 500.
  await eventually(async () => acceptedFor(code).length >= 4, 30_000, 'four accepted deliveries');
  await new Promise((r) => setTimeout(r, 3000));
  const accepted = acceptedFor(code);
  expect(accepted.map((r) => `${r.payload.type}:${r.payload.status}`).sort()).toEqual([
    'letter_registered:in_progress',
    'status_changed:in_progress',
    'status_changed:pending_review',
    'status_changed:submitted',
  ]);
  expect(new Set(accepted.map((r) => r.payload.id)).size).toBe(4);
  for (const r of accepted) {
    expect(validSignature(r)).toBe(true);
    expect(Object.keys(r.payload).sort()).toEqual(
      ['id', 'type', 'occurredAt', 'trackingCode', 'serviceId', 'status', ...(r.payload.letterNumber ? ['letterNumber'] : [])].sort(),
    );
    expect(r.payload).toMatchObject({ trackingCode: code, serviceId: 'general-letter' });
    expect(r.body).not.toContain(mobile);
    expect(r.body).not.toContain(letterAnswers().full_name);
  }
  expect(accepted.find((r) => r.payload.type === 'letter_registered')!.payload.letterNumber).toBe(request.letter_number);
  // A tampered body does not pass the check a receiver makes.
  expect(validSignature({ ...accepted[0], body: accepted[0].body.replace(code, '000000000000') })).toBe(false);

  // The log: two attempts per event, the first refused with 500, the second delivered.
  const log = await desk.db('webhook_deliveries as d')
    .join('webhook_events as e', 'e.id', 'd.event_id')
    .where('e.request_id', request.id)
    .where('d.subscription_id', subscriptionId)
    .orderBy(['d.event_id', 'd.attempt'])
    .select('d.event_id', 'd.attempt', 'd.status_code', 'd.delivered_at');
  const byEvent = new Map<string, typeof log>();
  for (const row of log) byEvent.set(row.event_id, [...(byEvent.get(row.event_id) ?? []), row]);
  expect(byEvent.size).toBe(4);
  for (const attempts of byEvent.values()) {
    expect(attempts.map((a) => [a.attempt, a.status_code, a.delivered_at !== null])).toEqual([[1, 500, false], [2, 204, true]]);
  }
  // The worker's metrics count the same attempts.
  const counted = await workerMetrics.webhookDeliveries.get();
  const outcome = (name: string) => counted.values.find((v) => v.labels.outcome === name)?.value ?? 0;
  expect(outcome('failed')).toBeGreaterThanOrEqual(byEvent.size);
  expect(outcome('delivered')).toBeGreaterThanOrEqual(byEvent.size);

  // The request's own workflow stays cheap: no webhook work in its history.
  const history = await handleOf(desk, code).fetchHistory();
  const activityTypes = new Set((history.events ?? []).map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean));
  expect([...activityTypes].filter((t) => /webhook/i.test(String(t)))).toEqual([]);
  expect((history.events ?? []).some((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)).toBe(false);
});

test('the admin reads the delivery log page by page and sends an event again', async () => {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers('hr'));
  await waitForStatus(desk, code, 'pending_review');
  await eventually(async () => acceptedFor(code).length >= 2, 30_000, 'two accepted deliveries');

  const page = await admin.get('/admin/webhooks/deliveries');
  expect(page.status).toBe(200);
  expect(toLatinDigits(textOf(page.html))).toContain(code);
  const delivered = await desk.db('webhook_deliveries as d')
    .join('webhook_events as e', 'e.id', 'd.event_id')
    .where('d.subscription_id', subscriptionId)
    .whereRaw("e.payload->>'trackingCode' = ?", [code])
    .whereNotNull('d.delivered_at')
    .orderBy('d.id')
    .first('d.id', 'd.event_id');
  expect(page.html).toContain(`/admin/webhooks/deliveries/${delivered.id}/redeliver`);

  const before = received.filter((r) => r.payload.id === delivered.event_id && r.status < 300).length;
  const redelivery = await postForm(admin, `/admin/webhooks/deliveries/${delivered.id}/redeliver`, []);
  expect(redelivery.status).toBe(303);
  await eventually(async () => received.filter((r) => r.payload.id === delivered.event_id && r.status < 300).length === before + 1, 20_000, 'the redelivery');
  const again = received.filter((r) => r.payload.id === delivered.event_id && r.status < 300).at(-1)!;
  expect(validSignature(again)).toBe(true);
  // The attempt is logged once the subscriber has answered, a moment after it received the event.
  const attempts = await eventually(async () => {
    const logged: number[] = await desk.db('webhook_deliveries').where({ event_id: delivered.event_id, subscription_id: subscriptionId }).orderBy('attempt').pluck('attempt');
    return logged.length >= 3 ? logged : null;
  }, 20_000, 'the third attempt to be logged');
  expect(attempts).toEqual([1, 2, 3]);
  const audit = await desk.db('audit_log').where({ action: 'webhook_redelivered' }).whereRaw("details->>'eventId' = ?", [delivered.event_id]);
  expect(audit).toHaveLength(1);

  // Keyset pages: the next page starts below the last row of the first and repeats nothing.
  const first = await admin.get('/admin/webhooks/deliveries');
  const next = /href="\/admin\/webhooks\/deliveries\?after=([^"]+)"/.exec(first.html)?.[1];
  if (next) {
    const second = await admin.get(`/admin/webhooks/deliveries?after=${next}`);
    const ids = (html: string) => [...html.matchAll(/deliveries\/(\d+)\/redeliver/g)].map((m) => Number(m[1]));
    expect(Math.max(...ids(second.html))).toBeLessThan(Math.min(...ids(first.html)));
  } else {
    expect([...first.html.matchAll(/\/redeliver"/g)].length).toBeLessThanOrEqual(50);
  }
});

test('admin-only, checked and audited: a bad address is refused with a message, others see nothing, deactivation stops deliveries', async () => {
  const refused = await postForm(admin, '/admin/webhooks', [['url', 'ftp://example.org/x'], ['events', 'status_changed']]);
  expect(refused.status).toBe(422);
  expect(textOf(refused.html)).toContain('http');
  const none = await postForm(admin, '/admin/webhooks', [['url', receiverUrl]]);
  expect(none.status).toBe(422);
  expect(textOf(none.html)).toContain('دست‌کم یکی از رویدادها را انتخاب کنید');
  // What was typed stays in the form.
  expect(none.html).toContain(`value="${receiverUrl}"`);

  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.get('/admin/webhooks')).status).toBe(404);
  expect((await clerk.get('/admin/webhooks/deliveries')).status).toBe(404);
  expect((await postForm(clerk, `/admin/webhooks/${subscriptionId}/deactivate`, [])).status).toBe(404);

  const off = await postForm(admin, `/admin/webhooks/${subscriptionId}/deactivate`, []);
  expect(off.status).toBe(303);
  const citizen = await loginCitizen(desk, uniqueMobile());
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
  await waitForStatus(desk, code, 'pending_review');
  await new Promise((r) => setTimeout(r, 3000));
  expect(received.filter((r) => r.payload.trackingCode === code)).toHaveLength(0);
  const actions = await desk.db('audit_log').whereIn('action', ['webhook_created', 'webhook_deactivated']).whereRaw("details->>'subscriptionId' = ?", [String(subscriptionId)]).pluck('action');
  expect(actions.sort()).toEqual(['webhook_created', 'webhook_deactivated']);
  await postForm(admin, `/admin/webhooks/${subscriptionId}/activate`, []);
});
