// Logging in by SMS code: number formats, tries, expiry, resend and rate limits, and codes kept only as hashes.
import { createHash } from 'node:crypto';
import { ConfigError, loadConfig } from '../lib/config';
import { toLatinDigits, toPersianDigits } from '../lib/persian';
import { Browser, textOf, type Page } from '../scripts/stack/http-browser';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { smsTo } from './helpers/journeys';
import { startWebApp, type WebApp } from './helpers/web-app';

let desk: Desk;
let defaults: WebApp;
let shortLived: WebApp;
let limited: WebApp;

// The desk itself lets a number ask again at once, so one test can log the same citizen in several times.
beforeAll(async () => {
  desk = await startDesk({ OTP_RESEND_SECONDS: '0', OTP_PER_NUMBER_LIMIT: '50', OTP_PER_ADDRESS_LIMIT: '100' });
  defaults = await startWebApp(desk, (c) => ({ ...c, otp: loadConfig({}).otp }));
  shortLived = await startWebApp(desk, (c) => ({ ...c, otp: loadConfig({ OTP_CODE_TTL_SECONDS: '1', OTP_RESEND_SECONDS: '0' }).otp }));
  limited = await startWebApp(desk, (c) => ({
    ...c,
    otp: loadConfig({ OTP_RESEND_SECONDS: '0', OTP_PER_NUMBER_LIMIT: '3', OTP_PER_ADDRESS_LIMIT: '4' }).otp,
  }));
});
afterAll(async () => {
  await Promise.all([defaults?.stop(), shortLived?.stop(), limited?.stop()]);
  await desk?.stop();
});

const toArabicDigits = (s: string) => s.replace(/[0-9]/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]);

/** Asks for a code as typed and returns the code the phone received. */
async function askForCode(browser: Browser, typed: string, mobile: string): Promise<{ page: Page; code: string }> {
  const before = (await smsTo(desk, mobile)).length;
  const page = await browser.post('/login', { mobile: typed, next: '/requests' });
  expect(page.status).toBe(200);
  const message = await eventually(async () => (await smsTo(desk, mobile))[before], 20_000, 'the login code SMS');
  return { page, code: /(\d{6})/.exec(toLatinDigits(message.body))![1] };
}

const enterCode = (browser: Browser, mobile: string, code: string) => browser.post('/login/code', { mobile, code, next: '/requests' });

async function citizenOf(browser: Browser): Promise<number | null> {
  const token = browser.cookie('pk_session');
  if (!token) return null;
  const session = await desk.db('sessions').where({ id: createHash('sha256').update(token).digest('hex') }).first('citizen_id');
  return session?.citizen_id ?? null;
}

async function codesWhere(where: Record<string, string>): Promise<number> {
  const [{ count }] = await desk.db('otp_codes').where(where).count<{ count: string | number }[]>('id as count');
  return Number(count);
}

const isLoggedIn = async (browser: Browser) => (await browser.get('/requests', false)).status === 200;

test('+98 912…, 0098912…, Persian digits and Arabic digits all log in the same citizen', async () => {
  const mobile = uniqueMobile();
  const typings = [
    `+98 ${mobile.slice(1, 4)} ${mobile.slice(4, 7)} ${mobile.slice(7)}`,
    `0098${mobile.slice(1)}`,
    toPersianDigits(mobile),
    toArabicDigits(mobile),
  ];
  const citizens = new Set<number | null>();
  for (const typed of typings) {
    const browser = new Browser(desk.url);
    const { page, code } = await askForCode(browser, typed, mobile);
    expect(textOf(page.html)).toContain(toPersianDigits(mobile));
    // The code form carries the number in its one canonical shape.
    expect(/name="mobile" value="([^"]+)"/.exec(page.html)![1]).toBe(mobile);
    const typedCode = typed === toPersianDigits(mobile) ? toPersianDigits(code) : code;
    const done = await enterCode(browser, mobile, typedCode);
    expect(done.status).toBe(200);
    expect(await isLoggedIn(browser)).toBe(true);
    citizens.add(await citizenOf(browser));
  }
  const rows = await desk.db('citizens').where({ mobile }).select('id');
  expect(rows).toHaveLength(1);
  expect([...citizens]).toEqual([rows[0].id]);
});

test('a wrong code says how many tries are left, and the sixth try is refused even with the right code', async () => {
  const mobile = uniqueMobile();
  const browser = new Browser(desk.url);
  const { code } = await askForCode(browser, mobile, mobile);
  const wrong = code === '000000' ? '111111' : '000000';

  for (const left of [4, 3, 2, 1]) {
    const page = await enterCode(browser, mobile, wrong);
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain('کد درست نیست.');
    expect(textOf(page.html)).toContain(`${toPersianDigits(left)} بار دیگر می‌توانید امتحان کنید`);
  }
  const fifth = await enterCode(browser, mobile, wrong);
  expect(fifth.status).toBe(429);
  expect(textOf(fifth.html)).toContain('این کد بیش از پنج بار اشتباه وارد شد و باطل شد');

  const sixth = await enterCode(browser, mobile, code);
  expect(sixth.status).toBe(429);
  expect(textOf(sixth.html)).toContain('این کد بیش از پنج بار اشتباه وارد شد و باطل شد');
  expect(await isLoggedIn(browser)).toBe(false);
});

