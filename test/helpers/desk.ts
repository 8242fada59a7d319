// A whole desk for one test file: its own task queue, worker, sandbox and web app on the shared servers.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { httpInquiryClient } from '../../adapters/agencies';
import { createDocumentStore } from '../../adapters/documents';
import { letterRegistryFromConfig } from '../../adapters/letter-registry';
import { pdfEngineFromConfig } from '../../adapters/pdf';
import { smsProviderFromConfig } from '../../adapters/sms';
import { createActivities } from '../../activities';
import { createApp } from '../../api/app';
import { createSessions } from '../../api/session';
import { createSubmitter } from '../../api/submission';
import { loadConfig, type Config } from '../../lib/config';
import { createDb, type Db } from '../../lib/db';
import { createLogger } from '../../lib/log';
import type { Metrics } from '../../lib/metrics';
import { encryptedDataConverter } from '../../lib/payload-codec';
import { startSandbox } from '../../scripts/sandbox';

export { eventually } from '../../scripts/stack/people';

export interface Desk {
  db: Db;
  config: Config;
  url: string;
  sandboxUrl: string;
  sandbox: Awaited<ReturnType<typeof startSandbox>>['sandbox'];
  temporal: Client;
  worker: Worker;
  /** Stops the worker (in-flight tasks finish or are retried) and starts a new one on the same queue, as a deploy or a crash would. */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

let runtimeInstalled = false;

/** Parts a test may bring: a logger to read what is logged, metrics registries to read what is counted. */
export interface DeskParts {
  log?: Logger;
  webMetrics?: Metrics;
  workerMetrics?: Metrics;
}

export async function startDesk(overrides: Record<string, string> = {}, parts: DeskParts = {}): Promise<Desk> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const sandbox = await startSandbox(0);
  const sandboxUrl = `http://127.0.0.1:${(sandbox.server.address() as { port: number }).port}`;
  const server = http.createServer();
  const port = await listen(server);
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SANDBOX_URL: sandboxUrl,
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(6).toString('hex')}`,
    // The test client stands where the agency's proxy would: it says, in X-Forwarded-For, who each visitor is.
    TRUST_PROXY: 'loopback',
    ...overrides,
  });
  const db = createDb(config.databaseUrl!);
  const log = parts.log ?? createLogger('silent');
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const pdf = pdfEngineFromConfig(config);
  const newWorker = () =>
    Worker.create({
      connection,
      taskQueue: config.temporal.taskQueue,
      workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
      dataConverter: encryptedDataConverter(config.temporal.payloadKeys),
      activities: createActivities({ db, sms: smsProviderFromConfig(config.sms), inquiries: httpInquiryClient(config.agencies), documents: createDocumentStore(config), metrics: parts.workerMetrics, letterRegistry: letterRegistryFromConfig(config), payloadKeys: config.temporal.payloadKeys, webhookAllowPrivate: config.webhookAllowPrivate, pdf, letterhead: config.documents.letterhead }),
      // As the production worker (scripts/worker.ts): a restart lets the activities in flight (an SMS) finish.
      shutdownGraceTime: '10 seconds',
    });
  let worker = await newWorker();
  let running = worker.run();
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace, dataConverter: encryptedDataConverter(config.temporal.payloadKeys) });
  const app = createApp({ db, temporal, config, log, sessions: createSessions(db, false), submitRequest: createSubmitter(db, temporal, config, parts.webMetrics), metrics: parts.webMetrics });
  server.on('request', app);
  return {
    db,
    config,
    url: config.publicUrl,
    sandboxUrl,
    sandbox: sandbox.sandbox,
    temporal,
    get worker() {
      return worker;
    },
    async restartWorker() {
      worker.shutdown();
      await running;
      worker = await newWorker();
      running = worker.run();
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      worker.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
      await sandbox.stop();
      await pdf?.close();
      await db.destroy();
    },
  };
}

let mobileCounter = 0;
/** A mobile number no other test uses. */
export function uniqueMobile(): string {
  mobileCounter += 1;
  const tail = (Date.now() % 1_000_000) * 10 + (process.pid % 10);
  return `0912${String((tail + mobileCounter * 7919) % 10_000_000).padStart(7, '0')}`;
}
