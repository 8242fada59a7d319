// `npm run bench`: a desk on servers of its own, measured the way an operator would ask about it.
// Writes bench/RESULTS.md. Takes a few minutes on two cores; not part of `npm test`. The end-to-end figures
// are then measured again on the production topology (bench/cluster.ts), beside the single-process desk.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createSubmitter } from '../api/submission';
import { currentServiceVersion } from '../lib/catalog-sync';
import { loadConfig } from '../lib/config';
import type { Db } from '../lib/db';
import { letterAnswers, loginCitizen, loginStaff } from '../scripts/stack/people';
import { startOwnStack, type AppProcess } from '../scripts/stack/own-stack';
import { clusterSection, measureCluster, type Layout } from './cluster';
import { growRequests, inboxPlan, type Plan } from './inbox';
import { load, machine, percentile, round, throughput, type Load } from './measure';

const log = (m: string) => process.stdout.write(`[bench] ${m}\n`);
const SUBMISSIONS = 300;
const CITIZENS = 20;
const ROUNDS = 3;

async function main() {
  const host = machine();
  log(`${host.cpus} cores, ${host.memoryGiB} GiB, ${host.cpuModel}, node ${host.node}, load ${host.loadAverage}`);
  // The web app runs as in production: templates compiled once, no development pages. Production refuses
  // the sandbox, so it is told of outside services it never calls itself (the worker, in test mode, sends the
  // SMS through the sandbox), and shares the worker's payload key.
  const workerKeys = loadConfig({}).temporal.payloadKeys;
  const webEnv = {
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    TEMPORAL_PAYLOAD_KEYS: `${workerKeys.current}:${workerKeys.keys[workerKeys.current].toString('base64')}`,
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: 'https://sms.bench.invalid/send',
    PAYMENT_GATEWAY_URL: 'https://bank.bench.invalid',
    AGENCY_CIVIL_REGISTRY_URL: 'https://civil-registry.bench.invalid',
    AGENCY_POSTAL_COMPANY_URL: 'https://postal-company.bench.invalid',
  };
  const stack = await startOwnStack({ log: (m) => log(`  ${m}`), webEnv });
  const worker: AppProcess = stack.worker;
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const rest = { web: stack.web.rssMiB(), worker: worker.rssMiB() };
    log(`RSS at rest: web ${round(rest.web)} MiB, worker ${round(rest.worker)} MiB`);

    log('(a) the catalogue page against a static file of the same server');
    await load(`${stack.url}/`, { seconds: 3 });
    const catalogue = await load(`${stack.url}/`);
    const staticFile = await load(`${stack.url}/static/app.css`);

    log(`(d) submission to pending review, ${CITIZENS} citizens at once, ${ROUNDS} rounds`);
    const citizens = await Promise.all(Array.from({ length: CITIZENS }, (_, i) => loginCitizen(stack, `0935${String(1_000_000 + i).slice(1).padStart(7, '0')}`)));
    const latencies: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const c of citizens) await c.post('/services/general-letter/apply', letterAnswers());
      latencies.push(...(await submitAllAndWait(stack, citizens)));
    }

    log(`(b) ${SUBMISSIONS} submissions through the submitter against ${SUBMISSIONS} bare workflow starts, 10 at a time`);
    const service = (await currentServiceVersion(stack.db, 'general-letter'))!;
    const [citizen] = await stack.db('citizens').insert({ mobile: '09359999999' }).returning('id');
    // Both start workflows on a queue no worker polls, so neither pays for the other's workflows running.
    const idle = { ...stack.config, temporal: { ...stack.config.temporal, taskQueue: 'bench-idle' } };
    const submitter = createSubmitter(stack.db, stack.temporal, idle);
    const bareStarts = (from: number) => throughput(SUBMISSIONS, 10, (i) => stack.temporal.workflow.start('benchIdle', { taskQueue: idle.temporal.taskQueue, workflowId: `bench-idle-${from + i}`, args: [] }));
    await throughput(30, 10, () => submitter({ citizenId: citizen.id, mobile: '09359999999', service, answers: letterAnswers() }));
    // Bare starts before and after the submissions, so a drift in the machine's load shows in both.
    const startedBefore = await bareStarts(0);
    const submitted = await throughput(SUBMISSIONS, 10, () => submitter({ citizenId: citizen.id, mobile: '09359999999', service, answers: letterAnswers() }));
    const started = (startedBefore + (await bareStarts(SUBMISSIONS))) / 2;

    log('(c) the staff inbox with 10,000 and with 1,000,000 requests');
    const reviewer = await loginStaff(stack, 'legal');
    const cookie = `pk_session=${reviewer.cookie('pk_session')}`;
    await growRequests(stack, 10_000, log);
    await load(`${stack.url}/staff`, { headers: { cookie }, seconds: 3 });
    const small = { load: await load(`${stack.url}/staff`, { headers: { cookie } }), plan: await inboxPlan(stack, cookie) };
    await growRequests(stack, 1_000_000, log);
    await load(`${stack.url}/staff`, { headers: { cookie }, seconds: 3 });
    const large = { load: await load(`${stack.url}/staff`, { headers: { cookie } }), plan: await inboxPlan(stack, cookie) };

    const after = { web: stack.web.rssMiB(), worker: worker.rssMiB() };
    log(`RSS after the load: web ${round(after.web)} MiB, worker ${round(after.worker)} MiB`);
    await stack.stop();
    const single: Layout = { catalogue, staticFile, latencies };
    const cluster = await measureCluster({ webEnv, citizens: CITIZENS, rounds: ROUNDS, submitAllAndWait, log });
    const report = write({ host, catalogue, staticFile, latencies, submitted, started, small, large, rest, after }, clusterSection(single, cluster));
    log(`written ${path.relative(process.cwd(), report)}`);
  } finally {
    await stack.stop();
  }
}

