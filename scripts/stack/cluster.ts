// The production topology for tests and benchmarks: `npm run start:cluster --control` in a throw-away
// directory, driven over its stdin/stdout. Processes are killed through it and come back as they would
// under an orchestrator.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../../lib/config';
import { createDb, type Db } from '../../lib/db';
import { encryptedDataConverter } from '../../lib/payload-codec';
import type { Restart } from './supervisor';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** The processes one can kill: temporal-history, temporal-matching, temporal-frontend, temporal-worker, web-1, web-2, worker-1, worker-2, sandbox, nginx. */
export type ClusterProcess = `temporal-${'history' | 'matching' | 'frontend' | 'worker'}` | `web-${1 | 2}` | `worker-${1 | 2}` | 'sandbox' | 'nginx';

export interface Cluster {
  dir: string;
  /** the front door: nginx */
  url: string;
  /** each web replica directly */
  webUrls: string[];
  /** each worker's probes and metrics */
  workerUrls: string[];
  sandboxUrl: string;
  temporalAddress: string;
  /** what every web and worker process was started with */
  env: Record<string, string>;
  config: Config;
  db: Db;
  temporal: Client;
  pids: Record<string, number>;
  /** Kills a process (SIGKILL unless told) and settles once its replacement answers. */
  kill(name: ClusterProcess, signal?: NodeJS.Signals): Promise<Restart>;
  /** What the launcher reported as it ran (exits, restarts). */
  events: Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startCluster(options: { log?: (m: string) => void; timeoutMs?: number; webEnv?: Record<string, string>; compiled?: boolean } = {}): Promise<Cluster> {
  const log = options.log ?? (() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-cluster-'));
  const child = spawn(tsx, ['scripts/cluster.ts', '--control', '--ephemeral', '--data', dir, ...(options.webEnv ? ['--web-env', JSON.stringify(options.webEnv)] : []), ...(options.compiled ? ['--compiled'] : [])], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => log(chunk.toString().trimEnd()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const events: Record<string, unknown>[] = [];
  const waiting = new Map<number, { resolve(v: any): void; reject(e: Error): void }>();
  let onReady: (event: any) => void = () => {};
  let onFailed: (error: Error) => void = () => {};
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: any;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.event === 'ready') onReady(message);
    else if (message.event === 'failed') onFailed(new Error(message.error));
    else if (message.event) events.push({ ...message, at: Date.now() });
    else {
      const pending = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error));
      else pending?.resolve(message.result);
    }
  });
  const stopLauncher = async () => {
    child.stdin!.end();
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  let ready: any;
  let timer: NodeJS.Timeout | undefined;
  try {
    ready = await new Promise((resolve, reject) => {
      onReady = resolve;
      onFailed = reject;
      void exited.then(() => reject(new Error('the cluster launcher exited before the cluster was ready')));
      timer = setTimeout(() => reject(new Error('the cluster was not ready in time')), options.timeoutMs ?? 15 * 60_000);
    });
  } catch (error) {
    await stopLauncher();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const config = loadConfig({ ...ready.env, LOG_LEVEL: 'silent' });
  const db = createDb(ready.databaseUrl, { max: 5 });
  const connection = await Connection.connect({ address: ready.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: encryptedDataConverter(config.temporal.payloadKeys) });
  let next = 0;
  return {
    dir,
    url: ready.url,
    webUrls: ready.webUrls,
    workerUrls: ready.workerUrls,
    sandboxUrl: ready.sandboxUrl,
    temporalAddress: ready.temporalAddress,
    env: ready.env,
    config,
    db,
    temporal,
    pids: ready.pids,
    events,
    kill(name, signal = 'SIGKILL') {
      return new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        child.stdin!.write(`${JSON.stringify({ id, command: 'kill', name, signal })}\n`);
      });
    },
    async stop() {
      await connection.close().catch(() => {});
      await db.destroy().catch(() => {});
      await stopLauncher();
    },
  };
}
