// `npm run bench`: a desk on servers of its own, measured the way an operator would ask about it.
// Writes bench/RESULTS.md. Takes a few minutes on two cores; not part of `npm test`.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createSubmitter } from '../api/submission';
import { currentServiceVersion } from '../lib/catalog-sync';
import { loadConfig } from '../lib/config';
import { letterAnswers, loginStaff } from '../scripts/stack/people';
import { startOwnStack, type AppProcess, type OwnStack } from '../scripts/stack/own-stack';
import os from 'node:os';
import { workflowIdFor } from '../lib/temporal';
import { buildDesk } from '../scripts/build.mjs';
import { chromiumRssMiB, cpuBetween, cpuSeconds, type CpuParts } from './cpu';
import { runBaseline, startEngineWorker, type EngineRun } from './engine';
import { measureCluster, type ClusterFigures } from './cluster';
import { growRequests, inboxPlan, type Plan } from './inbox';
import { citizensOf, endToEnd, submitToPendingReview, type EndToEnd } from './journeys';
import { load, machine, percentile, round, throughput, type Load } from './measure';
import { summarizeProfile, type ProfileSummary } from './profile';

const log = (m: string) => process.stdout.write(`[bench] ${m}\n`);
const SUBMISSIONS = 300;
const CITIZENS = 20;
const ROUNDS = 3;

const E2E_REQUESTS = Number(process.env.BENCH_E2E_REQUESTS ?? 100);
const E2E_CITIZENS = 20;
const CLERKS_PER_ROLE = 5;
const INBOX_POLL_MS = 1000;
// `BENCH_QUICK=1` leaves out the submitter and the inbox at a million rows (the slowest part).
const QUICK = process.env.BENCH_QUICK === '1';

