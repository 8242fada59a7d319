// Prometheus metrics: what a submission, its SMS, its inquiry and a missed deadline add up to, and who may read them.
import fs from 'node:fs';
import path from 'node:path';
import { publishService } from '../lib/catalog-sync';
import { createMetrics, type Metrics } from '../lib/metrics';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, submitThroughPages, waitForStatus } from './helpers/journeys';

const TOKEN = 'scrape-token-for-the-tests-0123';
const SERVICE = 'ops-metrics-letter';
let desk: Desk;
let web: Metrics;
let worker: Metrics;

beforeAll(async () => {
  web = createMetrics('web');
  worker = createMetrics('worker');
  desk = await startDesk({ METRICS_TOKEN: TOKEN }, { webMetrics: web, workerMetrics: worker });
  // The letter service with a three-second deadline, so a missed deadline happens during the test.
  const card = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'service-catalog', 'general-letter.json'), 'utf8'));
  await publishService(desk.db, { ...card, id: SERVICE, sla: { workingDays: 1, durationSeconds: 3, reminderAt: 0.5 } }, 'test');
});
afterAll(async () => {
  await desk?.stop();
});

/** The value of one sample in Prometheus text, found by name and a subset of its labels; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}

const scrape = (headers: Record<string, string> = {}) => fetch(`${desk.url}/metrics`, { headers });

test('a submission is counted by service, its status changes, SMS and inquiry by provider and agency, and its missed deadline', async () => {
  // The SMS operator and the civil registry each fail once, then recover.
  for (const target of ['sms', 'civil-registry']) {
    await fetch(`${desk.sandboxUrl}/control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ target, fault: 'down', times: 1 }) });
  }
  const citizen = await loginCitizen(desk, uniqueMobile());
  const code = await submitThroughPages(citizen, SERVICE, letterAnswers());
  await waitForStatus(desk, code, 'pending_review');
  expect((await citizen.get(`/requests/${code}`)).status).toBe(200);
  await eventually(async () => (await desk.db('requests').where({ tracking_code: code }).first()).sla_state === 'breached', 20_000, 'the deadline to pass');

  const response = await scrape();
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const webText = await response.text();
  expect(sample(webText, 'pishkhan_requests_submitted_total', { service: SERVICE, component: 'web' })).toBe(1);
  expect(sample(webText, 'pishkhan_http_request_duration_seconds_count', { method: 'GET', route: '/requests/:code', status: '200' })).toBeGreaterThanOrEqual(1);
  expect(sample(webText, 'pishkhan_http_request_duration_seconds_count', { method: 'POST', route: '/services/:id/submit', status: '303' })).toBe(1);
  expect(sample(webText, 'pishkhan_http_request_duration_seconds_count', { method: 'POST', route: '/login/code', status: '303' })).toBe(1);
  // Route patterns only: no tracking code becomes a series of its own.
  expect(webText).not.toContain(code);

  const workerText = await worker.registry.metrics();
  for (const status of ['submitted', 'pending_review']) {
    expect(sample(workerText, 'pishkhan_status_transitions_total', { status })).toBeGreaterThanOrEqual(1);
  }
  expect(sample(workerText, 'pishkhan_sla_breaches_total')).toBe(1);
  expect(sample(workerText, 'pishkhan_sms_total', { provider: 'sandbox', outcome: 'retrying' })).toBe(1);
  expect(sample(workerText, 'pishkhan_sms_total', { provider: 'sandbox', outcome: 'sent' })).toBeGreaterThanOrEqual(2);
  expect(sample(workerText, 'pishkhan_inquiry_failures_total', { agency: 'civil-registry' })).toBe(1);
  expect(sample(workerText, 'pishkhan_inquiry_duration_seconds_count', { agency: 'civil-registry' })).toBe(2);
});

test('a status change or a missed deadline retried by Temporal is counted once', async () => {
  const { createRequestActivities } = await import('../activities/requests');
  const own = createMetrics('worker');
  const activities = createRequestActivities(desk.db, own);
  const request = await desk.db('requests').where({ service_id: SERVICE }).first();
  for (let attempt = 0; attempt < 2; attempt++) {
    await activities.markSla({ requestId: request.id, dedupeKey: `ops-metrics:${request.id}:breach`, state: 'breached', note: 'retried' });
    await activities.recordStatus({ requestId: request.id, dedupeKey: `ops-metrics:${request.id}:status`, status: request.status, stepId: request.step_id, awaiting: request.awaiting, reviewRole: request.review_role });
  }
  const text = await own.registry.metrics();
  expect(sample(text, 'pishkhan_sla_breaches_total')).toBe(1);
  expect(sample(text, 'pishkhan_status_transitions_total', { status: request.status })).toBe(1);
});

test('/metrics is served inside the network, and outside it only with the bearer token', async () => {
  expect((await scrape()).status).toBe(200);
  expect((await scrape({ 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
  expect((await scrape({ 'x-forwarded-for': '203.0.113.7' })).status).toBe(403);
  expect((await scrape({ 'x-forwarded-for': '203.0.113.7', authorization: 'Bearer not-the-token-at-all-xx' })).status).toBe(403);
  const withToken = await scrape({ 'x-forwarded-for': '203.0.113.7', authorization: `Bearer ${TOKEN}` });
  expect(withToken.status).toBe(200);
  expect(await withToken.text()).toContain('pishkhan_http_request_duration_seconds');
});