/** Every citizen submits their checked draft at once; for each, the ms until the desk shows it pending review. */
async function submitAllAndWait(stack: { db: Db }, citizens: Awaited<ReturnType<typeof loginCitizen>>[]): Promise<number[]> {
  const sent = new Map<string, number>();
  const reached = new Map<string, number>();
  let submitting = true;
  // One watcher for all of them, so watching adds little load of its own.
  const watching = (async () => {
    const deadline = performance.now() + 120_000;
    while (submitting || reached.size < sent.size) {
      const waiting = [...sent.keys()].filter((code) => !reached.has(code));
      const now = performance.now();
      if (waiting.length) {
        const done: string[] = await stack.db('requests').whereIn('tracking_code', waiting).where({ status: 'pending_review' }).pluck('tracking_code');
        for (const code of done) reached.set(code, now);
      }
      if (now > deadline) throw new Error(`${sent.size - reached.size} requests did not reach pending review in 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await Promise.all(
    citizens.map(async (citizen) => {
      const started = performance.now();
      const done = await citizen.post('/services/general-letter/submit', {}, false);
      const code = /\/requests\/(\d{12})\/submitted/.exec(done.location ?? '')?.[1];
      if (!code) throw new Error(`the submission was refused: ${done.status}`);
      sent.set(code, started);
    }),
  );
  submitting = false;
  await watching;
  return [...sent].map(([code, started]) => reached.get(code)! - started);
}

interface Results {
  host: ReturnType<typeof machine>;
  catalogue: Load;
  staticFile: Load;
  latencies: number[];
  submitted: number;
  started: number;
  small: { load: Load; plan: Plan };
  large: { load: Load; plan: Plan };
  rest: { web: number; worker: number };
  after: { web: number; worker: number };
}

function write(r: Results, cluster: string): string {
  const row = (name: string, l: Load) => `| ${name} | ${round(l.rps)} | ${l.p50} | ${l.p99} | ${l.requests} | ${l.failures} |`;
  const planSummary = (p: Plan) => p.text.split('\n').filter((l) => !/^\s*(Buffers|Planning|Heap Blocks)/.test(l)).slice(0, 14).join('\n');
  const text = `# Benchmarks

Measured by \`npm run bench\` (bench/run.ts) on ${r.host.date.slice(0, 10)}. Everything ran on this one machine:
an embedded PostgreSQL 17, a Temporal dev server (SQLite), the web app (\`NODE_ENV=production\`, logging
at info) and the worker as separate processes, the sandbox, and the load generator (autocannon, 10
connections, 10 s per run after a 3 s warm-up) — so the load generator competes with the desk for the
same cores, and the numbers are a floor, not a ceiling.

| machine | |
|---|---|
| CPU | ${r.host.cpuModel} |
| cores (nproc) | ${r.host.cpus} |
| memory | ${r.host.memoryGiB} GiB |
| node | ${r.host.node} |
| load average when the run began | ${r.host.loadAverage} |

## (a) The catalogue page against a static file

| what | req/s | p50 ms | p99 ms | requests | non-2xx/errors |
|---|---|---|---|---|---|
${row('catalogue page `/`', r.catalogue)}
${row('static file `/static/app.css`', r.staticFile)}

The catalogue page (three PostgreSQL queries and a Handlebars page) serves **${round((r.catalogue.rps / r.staticFile.rps) * 100)} %** of the
static file's rate (ratio ${round(r.catalogue.rps / r.staticFile.rps, 2)}).

## (b) Submitting: a database row and a workflow start, against a bare workflow start

| what | per second |
|---|---|
| \`submitRequest\` (secretariat lookup, transaction with the row, the draft and documents, \`workflow.start\`) | ${round(r.submitted)} |
| bare \`client.workflow.start\` of a trivial workflow | ${round(r.started)} |

${SUBMISSIONS} of each, 10 at a time, on a task queue no worker polls (so no workflow runs meanwhile); the bare
starts are the mean of a run before and a run after the submissions. A submission
runs at **${round(r.submitted / r.started, 2)}×** the rate of a bare start: ${
    r.submitted / r.started > 0.6 ? 'the workflow start dominates its cost' : 'the transaction around the start costs more than the start itself'
  } (about ${round(10_000 / r.submitted - 10_000 / r.started)} ms more per submission at 10 at a time).

## (c) The staff inbox at 10,000 and at 1,000,000 requests

A reviewer of one department (of five) reads the first page of their open queue; 70 % of the rows are
closed. Rows were inserted with \`generate_series\`, then \`ANALYZE\`.

| requests | req/s | p50 ms | p99 ms | query execution (EXPLAIN ANALYZE) |
|---|---|---|---|---|
| 10,000 | ${round(r.small.load.rps)} | ${r.small.load.p50} | ${r.small.load.p99} | ${r.small.plan.executionMs} ms |
| 1,000,000 | ${round(r.large.load.rps)} | ${r.large.load.p50} | ${r.large.load.p99} | ${r.large.plan.executionMs} ms |

Latency ratio 1M / 10k: **p50 ${round(r.large.load.p50 / Math.max(r.small.load.p50, 0.1), 2)}**, **p99 ${round(r.large.load.p99 / Math.max(r.small.load.p99, 0.1), 2)}**.
The plan at 1,000,000 ${r.large.plan.usesIndex ? 'uses an index' : 'uses NO index'}${r.large.plan.scansWholeTable ? ' and scans the whole table' : ' and reads no whole table'}:

\`\`\`
${planSummary(r.large.plan)}
\`\`\`

## (d) From "submit" to "pending review", ${CITIZENS} citizens at once

Each citizen posts the check page's "submit" and waits until their request shows pending review (the
workflow has run the civil-registry inquiry and sent the SMS). ${r.latencies.length} submissions in ${ROUNDS} rounds.

| median | p99 | slowest |
|---|---|---|
| ${Math.round(percentile(r.latencies, 50))} ms | ${Math.round(percentile(r.latencies, 99))} ms | ${Math.round(Math.max(...r.latencies))} ms |

## (e) Memory (RSS)

| process | at rest | after the runs above |
|---|---|---|
| web | ${round(r.rest.web)} MiB | ${round(r.after.web)} MiB |
| worker | ${round(r.rest.worker)} MiB | ${round(r.after.worker)} MiB |

${cluster}`;
  const file = path.join(__dirname, 'RESULTS.md');
  fs.writeFileSync(file, text);
  return file;
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
