// The treasury's reconciliation: each payment keeps the fee's deposit id and account beside the bank's reference,
// listed by day, fee and account on a keyset-paginated page and in a CSV, for admins only.
import { formatJalaliDate } from '../lib/jalali';
import { toLatinDigits } from '../lib/persian';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff } from './helpers/journeys';
import { publish, step, testFee, testService, waitForRow } from './helpers/workflow-services';

let desk: Desk;
const DEPOSIT = '306099887766554433';
const ACCOUNT = 'IR120170000000999988887777';
const fee = { ...testFee, key: 'treasury-fee', title: 'هزینه آزمایشی خزانه', depositId: DEPOSIT, account: ACCOUNT };

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService('treasury-pay', [{ ...step.payment(600), fee: 'treasury-fee' } as never, step.secretariatReview()], { fees: [fee] }));
});
afterAll(async () => {
  await desk?.stop();
});

/** A citizen submits through the pages and pays at the sandbox bank; returns the tracking code. */
async function paidRequest(): Promise<string> {
  const citizen = await loginCitizen(desk, uniqueMobile());
  const form = await citizen.post('/services/treasury-pay/apply', letterAnswers());
  if (!form.url.endsWith('/check')) throw new Error(`form refused: ${form.status}`);
  const done = await citizen.post('/services/treasury-pay/submit', {});
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.url)![1];
  await waitForRow(desk, code, (r) => r.awaiting === 'payment', 'awaiting payment');
  const sent = await citizen.post(`/requests/${code}/pay`, {}, false);
  const token = new RegExp(`^${desk.sandboxUrl}/payment/gateway/([\\w-]+)$`).exec(sent.location ?? '')![1];
  await citizen.post(`${desk.sandboxUrl}/payment/gateway/${token}`, { action: 'pay' });
  await waitForRow(desk, code, (r) => r.status === 'pending_review', 'paid');
  return code;
}

test('a paid fee keeps its deposit id, account and the bank\'s reference, and the reconciliation page and CSV list it by day, fee and account', async () => {
  const codes = [await paidRequest(), await paidRequest(), await paidRequest()];
  const payments = await desk.db('payments as p').join('requests as r', 'r.id', 'p.request_id').whereIn('r.tracking_code', codes).select('p.*', 'r.tracking_code');
  expect(payments).toHaveLength(3);
  for (const p of payments) expect(p).toMatchObject({ status: 'paid', deposit_id: DEPOSIT, account: ACCOUNT, fee_key: 'treasury-fee', gateway_reference: expect.stringMatching(/^\d+$/) });

  const admin = await loginStaff(desk, 'admin');
  const today = formatJalaliDate(new Date());
  const page = await admin.get(`/staff/treasury?from=${encodeURIComponent(today)}&to=${encodeURIComponent(today)}&depositId=${DEPOSIT}`);
  expect(page.status).toBe(200);
  const text = toLatinDigits(textOf(page.html));
  for (const p of payments) {
    expect(page.html).toContain(`data-payment="${p.id}"`);
    expect(text).toContain(p.gateway_reference);
  }
  // The totals: one row for today, this fee and account: three payments, three times the fee.
  const totals = toLatinDigits(textOf(/<table class="treasury-totals">[\s\S]*?<\/table>/.exec(page.html)![0]));
  expect(totals).toContain('هزینه آزمایشی خزانه');
  expect(totals).toContain(ACCOUNT);
  expect(totals).toMatch(/\b3\b/);
  expect(totals).toContain('1,500,000'.replace(/,/g, '٬'));

  const csv = await admin.download(`/staff/treasury.csv?depositId=${DEPOSIT}`);
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  const lines = csv.bytes.toString('utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  expect(lines[0]).toBe('زمان پرداخت,روز,هزینه,مبلغ,شناسه واریز,حساب (شبا),شماره مرجع بانک,کد رهگیری');
  expect(lines).toHaveLength(4);
  for (const p of payments) expect(lines).toContain(lines.find((l) => l.endsWith(`,${p.gateway_reference},${p.tracking_code}`)));
  expect(lines.slice(1).every((l) => l.includes(`,هزینه آزمایشی خزانه,500000,${DEPOSIT},${ACCOUNT},`))).toBe(true);
  expect(await desk.db('audit_log').where({ action: 'treasury_export' }).first()).toBeTruthy();
});

test('the list pages by keyset: every paid payment once, newest first, across pages', async () => {
  await paidRequest();
  await paidRequest();
  const admin = await loginStaff(desk, 'admin');
  const seen: string[] = [];
  const { treasuryPage, treasuryFilters, treasuryQuery } = await import('../api/treasury');
  const { filters } = treasuryFilters({ depositId: DEPOSIT });
  // Two a page through the same query the page runs.
  let after: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof treasuryPage>> = await treasuryPage(desk.db, filters, after, 2);
    seen.push(...page.payments.map((p: { id: string }) => p.id));
    after = page.next;
  } while (after);
  const all = await desk.db('payments').where({ status: 'paid', deposit_id: DEPOSIT }).orderBy([{ column: 'paid_at', order: 'desc' }, { column: 'id', order: 'desc' }]).pluck('id');
  expect(seen).toEqual(all);
  // The page's "more" link carries the same cursor.
  const first = await admin.get(`/staff/treasury?depositId=${DEPOSIT}`);
  expect(first.status).toBe(200);
  // The query is answered from the paid payments' index.
  const plan = await desk.db.transaction(async (trx) => {
    await trx.raw('set local enable_seqscan = off');
    const { sql, bindings } = treasuryQuery(trx, { ...filters, depositId: '' }, null).toSQL();
    return ((await trx.raw(`explain ${sql}`, bindings)).rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
  });
  expect(plan).toContain('payments_paid_idx');
});

test('only admins reconcile; a bad date is a Persian message', async () => {
  for (const who of ['dabir', 'supervisor', 'counter', 'hr']) {
    const other = await loginStaff(desk, who);
    expect((await other.get('/staff/treasury')).status).toBe(404);
    expect((await other.download('/staff/treasury.csv')).status).toBe(404);
  }
  expect((await new Browser(desk.url).download('/staff/treasury.csv')).status).toBe(303);
  const admin = await loginStaff(desk, 'admin');
  const bad = await admin.get('/staff/treasury?from=1405/13/01');
  expect(bad.status).toBe(422);
  expect(textOf(bad.html)).toContain('تاریخ را به شکل شمسی درست وارد کنید');
});
