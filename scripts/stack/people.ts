// What a person does against a running desk over HTTP: sign in as a citizen or a clerk, read the sandbox's SMS.
// Shared by the tests and the benchmarks.
import { DEMO_PASSWORD } from '../../lib/demo-data';
import { toLatinDigits } from '../../lib/persian';
import { Browser } from './http-browser';

interface DeskAddress {
  url: string;
  sandboxUrl: string;
}

/** Polls until `check` returns something truthy; the value is returned. */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function smsTo(desk: Pick<DeskAddress, 'sandboxUrl'>, mobile: string): Promise<{ body: string; dedupeKey: string }[]> {
  const response = await fetch(`${desk.sandboxUrl}/sms/messages?to=${mobile}`);
  return (await response.json()) as { body: string; dedupeKey: string }[];
}

export async function loginCitizen(desk: DeskAddress, mobile: string): Promise<Browser> {
  const browser = new Browser(desk.url);
  const before = (await smsTo(desk, mobile)).length;
  const sent = await browser.post('/login', { mobile, next: '/requests' });
  if (sent.status !== 200) throw new Error(`login refused: ${sent.status}`);
  const message = await eventually(async () => (await smsTo(desk, mobile))[before], 20_000, 'the login code SMS');
  const code = /(\d{6})/.exec(toLatinDigits(message.body))![1];
  const page = await browser.post('/login/code', { mobile, code, next: '/requests' });
  if (page.status !== 200) throw new Error(`code refused: ${page.status}`);
  return browser;
}

export async function loginStaff(desk: Pick<DeskAddress, 'url'>, username: string): Promise<Browser> {
  const browser = new Browser(desk.url);
  const page = await browser.post('/staff/login', { username, password: DEMO_PASSWORD });
  if (page.status !== 200) throw new Error(`staff login refused for ${username}: ${page.status}`);
  return browser;
}

/** The answers of the general-letter service, routed to a department. */
export const letterAnswers = (department = 'legal') => ({
  full_name: 'مریم احمدی',
  national_code: '0499370899',
  birth_date: '۱۳۶۵/۰۴/۲۱',
  department,
  subject: 'درخواست نسخه قرارداد',
  body: 'لطفاً نسخه‌ای از قرارداد شماره ۱۲ را برای من بفرستید. با سپاس.',
});
