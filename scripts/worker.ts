// The Temporal worker: runs request workflows and their activities. `npm run worker` in production.
import { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { httpInquiryClient } from '../adapters/agencies';
import { smsProviderFromConfig } from '../adapters/sms';
import { createActivities } from '../activities';
import { loadConfigOrExit, type Config } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/log';
import { connectWorker } from '../lib/temporal';

export async function startWorker(config: Config, log: Logger) {
  const db = createDb(config.databaseUrl!);
  const connection = await connectWorker(config.temporal);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ db, sms: smsProviderFromConfig(config.sms), inquiries: httpInquiryClient(config.agencies) }),
  });
  const running = worker.run();
  log.info({ taskQueue: config.temporal.taskQueue }, 'worker started');
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await db.destroy();
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, 'worker');
  if (!config.databaseUrl || !config.temporal.address) {
    console.error('configuration error: DATABASE_URL and TEMPORAL_ADDRESS must be set to run the worker alone (npm start runs everything)');
    process.exit(1);
  }
  startWorker(config, log).then((w) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void w.stop().then(() => process.exit(0)));
  }, (error) => {
    log.fatal({ err: error }, 'worker failed to start');
    process.exit(1);
  });
}
