// `npm test`: every test, against a real PostgreSQL and a real Temporal dev server started for the run.
// It makes sure what the tests need is on this machine first (the Temporal CLI is built once per machine).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGates } from './gates.mjs';
import { ensureChromium } from './infra/chromium.mjs';
import { ensureNginx } from './infra/nginx.mjs';
import { findTemporalCli } from './infra/temporal.mjs';
import { findOrBuildTemporalServer } from './infra/temporal-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (m) => console.log(`[npm test] ${m}`);

// Type errors, floating promises and wrong-way imports fail the run before any test starts.
// Running chosen test files (`npm test -- test/x.test.ts`) skips them; the full run never does.
const chosenFiles = process.argv.slice(2).some((arg) => arg.endsWith('.ts'));
if (!chosenFiles && !runGates({ log })) process.exit(1);

if (!process.env.TEMPORAL_ADDRESS) {
  const cli = findTemporalCli({ log });
  if (!cli) {
    console.error('[npm test] the tests need the Temporal CLI: install Go (it is then built once), put `temporal` on PATH, or set TEMPORAL_CLI');
    process.exit(1);
  }
  log(`Temporal CLI: ${cli}`);
}

// The cluster test runs the production topology: the Temporal server (built once per machine) and nginx.
if (!chosenFiles || process.argv.slice(2).some((arg) => arg.includes('cluster'))) {
  try {
    log(`Temporal server: ${findOrBuildTemporalServer({ log }).server}`);
    log(`nginx: ${ensureNginx({ log })}`);
  } catch (error) {
    console.error(`[npm test] ${error.message}`);
    process.exit(1);
  }
}

// The browser tests are part of every run: without a browser the run stops here rather than skipping them.
let chromium;
try {
  chromium = ensureChromium({ log });
} catch (error) {
  console.error(`[npm test] ${error.message}`);
  process.exit(1);
}
log(`Chromium: ${chromium}`);

const jest = spawnSync(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test', CHROMIUM_PATH: chromium },
});
process.exit(jest.status ?? 1);