async function main() {
  const host = machine();
  log(`${host.cpus} cores, ${host.memoryGiB} GiB, ${host.cpuModel}, node ${host.node}, load ${host.loadAverage}`);
  // The web app and the worker run as in production: compiled (npm run build), plain node.
  // BENCH_FROM_SOURCE=1 runs them through tsx instead (to compare with a desk that has no build).
  const compiled = process.env.BENCH_FROM_SOURCE !== '1';
  if (compiled) await buildDesk({ log: (m) => log(`  ${m}`) });
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
    AGENCY_SHAHKAR_URL: 'https://shahkar.bench.invalid',
  };
  const stack = await startOwnStack({ log: (m) => log(`  ${m}`), webEnv, runAs: { compiled } });
  const worker: AppProcess = stack.worker;
  let results: Partial<Results> = { host, compiled };
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const rest = await memoryOf(stack.web, worker);
    log(`RSS at rest: web ${round(rest.web)} MiB, worker ${round(rest.worker)} MiB`);

    log('(a) the catalogue page against a static file of the same server');
    await load(`${stack.url}/`, { seconds: 3 });
    const catalogue = await load(`${stack.url}/`);
    const staticFile = await load(`${stack.url}/static/app.css`);

    const citizens = await citizensOf(stack, 50, '0935');

    log(`(f) end to end: ${E2E_REQUESTS} requests from ${E2E_CITIZENS} citizens, ${CLERKS_PER_ROLE} clerks at each counter`);
    const pids = () => ({ web: stack.web.appPid(), worker: worker.appPid(), servers: stack.serversPid });
    const cpuBefore = cpuSeconds(pids());
    const e2e = await endToEnd(stack, citizens.slice(0, E2E_CITIZENS), E2E_REQUESTS, { clerksPerRole: CLERKS_PER_ROLE, pollMs: INBOX_POLL_MS });
    const cpu = cpuBetween(cpuBefore, cpuSeconds(pids()));
    const shape = await requestShape(stack, e2e.codes[0]);
    log(`  ${round(e2e.perSecond, 2)} requests/s; one request: ${shape.regular} activities, ${shape.local} local activities, ${shape.workflowTasks} workflow tasks`);
    // After (f): the requests (d) leaves waiting for the secretariat would otherwise be approved by (f)'s clerks too.
    log(`(d) «ارسال» to pending review, ${CITIZENS} and then 50 citizens at once`);
    const pending20: number[] = [];
    for (let r = 0; r < ROUNDS; r++) pending20.push(...(await submitToPendingReview(stack, citizens.slice(0, CITIZENS))));
    const pending50: number[] = [];
    for (let r = 0; r < 2; r++) pending50.push(...(await submitToPendingReview(stack, citizens)));
    const after = await memoryOf(stack.web, worker);
    log(`RSS after the load: web ${round(after.web)} MiB, worker ${round(after.worker)} MiB`);

    log(`(g) the bare engine: ${E2E_REQUESTS} workflows of ${shape.regular + shape.local} no-op activities, regular and local`);
    const engine = await startEngineWorker(stack.config.temporal.address!, stack.config.temporal.namespace, stack.config.temporal.payloadKeys);
    const activities = shape.regular + shape.local;
    await runBaseline(stack.temporal, engine.taskQueue, 10, activities, true);
    const bareRegular = await runBaseline(stack.temporal, engine.taskQueue, E2E_REQUESTS, activities, false);
    const bareLocal = await runBaseline(stack.temporal, engine.taskQueue, E2E_REQUESTS, activities, true);
    await engine.stop();
    results = { ...results, catalogue, staticFile, pending20, pending50, e2e, cpu, shape, bareRegular, bareLocal, rest, after };

    if (!QUICK) {
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
      results = { ...results, submitted, started, small, large };
    }
  } catch (error) {
    // What the desk's own processes said last, to tell a crash from a slow answer.
    log(`the web app's last output:\n${stack.web.output().slice(-4000)}`);
    log(`the worker's last output:\n${stack.worker.output().slice(-4000)}`);
    throw error;
  } finally {
    await stack.stop();
  }

  log('(i) the production topology: PostgreSQL, Temporal (4 processes), 2 workers, 2 web replicas behind nginx');
  results.cluster = await measureCluster({
    webEnv,
    compiled,
    log,
    measure: async (cluster) => {
      await load(`${cluster.url}/`, { seconds: 3 });
      const catalogue = await load(`${cluster.url}/`);
      const staticFile = await load(`${cluster.url}/static/app.css`);
      const citizens = await citizensOf(cluster, E2E_CITIZENS, '0937');
      // End to end first, as above: the clerks would otherwise approve the pending-review round's requests too.
      const e2e = await endToEnd(cluster, citizens, E2E_REQUESTS, { clerksPerRole: CLERKS_PER_ROLE, pollMs: INBOX_POLL_MS });
      const pending20: number[] = [];
      for (let r = 0; r < ROUNDS; r++) pending20.push(...(await submitToPendingReview(cluster, citizens)));
      return { catalogue, staticFile, pending20, e2e };
    },
  });

  log('(h) where the CPU goes: the web app and the worker under the V8 profiler, on fresh desks');
  const catalogueProfile = await profiledRun(webEnv, async (desk) => {
    await load(`${desk.url}/`, { seconds: 10 });
  });
  const e2eProfile = await profiledRun(webEnv, async (desk) => {
    const citizens = await citizensOf(desk, E2E_CITIZENS, '0936');
    await endToEnd(desk, citizens, E2E_REQUESTS, { clerksPerRole: CLERKS_PER_ROLE, pollMs: INBOX_POLL_MS });
  });
  results.profiles = { catalogue: catalogueProfile.web, web: e2eProfile.web, worker: e2eProfile.worker };
  const report = write(results as Results);
  log(`written ${path.relative(process.cwd(), report)}`);
}

