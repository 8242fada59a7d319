// The steps people take, shared by the tests that build on them.
import type { Browser } from '../../scripts/stack/http-browser';
import { eventually } from '../../scripts/stack/people';
import type { Desk } from './desk';

export { letterAnswers, loginCitizen, loginStaff, smsTo } from '../../scripts/stack/people';

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

/** Waits until the request is in `status` with its automatic steps done: it waits for someone again, or has ended. */
export function waitForStatus(desk: Pick<Desk, 'db'>, trackingCode: string, status: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const row = await desk.db('requests').where({ tracking_code: trackingCode }).first('status', 'awaiting', 'closed_at');
    return row?.status === status && (row.awaiting !== null || row.closed_at !== null);
  }, timeoutMs, `${trackingCode} to be ${status}`);
}
