// The web app alone: `npm run web` in production (several replicas behind a proxy).
import http from 'node:http';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { createSessions } from '../api/session';
import { createSubmitter } from '../api/submission';
import { loadConfigOrExit, type Config } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/log';
import { connectClient } from '../lib/temporal';

export async function startWeb(config: Config, log: Logger) {
  const db = createDb(config.databaseUrl!);
  const temporal = await connectClient(config.temporal);
  const sessions = createSessions(db, config.env === 'production');
  const app = createApp({ db, temporal, config, log, sessions, submitRequest: createSubmitter(db, temporal, config) });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(config.port, resolve));
  log.info({ port: config.port }, 'web app listening');
  return {
    server,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await temporal.connection.close();
      await db.destroy();
    },
  };
}

if (require.main === module) {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel, 'web');
  if (!config.databaseUrl || !config.temporal.address) {
    console.error('configuration error: DATABASE_URL and TEMPORAL_ADDRESS must be set to run the web app alone (npm start runs everything)');
    process.exit(1);
  }
  startWeb(config, log).then((web) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void web.stop().then(() => process.exit(0)));
  }, (error) => {
    log.fatal({ err: error }, 'web app failed to start');
    process.exit(1);
  });
}
