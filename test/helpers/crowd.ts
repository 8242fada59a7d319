// Many citizens at once on an own stack: submit, approve, and check that each was told exactly once per stage.
import { toLatinDigits } from '../../lib/persian';
import { currentServiceVersion } from '../../lib/catalog-sync';
import { Browser, type Page } from '../../scripts/stack/http-browser';
import { eventually } from './desk';
import { letterAnswers, loginStaff } from './journeys';
import type { OwnStack } from '../../scripts/stack/own-stack';

export interface CrowdRequest {
  code: string;
  mobile: string;
  requestId: number;
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i], i);
      }
    }),
  );
  return results;
}

/** `count` citizens each submit a letter to the legal department through the submitter the pages use. */
export async function submitCrowd(stack: OwnStack, count: number, mobilePrefix = '0912'): Promise<CrowdRequest[]> {
  const service = await currentServiceVersion(stack.db, 'general-letter');
  if (!service) throw new Error('general-letter is not in the catalogue');
  const mobiles = Array.from({ length: count }, (_, i) => `${mobilePrefix}${String(1_000_000 + i).slice(1).padStart(7, '0')}`);
  const citizens: { id: number; mobile: string }[] = await stack.db('citizens').insert(mobiles.map((mobile) => ({ mobile }))).returning(['id', 'mobile']);
  return inBatches(citizens, 10, async (citizen) => {
    const { trackingCode, requestId } = await stack.submitRequest({ citizenId: citizen.id, mobile: citizen.mobile, service, answers: letterAnswers('legal') });
    return { code: trackingCode, mobile: citizen.mobile, requestId };
  });
}

/** Requests in `status` whose automatic steps are done: they wait for someone again, or have ended. */
export async function countWithStatus(stack: OwnStack, crowd: CrowdRequest[], status: string): Promise<number> {
  const [{ count }] = await stack.db('requests')
    .whereIn('id', crowd.map((r) => r.requestId))
    .where({ status })
    .where((b) => b.whereNotNull('awaiting').orWhereNotNull('closed_at'))
    .count({ count: '*' });
  return Number(count);
}

export function waitForAll(stack: OwnStack, crowd: CrowdRequest[], status: string, timeoutMs = 240_000) {
  return eventually(async () => (await countWithStatus(stack, crowd, status)) === crowd.length, timeoutMs, `all ${crowd.length} requests to be ${status}`);
}

/** The secretariat clerk who decides on new requests. */
export const loginClerk = (stack: OwnStack): Promise<Browser> => loginStaff(stack, 'dabir');

/** The clerk approves one request from its page; what the clerk would see comes back. */
export function approve(clerk: Browser, code: string): Promise<Page> {
  return clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' });
}

/** What each citizen's phone received, by mobile. */
export async function smsByMobile(stack: OwnStack): Promise<Map<string, { body: string; dedupeKey: string }[]>> {
  const all = (await (await fetch(`${stack.sandboxUrl}/sms/messages`)).json()) as { to: string; body: string; dedupeKey: string }[];
  const byMobile = new Map<string, { body: string; dedupeKey: string }[]>();
  for (const m of all) byMobile.set(m.to, [...(byMobile.get(m.to) ?? []), m]);
  return byMobile;
}

/**
 * After approval every request is in progress in the legal department with its own gap-free letter
 * number, and each citizen got exactly two SMS: "submitted" and "letter registered".
 */
export async function expectApprovedOnceEach(stack: OwnStack, crowd: CrowdRequest[]) {
  const rows = await stack.db('requests').whereIn('id', crowd.map((r) => r.requestId)).select('id', 'status', 'letter_number', 'department_id');
  const legal = await stack.db('departments').where({ code: 'legal' }).first('id');
  expect(rows).toHaveLength(crowd.length);
  expect(rows.filter((r) => r.status !== 'in_progress' || r.department_id !== legal.id)).toEqual([]);
  const letters = await stack.db('letters').whereIn('request_id', crowd.map((r) => r.requestId)).orderBy('seq').select('seq', 'number', 'request_id');
  expect(letters).toHaveLength(crowd.length);
  expect(new Set(letters.map((l) => l.number)).size).toBe(crowd.length);
  // Gap-free: the sequence numbers are consecutive.
  expect(letters[letters.length - 1].seq - letters[0].seq).toBe(crowd.length - 1);

  // The last SMS may still be on its way when the status changes.
  const outbox = await eventually(async () => {
    const rows = await stack.db('sms_outbox').whereIn('request_id', crowd.map((r) => r.requestId)).select('request_id', 'purpose', 'dedupe_key', 'status');
    return rows.length >= crowd.length * 2 && rows.every((o) => o.status === 'sent') ? rows : null;
  }, 60_000, 'every SMS of the outbox to be sent');
  expect(outbox).toHaveLength(crowd.length * 2);
  expect(new Set(outbox.map((o) => o.dedupe_key)).size).toBe(outbox.length);
  expect(outbox.filter((o) => o.purpose === 'letter_registered')).toHaveLength(crowd.length);
  // A moment for any late duplicate to arrive before counting.
  await new Promise((r) => setTimeout(r, 2000));
  const settled = await smsByMobile(stack);
  const byKey = new Map<string, number>();
  for (const messages of settled.values()) for (const m of messages) byKey.set(m.dedupeKey, (byKey.get(m.dedupeKey) ?? 0) + 1);
  expect([...byKey.values()].filter((n) => n !== 1)).toEqual([]);
  for (const r of crowd) {
    const messages = settled.get(r.mobile) ?? [];
    const letter = rows.find((row) => row.id === r.requestId)!.letter_number;
    expect({ mobile: r.mobile, count: messages.length }).toEqual({ mobile: r.mobile, count: 2 });
    expect(messages.filter((m) => toLatinDigits(m.body).includes(letter))).toHaveLength(1);
  }
}
