// Logs: every request line carries its request id and tracking code, never a mobile, national code or login code.
import { Writable } from 'node:stream';
import { toLatinDigits, toPersianDigits } from '../lib/persian';
import { createLogger } from '../lib/log';
import { smsTo, letterAnswers, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';
import { Browser } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk({}, { log: createLogger('info', 'web', sink) });
});
afterAll(async () => {
  await desk?.stop();
});

const records = () => lines.map((l) => JSON.parse(l) as Record<string, any>);
const requestLines = () => records().filter((r) => r.req);

test('a citizen and a clerk leave request ids and tracking codes in the logs, and none of their personal data', async () => {
  const mobile = uniqueMobile();
  const citizen = new Browser(desk.url);
  // Sign in by SMS code, the way loginCitizen does, keeping the code to look for it afterwards.
  expect((await citizen.post('/login', { mobile, next: '/requests' })).status).toBe(200);
  const message = await eventually(async () => (await smsTo(desk, mobile))[0], 20_000, 'the login code SMS');
  const otp = /(\d{6})/.exec(toLatinDigits(message.body))![1];
  expect((await citizen.post('/login/code', { mobile, code: otp, next: '/requests' })).status).toBe(200);

  const answers = letterAnswers();
  const code = await submitThroughPages(citizen, 'general-letter', answers);
  await waitForStatus(desk, code, 'pending_review');
  expect((await citizen.get(`/requests/${code}`)).status).toBe(200);
  expect((await citizen.post('/track', { code, lastFour: mobile.slice(-4) })).status).toBe(200);
  expect((await citizen.get(`/login?next=/requests&mobile=${mobile}&nationalCode=${answers.national_code}`)).status).toBe(200);
  const clerk = await loginStaff(desk, 'dabir');
  expect((await clerk.get(`/staff/requests/${code}`)).status).toBe(200);

  const logged = requestLines();
  expect(logged.length).toBeGreaterThanOrEqual(10);
  // One id per request, on every line of it.
  for (const record of logged) expect(record.req.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Set(logged.map((r) => r.req.id)).size).toBe(logged.length);
  // Paths without their query strings.
  expect(logged.some((r) => r.req.path === '/login' && r.req.method === 'GET')).toBe(true);
  expect(logged.every((r) => !String(r.req.path).includes('?'))).toBe(true);
  // The tracking code joins the lines of the pages that have one.
  const tracked = logged.filter((r) => r.trackingCode === code).map((r) => `${r.req.method} ${r.req.path}`);
  expect(tracked).toEqual(expect.arrayContaining([`GET /requests/${code}/submitted`, `GET /requests/${code}`, `GET /staff/requests/${code}`]));

  const everything = lines.join('\n');
  for (const secret of [mobile, mobile.slice(1), answers.national_code, answers.full_name, answers.body, 'pishkhan-demo']) {
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(toPersianDigits(secret));
  }
  // The six-digit code, anywhere as a number of its own (timestamps are longer runs of digits).
  expect(everything).not.toMatch(new RegExp(`(?<!\\d)${otp}(?!\\d)`));
});

test('a well-formed X-Request-Id is kept and echoed; anything else is replaced', async () => {
  const given = 'edge-7f3a9c2e-0001';
  const kept = await fetch(`${desk.url}/services`, { headers: { 'x-request-id': given } });
  expect(kept.headers.get('x-request-id')).toBe(given);
  expect(requestLines().some((r) => r.req.id === given && r.req.path === '/services')).toBe(true);

  const replaced = await fetch(`${desk.url}/services`, { headers: { 'x-request-id': 'no spaces or <tags> allowed' } });
  const id = replaced.headers.get('x-request-id')!;
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(requestLines().some((r) => r.req.id === id)).toBe(true);
  expect(lines.join('\n')).not.toContain('<tags>');
});
