// Fifty approvals at once: fifty distinct letter numbers whose sequence has no gap and no repeat.
import { startDesk, type Desk } from './helpers/desk';
import { letterAnswers } from './helpers/journeys';
import { decideAs, publish, step, submit, testService, waitForRow, type Submitted, settled } from './helpers/workflow-services';

let desk: Desk;
const COUNT = 50;

beforeAll(async () => {
  desk = await startDesk();
  await publish(desk, testService('wf-letter-burst', [step.secretariatReview(), step.letterByField()]));
});
afterAll(async () => {
  await desk?.stop();
});

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

test('50 requests approved in parallel get 50 distinct, consecutive letter numbers', async () => {
  const departments = ['hr', 'legal', 'finance', 'inspection'];
  const requests: Submitted[] = await inBatches([...Array(COUNT).keys()], 10, (i) => submit(desk, 'wf-letter-burst', letterAnswers(departments[i % 4])));
  await inBatches(requests, 10, (r) => waitForRow(desk, r.code, (row) => row.status === 'pending_review', 'pending review', 60_000));

  await Promise.all(requests.map((r) => decideAs(desk, r.code, 'dabir', 'approve')));
  // Each approval is answered once recorded; the letters follow.
  const rows = await inBatches(requests, 10, (r) => settled(desk, r.code, 60_000));
  const numbers = rows.map((r) => r.letter_number as string);
  expect(new Set(numbers).size).toBe(COUNT);

  const letters = await desk.db('letters').whereIn('request_id', requests.map((r) => r.requestId)).select('number', 'year', 'seq', 'request_id');
  expect(letters).toHaveLength(COUNT);
  expect(letters.map((l) => l.number).sort()).toEqual([...numbers].sort());
  for (const letter of letters) expect(letter.number.endsWith(`/${String(letter.seq).padStart(4, '0')}`)).toBe(true);
  const seqs = letters.map((l) => l.seq).sort((a, b) => a - b);
  expect(new Set(letters.map((l) => l.year)).size).toBe(1);

  // Other test files may register letters at the same moment: every number between ours must then be theirs.
  const year = letters[0].year;
  const between = await desk.db('letters').where({ year, direction: 'incoming' }).whereBetween('seq', [seqs[0], seqs[COUNT - 1]]).orderBy('seq').pluck('seq');
  expect(between).toEqual([...Array(seqs[COUNT - 1] - seqs[0] + 1).keys()].map((k) => seqs[0] + k));
  const counter = await desk.db('letter_counters').where({ year, direction: 'incoming' }).first('last_seq');
  expect(counter.last_seq).toBeGreaterThanOrEqual(seqs[COUNT - 1]);
});