/** Runs `work` on a fresh compiled desk whose web app and worker run under `node --cpu-prof`; their profiles, read after a clean stop. */
async function profiledRun(webEnv: Record<string, string>, work: (desk: OwnStack) => Promise<void>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-profile-'));
  const desk = await startOwnStack({ log: (m) => log(`  ${m}`), webEnv, runAs: { compiled: process.env.BENCH_FROM_SOURCE !== '1', nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] } });
  try {
    const [webPid, workerPid] = [desk.web.appPid(), desk.worker.appPid()];
    await work(desk);
    // Each process writes its profile on a clean exit, named with its pid.
    await desk.web.kill('SIGTERM');
    await desk.worker.kill('SIGTERM');
    const of = (pid: number) => fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
    const [web, worker] = [of(webPid), of(workerPid)];
    return { web: web ? summarizeProfile(path.join(dir, web)) : null, worker: worker ? summarizeProfile(path.join(dir, worker)) : null };
  } finally {
    await desk.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What one request costs Temporal: its activities, local and regular, and its workflow tasks. */
async function requestShape(stack: OwnStack, code: string) {
  const history = await stack.temporal.workflow.getHandle(workflowIdFor(code)).fetchHistory();
  const events = history.events ?? [];
  return {
    regular: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    local: events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length,
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
  };
}

interface Results {
  host: ReturnType<typeof machine>;
  compiled: boolean;
  catalogue: Load;
  staticFile: Load;
  pending20: number[];
  pending50: number[];
  e2e: EndToEnd;
  cpu: CpuParts;
  shape: { regular: number; local: number; workflowTasks: number };
  bareRegular: EngineRun;
  bareLocal: EngineRun;
  rest: Memory;
  after: Memory;
  submitted?: number;
  started?: number;
  small?: { load: Load; plan: Plan };
  large?: { load: Load; plan: Plan };
  profiles?: { catalogue: ProfileSummary | null; web: ProfileSummary | null; worker: ProfileSummary | null };
  cluster?: ClusterFigures;
}

const pct = (share: number) => `${round(share * 100)} %`;

function profileTables(name: string, p: ProfileSummary | null): string {
  if (!p) return `No profile was written by the ${name}.\n`;
  return `**${name}** (${round(p.seconds)} s profiled; shares of all samples, idle left out)

| where the time went | share |
|---|---|
${p.areas.map((a) => `| ${a.area} | ${pct(a.share)} |`).join('\n')}

| function (self time) | where | share |
|---|---|---|
${p.functions.map((f) => `| \`${f.name}\` | ${f.where} | ${pct(f.share)} |`).join('\n')}
`;
}

function clusterSection(r: Results): string {
  const c = r.cluster!;
  const ratio = (a: number, b: number) => round(a / b, 2);
  const ms = (values: number[], p: number) => Math.round(percentile(values, p));
  return `
## (i) The same figures on the production topology

\`npm run start:cluster\` in the same run, on the same machine: one PostgreSQL holding the desk's and Temporal's
databases, the Temporal server v1.29.1 as four processes (frontend, history with 4 shards, matching, worker),
two workers and two web replicas (\`NODE_ENV=production\`, ${r.compiled ? 'compiled, plain `node`' : 'run through tsx'}) behind nginx with
\`deploy/nginx.conf\`. Every request below goes through nginx. The single-process column is the desk measured
above: one web app, one worker, the Temporal dev server on SQLite. On two cores the cluster's extra processes
share the same CPUs, so this shows what the topology costs here, not what it gains on more machines.

| figure | single process | cluster | cluster / single |
|---|---|---|---|
| catalogue page \`/\`, req/s | ${round(r.catalogue.rps)} | ${round(c.catalogue.rps)} | ${ratio(c.catalogue.rps, r.catalogue.rps)} |
| static file, req/s | ${round(r.staticFile.rps)} | ${round(c.staticFile.rps)} | ${ratio(c.staticFile.rps, r.staticFile.rps)} |
| «ارسال» → pending review at ${CITIZENS} at once, p50 ms | ${ms(r.pending20, 50)} | ${ms(c.pending20, 50)} | ${ratio(ms(c.pending20, 50), ms(r.pending20, 50))} |
| «ارسال» → pending review at ${CITIZENS} at once, p99 ms | ${ms(r.pending20, 99)} | ${ms(c.pending20, 99)} | ${ratio(ms(c.pending20, 99), ms(r.pending20, 99))} |
| end to end, requests completed per second | ${round(r.e2e.perSecond, 2)} | ${round(c.e2e.perSecond, 2)} | ${ratio(c.e2e.perSecond, r.e2e.perSecond)} |
| end to end, p50 / p99 ms | ${Math.round(r.e2e.p50Ms)} / ${Math.round(r.e2e.p99Ms)} | ${Math.round(c.e2e.p50Ms)} / ${Math.round(c.e2e.p99Ms)} | |
| non-2xx/errors | ${r.catalogue.failures + r.staticFile.failures + r.e2e.failures} | ${c.catalogue.failures + c.staticFile.failures + c.e2e.failures} | |
`;
}

