// Guessing is throttled where it can be parallel: tracking codes, staff passwords, login codes; and the
// client's address is taken from X-Forwarded-For only when TRUST_PROXY names the proxy.
import argon2 from 'argon2';
import { translate } from '../lib/i18n';
import { toPersianDigits } from '../lib/persian';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { uniqueName } from './helpers/back-office';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { raw, type RawAnswer } from './helpers/hostile';
import { letterAnswers, loginCitizen, submitThroughPages, waitForStatus } from './helpers/journeys';
import { startWebApp, type WebApp } from './helpers/web-app';

let desk: Desk;
let untrusting: WebApp;

beforeAll(async () => {
  desk = await startDesk({
    TRACK_PER_CODE_LIMIT: '5',
    TRACK_PER_ADDRESS_LIMIT: '10',
    STAFF_LOGIN_FAILURES: '5',
    STAFF_LOCKOUT_SECONDS: '5',
    STAFF_LOCKOUT_MAX_SECONDS: '10',
    STAFF_LOGIN_PER_ADDRESS_LIMIT: '10',
    OTP_RESEND_SECONDS: '0',
    OTP_PER_ADDRESS_LIMIT: '10',
  });
  // The same desk as an app that trusts no proxy: the default.
  untrusting = await startWebApp(desk, (c) => ({ ...c, trustProxy: false }));
});
afterAll(async () => {
  await untrusting?.stop();
  await desk?.stop();
});

const fa = (key: string, vars: Record<string, unknown> = {}) => translate('fa', key, vars);
const randomAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

/** A form post as a browser sends it, from the given client address (as the proxy reports it). */
async function postFrom(address: string, path: string, fields: Record<string, string>, base = desk.url): Promise<RawAnswer> {
  const browser = new Browser(base);
  await browser.get('/');
  const body = new URLSearchParams({ _csrf: browser.cookie('pk_csrf')!, ...fields }).toString();
  return raw(base, path, { method: 'POST', body, headers: { cookie: `pk_csrf=${browser.cookie('pk_csrf')}`, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address } });
}

const statuses = (answers: RawAnswer[]) => answers.reduce<Record<number, number>>((count, a) => ({ ...count, [a.status]: (count[a.status] ?? 0) + 1 }), {});

describe('tracking a request by code and the last four digits', () => {
  test('30 parallel wrong guesses at one code: only 5 are answered, the rest and then the right one wait', async () => {
    const mobile = uniqueMobile();
    const citizen = await loginCitizen(desk, mobile);
    const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
    await waitForStatus(desk, code, 'pending_review');
    const right = mobile.slice(-4);
    const wrong = right === '0000' ? '1111' : '0000';

    const answers = await Promise.all(Array.from({ length: 30 }, () => postFrom(randomAddress(), '/track', { code, lastFour: wrong })));
    expect(statuses(answers)).toEqual({ 404: 5, 429: 25 });
    const refused = answers.find((a) => a.status === 429)!;
    expect(textOf(refused.text)).toContain(fa('throttle.tryAgain', { minutes: toPersianDigits(15) }));
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);

    const rightGuess = await postFrom(randomAddress(), '/track', { code, lastFour: right });
    expect(rightGuess.status).toBe(429);
  });

  test('one address guessing at 30 codes in parallel gets only its 10 answers', async () => {
    const address = randomAddress();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => postFrom(address, '/track', { code: String(900000000000 + i * 7919 + Math.floor(Math.random() * 1000)), lastFour: '1234' })));
    expect(statuses(answers)).toEqual({ 404: 10, 429: 20 });
  });

  test('a right guess is not counted against the code', async () => {
    const mobile = uniqueMobile();
    const citizen = await loginCitizen(desk, mobile);
    const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
    for (let i = 0; i < 7; i++) expect((await postFrom(randomAddress(), '/track', { code, lastFour: mobile.slice(-4) })).status).toBe(200);
  });
});

