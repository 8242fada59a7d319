// The worker is killed with SIGKILL while a hundred requests are being approved: a new worker picks
// every one of them up, none is lost, none is decided twice, and no citizen gets an SMS twice.
import { approve, expectApprovedOnceEach, loginClerk, submitCrowd, waitForAll, countWithStatus } from './helpers/crowd';
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

test('a worker killed in the middle of 100 approvals is replaced and every request ends approved exactly once', async () => {
  const crowd = await submitCrowd(stack, 100);
  await waitForAll(stack, crowd, 'pending_review');

  const clerk = await loginClerk(stack);
  const decisions = Promise.all(crowd.map((r) => approve(clerk, r.code)));
  // Kill it once some approvals are through and the rest are in flight.
  await eventually(async () => (await countWithStatus(stack, crowd, 'in_progress')) >= 10, 120_000, 'the first approvals');
  const killedAt = await countWithStatus(stack, crowd, 'in_progress');
  await stack.worker.kill('SIGKILL');
  expect(stack.worker.child.signalCode).toBe('SIGKILL');
  expect(killedAt).toBeLessThan(crowd.length);
  await stack.startWorker();

  const pages = await decisions;
  // Each clerk's click was answered with the request's page, never an error.
  expect(pages.map((p) => p.status).filter((s) => s !== 200)).toEqual([]);
  await waitForAll(stack, crowd, 'in_progress');
  await expectApprovedOnceEach(stack, crowd);
  const audited = await stack.db('audit_log').where({ action: 'decision_approve' }).count({ n: '*' }).first();
  expect(Number(audited!.n)).toBe(crowd.length);
});