function write(r: Results): string {
  const row = (name: string, l: Load) => `| ${name} | ${round(l.rps)} | ${l.p50} | ${l.p99} | ${l.requests} | ${l.failures} |`;
  const planSummary = (p: Plan) => p.text.split('\n').filter((l) => !/^\s*(Buffers|Planning|Heap Blocks)/.test(l)).slice(0, 14).join('\n');
  const ms = (values: number[], p: number) => Math.round(percentile(values, p));
  const cpuTotal = r.cpu.web + r.cpu.worker + r.cpu.chromium + r.cpu.temporal + r.cpu.postgres + r.cpu.bench;
  const per = (s: number) => round((s / r.e2e.requests) * 1000);
  const text = `# Benchmarks

Measured by \`npm run bench\` (bench/run.ts) on ${r.host.date.slice(0, 10)}. Everything ran on this one machine:
an embedded PostgreSQL 17, a Temporal dev server (SQLite), the web app (\`NODE_ENV=production\`, logging
at info) and the worker as separate processes ${r.compiled ? 'running the compiled desk (`npm run build`, plain `node`)' : 'run from source through tsx'},
the sandbox, and the load generators (autocannon with 10 connections for 10 s after a 3 s warm-up; the
citizens and clerks below) — so the load competes with the desk for the same cores, and the numbers are a
floor, not a ceiling. Every comparison is a ratio of two figures measured in the same run.

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

The catalogue page (served from the catalogue the web app holds in memory, and a Handlebars page) serves
**${round((r.catalogue.rps / r.staticFile.rps) * 100)} %** of the static file's rate (ratio ${round(r.catalogue.rps / r.staticFile.rps, 2)}; target ≥ 0.8).

## (d) From «ارسال» to "pending review"

Each citizen is signed in and on the check page; all post «ارسال» at once and the clock stops when the desk
shows the request pending review (the workflow has run the civil-registry inquiry over HTTP and recorded it).
Measured after (f), so the requests it leaves waiting for the secretariat are not worked on by (f)'s clerks.

| citizens at once | submissions | median | p99 | slowest |
|---|---|---|---|---|
| ${CITIZENS} | ${r.pending20.length} | ${ms(r.pending20, 50)} ms | ${ms(r.pending20, 99)} ms | ${Math.round(Math.max(...r.pending20))} ms |
| 50 | ${r.pending50.length} | ${ms(r.pending50, 50)} ms | ${ms(r.pending50, 99)} ms | ${Math.round(Math.max(...r.pending50))} ms |

Target: p99 ≤ 500 ms at ${CITIZENS} at once.

## (f) End to end, against the bare engine on the same server

${r.e2e.requests} general letters from ${r.e2e.citizens} citizens over HTTP (each fills the form, reaches the check page and
posts «ارسال», then the next), checked by the civil registry, approved by the secretariat, registered as
a letter, approved by the legal department, delivered and opened for the citizen's survey — the
organisation's part done. ${r.e2e.clerksPerRole} clerks at each counter find the work in their inbox, which they
reload every ${r.e2e.pollMs / 1000} s, and approve it from there. ${r.e2e.failures} answers were errors.

One request ran ${r.shape.regular} activities and ${r.shape.local} local activities in ${r.shape.workflowTasks} workflow tasks. The bare engine ran
${r.bareLocal.workflows} workflows of ${r.bareLocal.activities} no-op activities each, all started at once, on the same Temporal server
(a worker in the bench process, with the same payload encryption).

| what | completed per second | p50 | p99 |
|---|---|---|---|
| the desk, end to end (submit → survey open) | ${round(r.e2e.perSecond, 2)} | ${Math.round(r.e2e.p50Ms)} ms | ${Math.round(r.e2e.p99Ms)} ms |
| bare workflow, ${r.bareRegular.activities} regular activities | ${round(r.bareRegular.perSecond, 2)} | ${Math.round(r.bareRegular.p50Ms)} ms | ${Math.round(r.bareRegular.p99Ms)} ms |
| bare workflow, ${r.bareLocal.activities} local activities | ${round(r.bareLocal.perSecond, 2)} | ${Math.round(r.bareLocal.p50Ms)} ms | ${Math.round(r.bareLocal.p99Ms)} ms |

The desk completes **${round(r.e2e.perSecond / r.bareLocal.perSecond, 2)}×** the bare local-activity shape's rate (target ≥ 0.8) and
**${round(r.e2e.perSecond / r.bareRegular.perSecond, 2)}×** the regular-activity shape's. The desk's latency includes the clerks: a
request waits on average half an inbox reload at each of the two counters.

CPU during the end-to-end run, per completed request:

| part | CPU ms per request | share |
|---|---|---|
| web app | ${per(r.cpu.web)} | ${pct(r.cpu.web / cpuTotal)} |
| worker | ${per(r.cpu.worker)} | ${pct(r.cpu.worker / cpuTotal)} |
| Chromium, printing the documents for the worker | ${per(r.cpu.chromium)} | ${pct(r.cpu.chromium / cpuTotal)} |
| Temporal dev server | ${per(r.cpu.temporal)} | ${pct(r.cpu.temporal / cpuTotal)} |
| PostgreSQL | ${per(r.cpu.postgres)} | ${pct(r.cpu.postgres / cpuTotal)} |
| bench process (citizens, clerks, sandbox) | ${per(r.cpu.bench)} | ${pct(r.cpu.bench / cpuTotal)} |
| all | ${per(cpuTotal)} | 100 % |

## (h) Where the web app's and the worker's CPU goes

Fresh desks run under \`node --cpu-prof\`; each process wrote its profile when it stopped (start-up
included). First the catalogue page alone (10 s of autocannon), then the end-to-end run of (f).

${profileTables('web app, serving the catalogue page', r.profiles?.catalogue ?? null)}
${profileTables('web app, end to end', r.profiles?.web ?? null)}
${profileTables('worker, end to end', r.profiles?.worker ?? null)}
${
    r.submitted !== undefined && r.started !== undefined
      ? `
## (b) Submitting: a database row and a workflow start, against a bare workflow start

| what | per second |
|---|---|
| \`submitRequest\` (secretariat lookup, transaction with the row, the draft and documents, \`workflow.start\`) | ${round(r.submitted)} |
| bare \`client.workflow.start\` of a trivial workflow | ${round(r.started)} |

${SUBMISSIONS} of each, 10 at a time, on a task queue no worker polls (so no workflow runs meanwhile); the bare
starts are the mean of a run before and a run after the submissions. A submission
runs at **${round(r.submitted / r.started, 2)}×** the rate of a bare start.
`
      : ''
  }${
    r.small && r.large
      ? `
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
`
      : ''
  }
