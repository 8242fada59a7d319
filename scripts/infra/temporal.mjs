// Finds (or builds once per machine) the Temporal CLI and runs its dev server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, portTaken, waitForPort } from './ports.mjs';

export { freePort, waitForPort };

export const TEMPORAL_CLI_VERSION = '1.5.1';
// The server registers these; workflows/search-attributes.ts types them (test/gates.test.ts keeps the two lists equal).
export const SEARCH_ATTRIBUTES = ['TrackingCode', 'ServiceId', 'Status'];

function cacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'pishkhan', `temporal-${TEMPORAL_CLI_VERSION}`);
}

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** TEMPORAL_CLI → `temporal` on PATH → cached build → `go install` → null (caller may download). */
export function findTemporalCli({ log = console.log, cliPath = process.env.TEMPORAL_CLI } = {}) {
  if (cliPath) {
    if (!fs.existsSync(cliPath)) throw new Error(`TEMPORAL_CLI points to ${cliPath}, which does not exist`);
    return cliPath;
  }
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const cached = path.join(cacheDir(), 'temporal');
  if (fs.existsSync(cached)) return cached;
  if (!onPath('go')) return null;
  log(`building the Temporal CLI v${TEMPORAL_CLI_VERSION} with Go into ${cacheDir()}`);
  log('this is a one-time build per machine and takes several minutes…');
  fs.mkdirSync(cacheDir(), { recursive: true });
  const result = spawnSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: cacheDir(), CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0 || !fs.existsSync(cached)) {
    throw new Error(`go install of the Temporal CLI failed (exit ${result.status})`);
  }
  log('Temporal CLI built');
  return cached;
}

/** Starts `temporal server start-dev`; dbFile undefined keeps history in memory (tests). */
export async function startTemporalDevServer({ binary, port, uiPort, dbFile, headless = false, codecEndpoint, log = console.log }) {
  // Something already answering there would pass for our server: say so instead.
  if (await portTaken(port)) {
    throw new Error(`port ${port} is already in use (another Temporal server?); stop it, or set TEMPORAL_DEV_PORT, or point TEMPORAL_ADDRESS at it`);
  }
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  for (const name of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${name}=Keyword`);
  if (dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(dbFile)), { recursive: true });
    args.push('--db-filename', path.resolve(dbFile));
  }
  if (headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  // The Web UI decrypts payloads through the desk, for an admin signed in there.
  if (!headless && codecEndpoint) args.push('--ui-codec-endpoint', codecEndpoint);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = waitForPort(port);
  const early = exited.then((code) => {
    throw new Error(`the Temporal dev server exited (${code}) before it was ready: ${stderr.trim()}`);
  });
  await Promise.race([ready, early]);
  early.catch(() => {});
  log(`Temporal dev server on 127.0.0.1:${port}${headless ? '' : `, Web UI on http://localhost:${uiPort}`}`);
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
