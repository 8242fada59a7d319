// Outgoing letters (نامه صادره): the issued reply leaves with its own gap-free number, answering the incoming letter,
// listed in the registry by direction and printed on the document.
import { registerOutgoingLetter } from '../activities/letters';
import { toLatinDigits, toPersianDigits } from '../lib/persian';
import { textOf } from '../scripts/stack/http-browser';
import { readPdf } from './helpers/pdf';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, loginStaff, submitThroughPages, waitForStatus } from './helpers/journeys';
import { publish, settled, step, submit, testService, type Submitted } from './helpers/workflow-services';

let desk: Desk;
/** The bursts number documents without printing them: PDF printing is read back in official-documents.test.ts. */
let burst: Desk;
const COUNT = 30;
const OUTGOING = /^14\d\d\/\d{3}\/ص\/\d{4}$/;

beforeAll(async () => {
  [desk, burst] = await Promise.all([startDesk(), startDesk({ PDF_ENGINE: 'none' })]);
  // Registered and issued with no one deciding: every request reaches its outgoing letter at once.
  await publish(burst, testService('out-burst', [step.letterTo('legal'), step.deliver()]));
});
afterAll(async () => {
  await Promise.all([desk?.stop(), burst?.stop()]);
});

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return results;
}

test('the reply to a citizen\'s letter is an outgoing letter: its own number, in reply to the incoming one, printed on the document', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers('legal'));
  await waitForStatus(desk, code, 'pending_review');
  expect((await (await loginStaff(desk, 'dabir')).post(`/staff/requests/${code}/decision`, { kind: 'approve' })).status).toBe(200);
  await waitForStatus(desk, code, 'in_progress');
  const lawyer = await loginStaff(desk, 'legal');
  expect((await lawyer.post(`/staff/requests/${code}/decision`, { kind: 'approve', reason: 'نسخه قرارداد پیوست است.' })).status).toBe(200);
  await waitForStatus(desk, code, 'delivered');

  const request = await desk.db('requests').where({ tracking_code: code }).first();
  const incoming = await desk.db('letters').where({ request_id: request.id, direction: 'incoming' }).first();
  const outgoing = await desk.db('letters').where({ request_id: request.id, direction: 'outgoing' }).first();
  expect(outgoing.number).toMatch(OUTGOING);
  expect(outgoing).toMatchObject({ in_reply_to: incoming.id, step_id: 'reply', recipient: 'مریم احمدی', department_id: incoming.department_id });
  expect(outgoing.number).not.toBe(incoming.number);

  // The document names its outgoing number and date, and the incoming letter it answers, in Persian digits.
  const deliverable = await desk.db('deliverables').where({ request_id: request.id }).first();
  expect(deliverable.letter_id).toBe(outgoing.id);
  const printed = (await readPdf(deliverable.file)).visual.join('\n');
  expect(printed).toContain(toPersianDigits(outgoing.number));
  expect(printed).toContain(toPersianDigits(incoming.number));

  // The registry lists it among the outgoing letters only, and each letter links to the other.
  // The «ص» of an outgoing number is set in its own right-to-left span: the number is read with its tags taken out.
  const read = (html: string) => toLatinDigits(textOf(html.replace(/<\/?span[^>]*>|\u200E/g, '')));
  // (Narrowed to this citizen's letters: other test files register letters to the same department meanwhile.)
  const outgoingList = read((await lawyer.get(`/staff/registry?direction=outgoing&mobile=${mobile}`)).html);
  expect(outgoingList).toContain(outgoing.number);
  expect(outgoingList).not.toContain(incoming.number);
  const incomingList = read((await lawyer.get(`/staff/registry?direction=incoming&mobile=${mobile}`)).html);
  expect(incomingList).toContain(incoming.number);
  expect(incomingList).not.toContain(outgoing.number);
  const outgoingPage = await lawyer.get(`/staff/registry/${encodeURIComponent(outgoing.number)}`);
  expect(outgoingPage.status).toBe(200);
  expect(textOf(outgoingPage.html)).toContain('در پاسخ به نامه وارده');
  expect(outgoingPage.html).toContain(`/staff/registry/${encodeURIComponent(incoming.number)}`);
  const incomingPage = await lawyer.get(`/staff/registry/${encodeURIComponent(incoming.number)}`);
  expect(incomingPage.html).toContain(`/staff/registry/${encodeURIComponent(outgoing.number)}`);
});