${r.cluster ? clusterSection(r) : ''}
## (e) Memory (RSS)

| process | at rest | after (a), (d) and (f) |
|---|---|---|
| web | ${round(r.rest.web)} MiB | ${round(r.after.web)} MiB |
| worker | ${round(r.rest.worker)} MiB | ${round(r.after.worker)} MiB |
| web + worker | ${round(r.rest.web + r.rest.worker)} MiB | ${round(r.after.web + r.after.worker)} MiB (target ≤ 300) |
| Chromium, printing for the worker (proportional set size of its processes, summed) | ${round(r.rest.chromium)} MiB | ${round(r.after.chromium)} MiB |

What the worker's resident memory is made of (from its \`/metrics\`): the V8 heap it has taken (of which in use),
memory outside the heap that JavaScript holds (buffers), and the rest — the Temporal Core SDK (Rust), V8's own
code and the Node runtime.

| worker | at rest | after the load |
|---|---|---|
| V8 heap taken (in use) | ${round(r.rest.heap.total)} (${round(r.rest.heap.used)}) MiB | ${round(r.after.heap.total)} (${round(r.after.heap.used)}) MiB |
| outside the heap, held by JavaScript | ${round(r.rest.heap.external)} MiB | ${round(r.after.heap.external)} MiB |
| the rest (Core SDK, code, runtime) | ${round(r.rest.worker - r.rest.heap.total - r.rest.heap.external)} MiB | ${round(r.after.worker - r.after.heap.total - r.after.heap.external)} MiB |
`;
  const file = path.join(__dirname, 'RESULTS.md');
  fs.writeFileSync(file, text);
  return file;
}

interface Memory {
  web: number;
  worker: number;
  chromium: number;
  /** the worker's V8 heap, MiB */
  heap: { used: number; total: number; external: number };
}

/** RSS of the web app, the worker and its Chromium, and the worker's heap as its /metrics reports it. */
async function memoryOf(web: AppProcess, worker: AppProcess): Promise<Memory> {
  const port = /"httpPort":(\d+)/.exec(worker.output())?.[1];
  const metrics = port ? await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '') : '';
  const mib = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN) / 1048576;
  return {
    web: web.rssMiB(),
    worker: worker.rssMiB(),
    chromium: chromiumRssMiB(worker.appPid()),
    heap: { used: mib('nodejs_heap_size_used_bytes'), total: mib('nodejs_heap_size_total_bytes'), external: mib('nodejs_external_memory_bytes') },
  };
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