describe('staff sign-in', () => {
  async function clerk(password: string): Promise<string> {
    const username = uniqueName('clerk');
    await desk.db('staff').insert({ username, display_name: 'کارمند آزمون', password_hash: await argon2.hash(password, { type: argon2.argon2id }), role: 'reviewer' });
    return username;
  }

  test('30 parallel wrong passwords from 30 addresses: 5 are checked, the account locks once, and only for a while that grows', async () => {
    const username = await clerk('the-right-password');
    const answers = await Promise.all(Array.from({ length: 30 }, () => postFrom(randomAddress(), '/staff/login', { username, password: 'wrong-password' })));
    expect(statuses(answers)).toEqual({ 401: 5, 429: 25 });
    const staff = await desk.db('staff').where({ username }).first('id');
    const actions = await desk.db('audit_log').where({ staff_id: staff.id }).pluck('action');
    expect(actions.filter((a) => a === 'login_failed')).toHaveLength(5);
    expect(actions.filter((a) => a === 'login_locked')).toHaveLength(1);
    const locked = await postFrom(randomAddress(), '/staff/login', { username, password: 'the-right-password' });
    expect(locked.status).toBe(429);
    expect(textOf(locked.text)).toContain(fa('staffLogin.errors.locked', { minutes: toPersianDigits(1) }));
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(5);

    // The first lockout lasts 5 s; five more failures lock it again for twice as long.
    await new Promise((r) => setTimeout(r, 5_200));
    for (let i = 0; i < 5; i++) expect((await postFrom(randomAddress(), '/staff/login', { username, password: 'wrong-password' })).status).toBe(401);
    const second = await postFrom(randomAddress(), '/staff/login', { username, password: 'the-right-password' });
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBe(10);

    // Never for good: once the lockout passes, the right password gets in.
    await new Promise((r) => setTimeout(r, 10_200));
    const inside = await postFrom(randomAddress(), '/staff/login', { username, password: 'the-right-password' });
    expect(inside.status).toBe(303);
  });

  test('one address trying 30 accounts in parallel gets 10 tries, and locks nobody out', async () => {
    const address = randomAddress();
    const usernames = await Promise.all(Array.from({ length: 30 }, () => clerk('a-clerk-password')));
    const answers = await Promise.all(usernames.map((username) => postFrom(address, '/staff/login', { username, password: 'wrong-password' })));
    expect(statuses(answers)).toEqual({ 401: 10, 429: 20 });
    expect(textOf(answers.find((a) => a.status === 429)!.text)).toContain(fa('throttle.tryAgain', { minutes: toPersianDigits(60) }));
    // Each clerk still signs in from their own desk.
    for (const username of usernames.slice(0, 3)) expect((await postFrom(randomAddress(), '/staff/login', { username, password: 'a-clerk-password' })).status).toBe(303);
  });
});

describe('login codes', () => {
  test('one address asking for 30 numbers in parallel gets 10 codes sent', async () => {
    const address = randomAddress();
    const answers = await Promise.all(Array.from({ length: 30 }, () => postFrom(address, '/login', { mobile: uniqueMobile() })));
    expect(statuses(answers)).toEqual({ 200: 10, 429: 20 });
    const [{ count }] = await desk.db('otp_codes').where({ ip: address }).count<{ count: number }[]>('id as count');
    expect(Number(count)).toBe(10);
  });
});

describe('the client address', () => {
  test('by default X-Forwarded-For is ignored: the address is the one that connected', async () => {
    const mobile = uniqueMobile();
    expect((await postFrom('10.66.66.66', '/login', { mobile }, untrusting.url)).status).toBe(200);
    expect(await desk.db('otp_codes').where({ mobile }).pluck('ip')).toEqual(['127.0.0.1']);
  });

  test('with TRUST_PROXY naming the proxy, the address it reports is used', async () => {
    const mobile = uniqueMobile();
    expect((await postFrom('10.66.66.67', '/login', { mobile })).status).toBe(200);
    expect(await desk.db('otp_codes').where({ mobile }).pluck('ip')).toEqual(['10.66.66.67']);
  });
});
