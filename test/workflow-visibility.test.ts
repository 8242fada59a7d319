// What operators see in Temporal: search attributes (tracking code, service, status; nothing personal) and the status query.
// `Status` is a word of the visibility query language: it must be quoted with backticks in list queries.
import { currentState } from '../workflows/messages';
import { eventually, startDesk, type Desk } from './helpers/desk';
import { letterAnswers } from './helpers/journeys';
import { decideAs, handleOf, publish, step, submit, testService, waitForRow, type Submitted, settled } from './helpers/workflow-services';

let desk: Desk;
const SERVICE = 'wf-visible';
const STATUS = '`Status`';

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService(SERVICE, [step.secretariatReview(), step.letterTo('legal'), step.departmentReview()]));
});
afterAll(async () => {
  await desk?.stop();
});

async function listed(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const execution of desk.temporal.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

/** Visibility is eventually consistent: poll until the query finds exactly `request`. */
function findsOnly(query: string, request: Submitted) {
  return eventually(async () => {
    const ids = await listed(query);
    return ids.length === 1 && ids[0] === request.workflowId ? ids : null;
  }, 20_000, query);
}

test('the workflow is found by its tracking code and its Status search attribute follows the request', async () => {
  const request = await submit(desk, SERVICE);
  await findsOnly(`TrackingCode = '${request.code}'`, request);
  await findsOnly(`TrackingCode = '${request.code}' AND ServiceId = '${SERVICE}' AND ${STATUS} = 'pending_review'`, request);

  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  await decideAs(desk, request.code, 'dabir', 'approve');
  await findsOnly(`TrackingCode = '${request.code}' AND ${STATUS} = 'in_progress'`, request);
  await settled(desk, request.code);
  await decideAs(desk, request.code, 'legal', 'reject', { reason: 'مدارک کافی نیست' });
  await findsOnly(`TrackingCode = '${request.code}' AND ${STATUS} = 'rejected' AND ExecutionStatus = 'Completed'`, request);
  expect(await listed(`TrackingCode = '${request.code}' AND ${STATUS} = 'pending_review'`)).toEqual([]);
});

test('the search attributes hold no personal data: only the tracking code, the service and the status', async () => {
  const answers = letterAnswers('hr');
  const request = await submit(desk, SERVICE, answers);
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  const description = await handleOf(desk, request.code).describe();
  // BuildIds and Temporal* are set by the server itself.
  const ours = description.typedSearchAttributes.getAll().filter((pair) => pair.key.name !== 'BuildIds' && !pair.key.name.startsWith('Temporal'));
  const custom = Object.fromEntries(ours.map((pair) => [pair.key.name, pair.value]));
  expect(custom).toEqual({ TrackingCode: request.code, ServiceId: SERVICE, Status: 'pending_review' });
  const everything = JSON.stringify(description.searchAttributes) + JSON.stringify(description.memo ?? null);
  for (const personal of [request.mobile, answers.national_code, answers.full_name, answers.subject]) expect(everything).not.toContain(personal);
});

test('the status query answers with where the request stands', async () => {
  const request = await submit(desk, SERVICE);
  await waitForRow(desk, request.code, (r) => r.status === 'pending_review', 'pending review');
  const secretariat = (await desk.db('departments').where({ code: 'secretariat' }).first()).id;
  expect(await handleOf(desk, request.code).query(currentState)).toEqual({
    status: 'pending_review', stepId: 'secretariat-review', awaiting: 'review', reviewRole: 'secretariat', departmentId: secretariat, letterNumber: null,
  });
  await decideAs(desk, request.code, 'dabir', 'approve');
  const { letter_number: letterNumber } = await settled(desk, request.code);
  const legal = (await desk.db('departments').where({ code: 'legal' }).first()).id;
  expect(await handleOf(desk, request.code).query(currentState)).toEqual({
    status: 'in_progress', stepId: 'department-review', awaiting: 'review', reviewRole: 'department', departmentId: legal, letterNumber,
  });
});
