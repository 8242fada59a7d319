// The steps people take, shared by the tests that build on them.
import { toLatinDigits } from '../../lib/persian';
import { DEMO_PASSWORD } from '../../lib/demo-data';
import { Browser } from './browser';
import { eventually, type Desk } from './desk';

export async function smsTo(desk: Pick<Desk, 'sandboxUrl'>, mobile: string): Promise<{ body: string; dedupeKey: string }[]> {
  const response = await fetch(`${desk.sandboxUrl}/sms/messages?to=${mobile}`);
  return (await response.json()) as { body: string; dedupeKey: string }[];
}

export async function loginCitizen(desk: Pick<Desk, 'url' | 'sandboxUrl'>, mobile: string): Promise<Browser> {
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

export async function loginStaff(desk: Pick<Desk, 'url'>, username: string): Promise<Browser> {
  const browser = new Browser(desk.url);
  const page = await browser.post('/staff/login', { username, password: DEMO_PASSWORD });
  if (page.status !== 200) throw new Error(`staff login refused for ${username}: ${page.status}`);
  return browser;
}

/** Fills the form, passes the check page and submits; returns the tracking code shown on the confirmation. */
export async function submitThroughPages(browser: Browser, serviceId: string, answers: Record<string, string>): Promise<string> {
  const form = await browser.post(`/services/${serviceId}/apply`, answers);
  if (!form.url.endsWith('/check')) throw new Error(`the form was refused: ${form.status} ${form.html.slice(0, 2000)}`);
  const done = await browser.post(`/services/${serviceId}/submit`, {});
  const match = /\/requests\/(\d{12})\/submitted/.exec(done.url);
  if (!match) throw new Error(`no confirmation page: ${done.status} ${done.url}`);
  return match[1];
}

export async function statusOf(desk: Pick<Desk, 'db'>, trackingCode: string): Promise<string> {
  const row = await desk.db('requests').where({ tracking_code: trackingCode }).first('status');
  return row?.status;
}

export function waitForStatus(desk: Pick<Desk, 'db'>, trackingCode: string, status: string, timeoutMs = 20_000) {
  return eventually(async () => (await statusOf(desk, trackingCode)) === status, timeoutMs, `${trackingCode} to be ${status}`);
}

export const letterAnswers = (department = 'legal') => ({
  full_name: 'مریم احمدی',
  national_code: '0499370899',
  birth_date: '۱۳۶۵/۰۴/۲۱',
  department,
  subject: 'درخواست نسخه قرارداد',
  body: 'لطفاً نسخه‌ای از قرارداد شماره ۱۲ را برای من بفرستید. با سپاس.',
});
