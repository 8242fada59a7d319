// A running request keeps the service version it started with, and the current workflow code replays
// the histories of finished requests (fresh from this run and recorded in test/fixtures/histories/).
import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { encryptedDataConverter } from '../lib/payload-codec';
import { startDesk, type Desk } from './helpers/desk';
import { readHistoryFixtures } from './helpers/history-json';
import { runReplayScenarios, type FinishedRun } from './helpers/replay-scenarios';
import { decideAs, outboxOf, publish, requestRow, step, submit, testService, waitForRow, settled } from './helpers/workflow-services';

let desk: Desk;
const finished: FinishedRun[] = [];
const SERVICE = 'wf-versioned';
const v1 = testService(SERVICE, [step.secretariatReview(), step.notify('v1-done', 'درخواست {{trackingCode}} تأیید شد.')]);
const v2 = testService(SERVICE, [...v1.steps, step.notify('v2-extra', 'نسخه دوم: درخواست {{trackingCode}} را پیگیری کنید.')]);

beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

type History = temporal.api.history.v1.IHistory;

async function replay(histories: { workflowId: string; history: History }[]) {
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! }, replayName: 'pishkhan-replay', dataConverter: encryptedDataConverter(desk.config.temporal.payloadKeys) }, histories)) {
    results.push({ workflowId: result.workflowId, error: result.error ? `${result.error.name}: ${result.error.message}` : null });
  }
  return results;
}

test('a request keeps the steps of the version it started with when the service is republished', async () => {
  expect(await publish(desk, v1)).toBe(1);
  const old = await submit(desk, SERVICE);
  await waitForRow(desk, old.code, (r) => r.status === 'pending_review', 'pending review on v1');
  expect(await publish(desk, v2)).toBe(2);
  const fresh = await submit(desk, SERVICE);
  await waitForRow(desk, fresh.code, (r) => r.status === 'pending_review', 'pending review on v2');

  expect((await decideAs(desk, old.code, 'dabir', 'approve')).status).toBe('approved');
  expect((await decideAs(desk, fresh.code, 'dabir', 'approve')).status).toBe('approved');
  await settled(desk, old.code);
  await settled(desk, fresh.code);
  expect(await requestRow(desk, old.code)).toMatchObject({ service_version: 1, status: 'closed' });
  expect(await requestRow(desk, fresh.code)).toMatchObject({ service_version: 2, status: 'closed' });
  expect((await outboxOf(desk, old.requestId)).map((m) => m.purpose)).toEqual(['v1-done']);
  expect((await outboxOf(desk, fresh.requestId)).map((m) => m.purpose)).toEqual(['v1-done', 'v2-extra']);
  finished.push({ name: 'version-1', workflowId: old.workflowId }, { name: 'version-2', workflowId: fresh.workflowId });
});

test('the current workflow code replays the fresh histories of requests finished in this run', async () => {
  finished.push(...(await runReplayScenarios(desk)));
  const histories = await Promise.all(finished.map(async (run) => ({ workflowId: run.workflowId, history: await desk.temporal.workflow.getHandle(run.workflowId).fetchHistory() })));
  expect(histories.length).toBeGreaterThanOrEqual(7);
  const results = await replay(histories);
  expect(results).toEqual(histories.map((h) => ({ workflowId: h.workflowId, error: null })));
});

test('the current workflow code replays every recorded history in test/fixtures/histories', async () => {
  const fixtures = readHistoryFixtures();
  const scenarios = ['inquiry-rejected', 'letter-forwarded-delivered', 'payment-expired', 'paid-survey-unanswered', 'sla-escalated-rejected'];
  // The first recordings, and the same scenarios recorded again just before the automatic steps became local activities.
  expect(fixtures.map((f) => f.name)).toEqual(expect.arrayContaining([...scenarios, ...scenarios.map((s) => `before-fast-path-${s}`)]));
  const results = await replay(fixtures);
  expect(results).toEqual(fixtures.map((f) => ({ workflowId: f.workflowId, error: null })));
});

test('replay does catch nondeterminism: a history whose activity differs from the code fails', async () => {
  const [fixture] = readHistoryFixtures();
  const scheduled = fixture.history.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
  scheduled.activityTaskScheduledEventAttributes!.activityType = { name: 'registerOutgoingLetter' };
  const [result] = await replay([fixture]);
  expect(result.error).toMatch(/Nondeterminism|DeterminismViolation/i);
});
