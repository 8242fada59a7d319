// The web app alone: `npm run web` in production (several replicas behind a proxy).
import http from 'node:http';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { createSessions } from '../api/session';
import { createSubmitter, resumeAbandonedSubmissions } from '../api/submission';
import { loadConfigOrExit, type Config } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/log';
import { createMetrics } from '../lib/metrics';
import { listeningCatalog } from '../lib/published-catalog';
import { sayReady } from './supervise';
import { connectClient } from '../lib/temporal';

// Requests still running this long after SIGTERM are cut; keep it below the orchestrator's own grace period.
const DRAIN_MS = 10_000;
// An idle kept-alive connection stays open longer than any client or proxy keeps it (nginx: 60 s), so the
// client always closes first; a server that closes first races a request already on its way, which then
// fails with a dropped connection instead of an answer.
const KEEP_ALIVE_MS = 65_000;

export async function startWeb(config: Config, log: Logger) {
  const db = createDb(config.databaseUrl!);
  const temporal = await connectClient(config.temporal);
  const sessions = createSessions(db, config.env === 'production');
  const metrics = createMetrics('web');
  const catalog = await listeningCatalog(db, config.databaseUrl!, { onError: (error) => log.warn({ err: error }, 'catalogue listener lost; reading the catalogue from PostgreSQL until it is back') });
  const app = createApp({ db, temporal, config, log, sessions, metrics, catalog, submitRequest: createSubmitter(db, temporal, config, metrics) });
  let stopping = false;
  const server = http.createServer((req, res) => {
    // While draining, a kept-alive connection is closed after its answer instead of waiting for more.
    if (stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  log.info({ port: config.port }, 'web app listening');
  // A replica that died between saving a request and starting its workflow left it waiting: start those now.
  resumeAbandonedSubmissions(db, temporal, config).then(
    (started) => started.length && log.warn({ count: started.length }, 'started the workflows of requests a stopped process had saved'),
    (error: unknown) => log.error({ err: error }, 'could not look for requests saved without a workflow'),
  );
  return {
    server,
    /** Stops accepting, lets requests in flight finish (up to DRAIN_MS), then closes PostgreSQL and Temporal. */
    async stop() {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A connection whose last request just finished is idle: close it rather than wait for its client.
      const idle = setInterval(() => server.closeIdleConnections(), 200);
      const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
      await closed;
      clearInterval(idle);
      clearTimeout(deadline);
      await temporal.connection.close();
      await catalog.close();
      await db.destroy();
      log.info('web app stopped');
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit(process.env, { servers: true });
  const log = createLogger(config.logLevel, 'web');
  startWeb(config, log).then((web) => {
    sayReady();
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log.info({ signal }, 'stopping: finishing requests in flight');
        web.stop().then(() => process.exit(0), (error) => {
          log.error({ err: error }, 'web app did not stop cleanly');
          process.exit(1);
        });
      });
    }
  }, (error) => {
    log.fatal({ err: error }, 'web app failed to start');
    process.exit(1);
  });
}
