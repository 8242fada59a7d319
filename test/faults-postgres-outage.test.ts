// PostgreSQL is stopped for ten seconds under a running desk: every page and API call says "come back
// in a moment" (503, Persian, Retry-After), never 500; the desk recovers by itself; nothing saved is lost.
import { toLatinDigits } from '../lib/persian';
import { translate } from '../lib/i18n';
import { textOf, type Browser } from '../scripts/stack/http-browser';
import { eventually } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, smsTo, submitThroughPages, waitForStatus } from './helpers/journeys';
import { startOwnStack, type OwnStack } from '../scripts/stack/own-stack';

jest.setTimeout(10 * 60_000);

const OUTAGE_MS = 10_000;
const unavailable = translate('fa', 'errors.unavailable');

let stack: OwnStack;
beforeAll(async () => {
  stack = await startOwnStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  path: string;
  status: number;
  retryAfter: string | null;
  type: string;
  body: string;
  ms: number;
}

/** One look at a page (or an API call) as an anonymous visitor or with a browser's cookies. */
async function look(path: string, browser?: Browser, init: RequestInit = {}): Promise<Answer> {
  const started = Date.now();
  const cookie = browser ? ['pk_session', 'pk_csrf', 'pk_lang'].filter((n) => browser.cookie(n)).map((n) => `${n}=${browser.cookie(n)}`).join('; ') : '';
  const response = await fetch(new URL(path, stack.url), { ...init, redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) } });
  const body = await response.text();
  return { path, status: response.status, retryAfter: response.headers.get('retry-after'), type: response.headers.get('content-type') ?? '', body, ms: Date.now() - started };
}

test('with PostgreSQL stopped for 10 s the desk answers 503 in Persian, never 500, recovers by itself and loses nothing', async () => {
  // Before the outage: one citizen's request is confirmed, another citizen is on the check page.
  const confirmed = { mobile: '09121110001' } as { mobile: string; citizen: Browser; code: string };
  confirmed.citizen = await loginCitizen(stack, confirmed.mobile);
  confirmed.code = await submitThroughPages(confirmed.citizen, 'general-letter', letterAnswers('hr'));
  const waiting = await loginCitizen(stack, '09121110002');
  const answers = { ...letterAnswers('legal'), subject: 'درخواست رونوشت حکم کارگزینی' };
  const form = await waiting.post('/services/general-letter/apply', answers);
  expect(form.url).toMatch(/\/check$/);
  const clerk = await loginStaff(stack, 'dabir');

  await stack.stopPostgres();
  const outageEnds = Date.now() + OUTAGE_MS;
  const answersDuringOutage: Answer[] = [];
  const attempt = await look('/services/general-letter/submit', waiting, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: waiting.cookie('pk_csrf')! }).toString(),
  });
  answersDuringOutage.push(attempt);
  while (Date.now() < outageEnds - 1000) {
    answersDuringOutage.push(
      ...(await Promise.all([
        look('/'),
        look('/services/general-letter'),
        look('/api/services'),
        look(`/api/requests/${confirmed.code}`, confirmed.citizen),
        look(`/requests/${confirmed.code}`, confirmed.citizen),
        look('/staff', clerk),
      ])),
    );
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, Math.max(0, outageEnds - Date.now())));
  await stack.startPostgres();

  // Every answer during the outage was a quick 503 with Retry-After: a Persian page, or problem+json under /api.
  expect(answersDuringOutage.filter((a) => a.status !== 503).map((a) => `${a.path} ${a.status}`)).toEqual([]);
  for (const a of answersDuringOutage) {
    expect(Number(a.retryAfter)).toBeGreaterThan(0);
    expect(a.ms).toBeLessThan(5000);
    if (a.path.startsWith('/api/')) {
      expect(a.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(a.body)).toEqual({ type: 'about:blank', title: unavailable, status: 503, code: 'errors.unavailable' });
    } else {
      expect(a.type).toMatch(/^text\/html/);
      expect(textOf(a.body)).toContain(unavailable);
    }
  }

  // Back by itself: no restart of the web app or the worker.
  await eventually(async () => (await look('/')).status === 200, 60_000, 'the catalogue to answer again');
  expect(stack.web.child.exitCode).toBeNull();
  expect(stack.worker.child.exitCode).toBeNull();

  // The confirmed request is still there and its workflow carried on.
  await waitForStatus(stack, confirmed.code, 'pending_review', 120_000);
  expect((await smsTo(stack, confirmed.mobile)).filter((m) => toLatinDigits(m.body).includes(confirmed.code))).toHaveLength(1);

  // The submission that met the outage made no request; the draft waited, and submitting again works.
  const requestsOf = async (mobile: string) => stack.db('requests').where({ mobile }).pluck('tracking_code');
  expect(await requestsOf('09121110002')).toEqual([]);
  const check = await waiting.get('/services/general-letter/check');
  expect(check.status).toBe(200);
  expect(textOf(check.html)).toContain(answers.subject);
  const done = await waiting.post('/services/general-letter/submit', {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)?.[1];
  expect(done.status).toBe(200);
  expect(await requestsOf('09121110002')).toEqual([code]);
  await waitForStatus(stack, code!, 'pending_review', 120_000);
});