test('a used code cannot be used again', async () => {
  const mobile = uniqueMobile();
  const browser = new Browser(desk.url);
  const { code } = await askForCode(browser, mobile, mobile);
  expect((await enterCode(browser, mobile, code)).status).toBe(200);
  await browser.post('/logout', {});
  expect(await isLoggedIn(browser)).toBe(false);

  const again = await enterCode(browser, mobile, code);
  expect(again.status).toBe(410);
  expect(textOf(again.html)).toContain('این کد پیش‌تر به کار رفته است');
  expect(await isLoggedIn(browser)).toBe(false);
});

test('the code is stored only as a hash and the SMS outbox shows it masked', async () => {
  const mobile = uniqueMobile();
  const browser = new Browser(desk.url);
  const { code } = await askForCode(browser, mobile, mobile);

  const [row] = await desk.db('otp_codes').where({ mobile }).select('*');
  expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
  expect(JSON.stringify(row)).not.toContain(code);
  const outbox = await desk.db('sms_outbox').where({ mobile, purpose: 'login_code' }).select('body');
  expect(outbox).toHaveLength(1);
  expect(outbox[0].body).not.toContain(code);
  expect(outbox[0].body).toContain('••••••');
  // Only the phone sees the code itself.
  expect(toLatinDigits((await smsTo(desk, mobile))[0].body)).toContain(code);
});

test('an expired code is refused with its own message', async () => {
  const mobile = uniqueMobile();
  const browser = new Browser(shortLived.url);
  const { code, page: sent } = await askForCode(browser, mobile, mobile);
  // The page and the SMS state the lifetime the desk is configured with.
  expect(textOf(sent.html)).toContain('این کد ۱ ثانیه اعتبار دارد');
  expect((await smsTo(desk, mobile)).at(-1)!.body).toContain('این کد تا ۱ ثانیه معتبر است');
  await new Promise((r) => setTimeout(r, 1_300));
  const page = await enterCode(browser, mobile, code);
  expect(page.status).toBe(410);
  expect(textOf(page.html)).toContain('مهلت این کد تمام شده است. کد تازه بگیرید.');
  expect((await browser.get('/requests', false)).status).toBe(303);
});

test('asking again within the resend window is refused, and only one code is sent', async () => {
  const mobile = uniqueMobile();
  const browser = new Browser(defaults.url);
  await askForCode(browser, mobile, mobile);
  const again = await browser.post('/login', { mobile, next: '/requests' });
  expect(again.status).toBe(429);
  expect(textOf(again.html)).toContain('کد قبلی کمتر از یک دقیقه پیش فرستاده شد');
  // What was typed is kept in the form.
  expect(again.html).toContain(`value="${mobile}"`);
  expect(await codesWhere({ mobile })).toBe(1);
});

test('one number may ask for only so many codes, whichever device asks', async () => {
  const mobile = uniqueMobile();
  for (let i = 0; i < 3; i++) expect((await new Browser(limited.url).post('/login', { mobile })).status).toBe(200);
  const fourth = await new Browser(limited.url).post('/login', { mobile });
  expect(fourth.status).toBe(429);
  expect(textOf(fourth.html)).toContain('برای این شماره کد زیادی درخواست شده است');
  expect(await codesWhere({ mobile })).toBe(3);
});

test('one address may ask for only so many codes, whichever numbers it asks for', async () => {
  const browser = new Browser(limited.url);
  for (let i = 0; i < 4; i++) expect((await browser.post('/login', { mobile: uniqueMobile() })).status).toBe(200);
  const fifth = await browser.post('/login', { mobile: uniqueMobile() });
  expect(fifth.status).toBe(429);
  expect(textOf(fifth.html)).toContain('از این دستگاه درخواست‌های زیادی فرستاده شده است');
  expect(await codesWhere({ ip: browser.address })).toBe(4);
});

test('a malformed login setting stops the start with its name', () => {
  expect(() => loadConfig({ OTP_CODE_TTL_SECONDS: 'two minutes' })).toThrow(ConfigError);
  expect(() => loadConfig({ OTP_MAX_TRIES: '0' })).toThrow(/OTP_MAX_TRIES/);
  expect(loadConfig({}).otp).toEqual({
    codeTtlMs: 120_000,
    maxTries: 5,
    resendAfterMs: 60_000,
    perNumber: { count: 3, windowMs: 600_000 },
    perAddress: { count: 20, windowMs: 3_600_000 },
  });
});
