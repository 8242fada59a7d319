// The Temporal worker: runs request workflows and their activities. `npm run worker` in production.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import express from 'express';
import type { Logger } from 'pino';
import { httpInquiryClient } from '../adapters/agencies';
import { createDocumentStore } from '../adapters/documents';
import { letterRegistryFromConfig } from '../adapters/letter-registry';
import { pdfEngineFromConfig } from '../adapters/pdf';
import { smsProviderFromConfig } from '../adapters/sms';
import { createActivities } from '../activities';
import { databaseCheck, healthRoutes } from '../api/health';
import { loadConfigOrExit, type Config } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger, installTemporalLogging } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { ensureRetentionSchedule } from '../lib/retention-schedule';
import { encryptedDataConverter } from '../lib/payload-codec';
import { sayReady } from './supervise';
import { connectWorker } from '../lib/temporal';

export interface WorkerOptions {
  /** A prebuilt workflow bundle (tests build one per run); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
}

/** Compiled (`npm run build`), the worker loads dist/workflow-bundle.js instead of bundling at every start. */
const BUILT_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

export async function startWorker(config: Config, log: Logger, options: WorkerOptions = {}) {
  const bundle = options.workflowBundlePath ?? process.env.WORKFLOW_BUNDLE_PATH ?? (fs.existsSync(BUILT_BUNDLE) ? BUILT_BUNDLE : undefined);
  const db = createDb(config.databaseUrl!);
  const connection = await connectWorker(config.temporal);
  const metrics = createMetrics('worker');
  const pdf = pdfEngineFromConfig(config);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    dataConverter: encryptedDataConverter(config.temporal.payloadKeys),
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows') }),
    activities: createActivities({
      db,
      sms: smsProviderFromConfig(config.sms),
      inquiries: httpInquiryClient(config.agencies),
      documents: createDocumentStore(config),
      metrics,
      letterRegistry: letterRegistryFromConfig(config),
      payloadKeys: config.temporal.payloadKeys,
      webhookAllowPrivate: config.webhookAllowPrivate,
      pdf,
      letterhead: config.documents.letterhead,
    }),
    // On shutdown, activities in flight get this long to finish before they are cancelled.
    shutdownGraceTime: '10 seconds',
    // Sized by WORKFLOW_CACHE_SIZE rather than by the heap (about 2,300 here), which let the worker grow past
    // 450 MiB after a few hundred requests; a request evicted from it is replayed from its history when it wakes.
    maxCachedWorkflows: config.workflowCacheSize,
  });
  // A schedule that cannot be made is reported, but never keeps requests from being worked on.
  const schedule = await ensureRetentionSchedule(new Client({ connection, namespace: config.temporal.namespace, dataConverter: encryptedDataConverter(config.temporal.payloadKeys) }), {
    months: config.retentionMonths,
    taskQueue: config.temporal.taskQueue,
  }).catch((error) => {
    log.error({ err: error }, 'the retention schedule could not be created or updated');
    return 'failed';
  });
  const running = worker.run();

  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes({
    readiness: {
      worker: async () => {
        if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
      },
      postgres: databaseCheck(db),
    },
    metrics,
    metricsToken: config.metricsToken,
  }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(config.workerHttpPort, resolve));
  const httpPort = (server.address() as { port: number }).port;
  log.info({ taskQueue: config.temporal.taskQueue, httpPort, retentionSchedule: schedule }, 'worker started');

  return {
    worker,
    httpPort,
    /** Settles when the worker stops; rejects if it fails on its own. */
    done: running,
    /** Stops polling, lets workflow and activity tasks in flight finish, then closes everything. */
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch((error) => log.error({ err: error }, 'worker ended with an error'));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pdf?.close();
      await connection.close();
      await db.destroy();
      log.info('worker stopped');
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit(process.env, { servers: true });
  const log = createLogger(config.logLevel, 'worker');
  installTemporalLogging(log, config.logLevel === 'debug' || config.logLevel === 'trace' ? 'DEBUG' : 'INFO');
  startWorker(config, log).then((w) => {
    sayReady();
    w.done.catch((error) => {
      log.fatal({ err: error }, 'worker failed');
      process.exit(1);
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log.info({ signal }, 'stopping: draining tasks in flight');
        void w.stop().then(() => process.exit(0));
      });
    }
  }, (error) => {
    log.fatal({ err: error }, 'worker failed to start');
    process.exit(1);
  });
}
