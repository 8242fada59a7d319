// Requests from the citizen's «ارسال» to the end of the organisation's part, over HTTP: many citizens submit,
// clerks find the work in their inbox at a sane polling rate and approve it, as people at a desk do.
import type { Browser } from '../scripts/stack/http-browser';
import { letterAnswers, loginCitizen, loginStaff } from '../scripts/stack/people';
import type { OwnStack } from '../scripts/stack/own-stack';

/** What the journeys need of a desk: its address, its sandbox and its database (an own stack or the cluster). */
type DeskLike = Pick<OwnStack, 'url' | 'sandboxUrl' | 'db'>;
import { percentile } from './measure';

export interface EndToEnd {
  requests: number;
  citizens: number;
  clerksPerRole: number;
  pollMs: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
  failures: number;
  codes: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mobileOf = (prefix: string, i: number) => `${prefix}${String(1_000_000 + i).slice(1).padStart(7, '0')}`;

export async function citizensOf(stack: Pick<OwnStack, 'url' | 'sandboxUrl'>, count: number, prefix: string): Promise<Browser[]> {
  const out: Browser[] = [];
  // Ten at a time: the login throttle is per address, and each browser has its own.
  for (let i = 0; i < count; i += 10) out.push(...(await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => loginCitizen(stack, mobileOf(prefix, i + j))))));
  return out;
}

/** Fills the form and reaches the check page; the «ارسال» is posted later, when the clock starts. */
export async function fillForm(citizen: Browser): Promise<void> {
  const form = await citizen.post('/services/general-letter/apply', letterAnswers('legal'), false);
  if (form.status !== 303) throw new Error(`the form was refused: ${form.status}`);
}

/** Posts «ارسال» on the check page; returns the tracking code. */
export async function send(citizen: Browser): Promise<string> {
  const done = await citizen.post('/services/general-letter/submit', {}, false);
  const code = /\/requests\/(\d{12})\/submitted/.exec(done.location ?? '')?.[1];
  if (!code) throw new Error(`the submission was refused: ${done.status}`);
  return code;
}

/** Watches PostgreSQL for the moment each code satisfies `where` (one query for all of them, every 50 ms). */
export function watchFor(stack: Pick<OwnStack, 'db'>, where: string, timeoutMs: number) {
  const sent = new Map<string, number>();
  const reached = new Map<string, number>();
  let open = true;
  const watching = (async () => {
    const deadline = performance.now() + timeoutMs;
    while (open || reached.size < sent.size) {
      const waiting = [...sent.keys()].filter((code) => !reached.has(code));
      const now = performance.now();
      if (waiting.length) {
        const done: string[] = await stack.db('requests').whereIn('tracking_code', waiting).whereRaw(where).pluck('tracking_code');
        for (const code of done) reached.set(code, now);
      }
      if (now > deadline) throw new Error(`${sent.size - reached.size} of ${sent.size} requests did not get there in ${timeoutMs / 1000} s`);
      await sleep(50);
    }
  })();
  return {
    sent(code: string, at: number) {
      sent.set(code, at);
    },
    async all(): Promise<Map<string, { sent: number; reached: number }>> {
      open = false;
      await watching;
      return new Map([...sent].map(([code, at]) => [code, { sent: at, reached: reached.get(code)! }]));
    },
  };
}

/** Every citizen posts «ارسال» at once; for each, the ms until the desk shows it pending review. */
export async function submitToPendingReview(stack: DeskLike, citizens: Browser[]): Promise<number[]> {
  await Promise.all(citizens.map(fillForm));
  const watch = watchFor(stack, "status = 'pending_review' and awaiting = 'review'", 180_000);
  await Promise.all(
    citizens.map(async (citizen) => {
      const started = performance.now();
      watch.sent(await send(citizen), started);
    }),
  );
  return [...(await watch.all()).values()].map((t) => t.reached - t.sent);
}

/**
 * One clerk's shift: reads the inbox (filtered as a clerk filters it) every `pollMs`, approves what is new.
 * `claimed` is shared by the clerks of one counter so two do not open the same request.
 */
async function shift(clerk: Browser, inbox: string, claimed: Set<string>, pollMs: number, over: () => boolean, failures: { count: number }) {
  while (!over()) {
    const page = await clerk.get(inbox);
    if (page.status >= 500) failures.count += 1;
    const codes = [...new Set([...page.html.matchAll(/\/staff\/requests\/(\d{12})/g)].map((m) => m[1]))];
    for (const code of codes) {
      if (claimed.has(code) || over()) continue;
      claimed.add(code);
      const answer = await clerk.post(`/staff/requests/${code}/decision`, { kind: 'approve' }, false);
      // Not awaiting a decision yet (its automatic steps are under way): it comes back on a later look.
      if (answer.status === 409) claimed.delete(code);
      else if (answer.status >= 400) failures.count += 1;
    }
    await sleep(pollMs);
  }
}

/**
 * `requests` general letters from `citizens.length` citizens (each sends its share one after another), approved
 * by the secretariat and the legal department from their inboxes, each run until the citizen's survey is
 * open: the organisation's part is done.
 */
export async function endToEnd(stack: DeskLike, citizens: Browser[], requests: number, options: { clerksPerRole: number; pollMs: number }): Promise<EndToEnd> {
  const clerks = {
    secretariat: await Promise.all(Array.from({ length: options.clerksPerRole }, () => loginStaff(stack, 'dabir'))),
    department: await Promise.all(Array.from({ length: options.clerksPerRole }, () => loginStaff(stack, 'legal'))),
  };
  const watch = watchFor(stack, "awaiting = 'survey' or closed_at is not null", 600_000);
  const failures = { count: 0 };
  let finished = false;
  const over = () => finished;
  const claimed = { secretariat: new Set<string>(), department: new Set<string>() };
  const shifts = [
    ...clerks.secretariat.map((c) => shift(c, '/staff?status=pending_review', claimed.secretariat, options.pollMs, over, failures)),
    ...clerks.department.map((c) => shift(c, '/staff?status=in_progress', claimed.department, options.pollMs, over, failures)),
  ];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    citizens.map(async (citizen) => {
      while (next < requests) {
        next += 1;
        await fillForm(citizen);
        const at = performance.now();
        watch.sent(await send(citizen), at);
      }
    }),
  );
  const times = await watch.all();
  const seconds = (Math.max(...[...times.values()].map((t) => t.reached)) - started) / 1000;
  finished = true;
  await Promise.all(shifts);
  const latencies = [...times.values()].map((t) => t.reached - t.sent);
  return {
    requests,
    citizens: citizens.length,
    clerksPerRole: options.clerksPerRole,
    pollMs: options.pollMs,
    perSecond: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    seconds,
    failures: failures.count,
    codes: [...times.keys()],
  };
}