test(`${COUNT} documents issued at once get ${COUNT} consecutive outgoing numbers, none twice, none skipped, the incoming series apart`, async () => {
  const requests: Submitted[] = await inBatches([...Array(COUNT).keys()], 10, () => submit(burst, 'out-burst'));
  const rows = await inBatches(requests, 10, (r) => settled(burst, r.code, 90_000));
  expect(rows.every((r) => r.status === 'closed' || r.status === 'delivered')).toBe(true);

  const ids = requests.map((r) => r.requestId);
  const outgoing = await burst.db('letters').whereIn('request_id', ids).where({ direction: 'outgoing' }).select('number', 'year', 'seq');
  const incoming = await burst.db('letters').whereIn('request_id', ids).where({ direction: 'incoming' }).select('number', 'seq');
  expect(outgoing).toHaveLength(COUNT);
  expect(incoming).toHaveLength(COUNT);
  expect(new Set(outgoing.map((l) => l.number)).size).toBe(COUNT);
  for (const letter of outgoing) {
    expect(letter.number).toMatch(OUTGOING);
    expect(letter.number.endsWith(`/${String(letter.seq).padStart(4, '0')}`)).toBe(true);
  }
  // Other test files may issue documents at the same moment: every number between ours must then be theirs.
  const seqs = outgoing.map((l) => l.seq).sort((a, b) => a - b);
  const between = await burst.db('letters').where({ year: outgoing[0].year, direction: 'outgoing' }).whereBetween('seq', [seqs[0], seqs[COUNT - 1]]).orderBy('seq').pluck('seq');
  expect(between).toEqual([...Array(seqs[COUNT - 1] - seqs[0] + 1).keys()].map((k) => seqs[0] + k));
  const counter = await burst.db('letter_counters').where({ year: outgoing[0].year, direction: 'outgoing' }).first('last_seq');
  expect(counter.last_seq).toBeGreaterThanOrEqual(seqs[COUNT - 1]);
});

test('the same document registered twice at the same moment is one outgoing letter, and its number is not lost', async () => {
  const [request] = await inBatches([0], 1, () => submit(burst, 'out-burst'));
  await settled(burst, request.code, 60_000);
  const year = (await burst.db('letters').where({ request_id: request.requestId, direction: 'outgoing' }).first('year')).year;
  const before = (await burst.db('letter_counters').where({ year, direction: 'outgoing' }).first('last_seq')).last_seq;
  const twice = await Promise.all(
    [1, 2, 3].map(() => registerOutgoingLetter(burst.db, { requestId: request.requestId, stepId: 'second-copy', subject: 'نسخه دوم', recipient: 'مریم احمدی', registeredBy: 'test' })),
  );
  expect(new Set(twice.map((l) => l.number)).size).toBe(1);
  expect(await burst.db('letters').where({ request_id: request.requestId, step_id: 'second-copy' })).toHaveLength(1);
  // The losers' numbers were rolled back with their transactions: the series stays without a gap.
  const seq = Number(twice[0].number.split('/').pop());
  const after = (await burst.db('letter_counters').where({ year, direction: 'outgoing' }).first('last_seq')).last_seq;
  expect(after).toBeGreaterThanOrEqual(seq);
  const held = await burst.db('letters').where({ year, direction: 'outgoing' }).whereBetween('seq', [before + 1, seq]).count('* as n').first();
  expect(Number(held?.n)).toBe(seq - before);
});
