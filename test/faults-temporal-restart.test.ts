// The Temporal server is restarted on its database file twice: while a hundred requests are being
// checked and while they are being approved. Every request carries on from where it was.
import { translate } from '../lib/i18n';
import { textOf, type Page } from '../scripts/stack/http-browser';
import { approve, countWithStatus, expectApprovedOnceEach, loginClerk, submitCrowd, waitForAll } from './helpers/crowd';
import { eventually } from './helpers/desk';
import { startOwnStack, type OwnStack } from '../scripts/stack/own-stack';

jest.setTimeout(15 * 60_000);

let stack: OwnStack;
beforeAll(async () => {
  stack = await startOwnStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function restartTemporal() {
  await stack.stopTemporal();
  await new Promise((r) => setTimeout(r, 3000));
  await stack.startTemporal();
}

test('requests running while the Temporal server restarts on its database file all finish, each approved once', async () => {
  const crowd = await submitCrowd(stack, 100);
  await eventually(async () => (await countWithStatus(stack, crowd, 'pending_review')) >= 10, 180_000, 'the first requests to be checked');
  expect(await countWithStatus(stack, crowd, 'pending_review')).toBeLessThan(crowd.length);
  await restartTemporal();
  await waitForAll(stack, crowd, 'pending_review');

  const clerk = await loginClerk(stack);
  const first = Promise.all(crowd.map((r) => approve(clerk, r.code)));
  await eventually(async () => (await countWithStatus(stack, crowd, 'in_progress')) >= 10, 120_000, 'the first approvals');
  expect(await countWithStatus(stack, crowd, 'in_progress')).toBeLessThan(crowd.length);
  await restartTemporal();
  const pages = await first;

  // A click that met the outage is told so in Persian, with a time to come back; the clerk clicks again.
  const refused = pages.map((page, i) => ({ page, request: crowd[i] })).filter(({ page }) => page.status !== 200);
  for (const { page } of refused) expectOutagePage(page);
  const again = await Promise.all(refused.map(({ request }) => approve(clerk, request.code)));
  // Either it goes through now, or the first click had gone through after all and the page says so.
  expect(again.map((p) => p.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
  // (The first click's decision may be still on its way, or already recorded: either way the second is not applied.)
  for (const page of again.filter((p) => p.status === 409)) expect(textOf(page.html)).toMatch(/این درخواست اکنون در انتظار تصمیم نیست|تصمیم دیگری درباره این درخواست در حال ثبت است/);

  await waitForAll(stack, crowd, 'in_progress');
  await expectApprovedOnceEach(stack, crowd);
});

function expectOutagePage(page: Page) {
  expect(page.status).toBe(503);
  expect(textOf(page.html)).toContain(translate('fa', 'errors.unavailable'));
}
