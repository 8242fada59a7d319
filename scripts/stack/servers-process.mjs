// PostgreSQL and the Temporal dev server of one own-stack, driven over stdin/stdout as JSON lines
// (the infra modules are ES modules, which jest's CommonJS test files cannot load). When the parent
// goes away, stdin closes: the app processes it was told about are killed, both servers stopped, and the
// stack's directory (argv[2]) removed.
import fs from 'node:fs';
import readline from 'node:readline';
import { startEmbeddedPostgres } from '../../scripts/infra/postgres.mjs';
import { findTemporalCli, startTemporalDevServer } from '../../scripts/infra/temporal.mjs';

const log = (message) => process.stderr.write(`${message}\n`);
let postgres = null;
let temporal = null;
const watched = new Set();

const commands = {
  async startPostgres({ dataDir, port }) {
    postgres = await startEmbeddedPostgres({ dataDir, port, log });
    return { url: postgres.url };
  },
  async stopPostgres() {
    await postgres?.stop();
    postgres = null;
    return {};
  },
  async startTemporal({ port, dbFile }) {
    const binary = findTemporalCli({ log });
    if (!binary) throw new Error('the Temporal CLI is needed: set TEMPORAL_CLI, put `temporal` on PATH, or install Go');
    temporal = await startTemporalDevServer({ binary, port, dbFile, headless: true, log });
    return { address: temporal.address };
  },
  async stopTemporal() {
    await temporal?.stop();
    temporal = null;
    return {};
  },
  /** A web or worker process group to kill if the parent dies without stopping it. */
  async watch({ pgid }) {
    watched.add(pgid);
    return {};
  },
};

async function stopAll() {
  for (const pgid of watched) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await commands.stopTemporal().catch(log);
  await commands.stopPostgres().catch(log);
  if (process.argv[2]) fs.rmSync(process.argv[2], { recursive: true, force: true });
}

const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on('line', (line) => {
  const { id, command, args } = JSON.parse(line);
  queue = queue.then(async () => {
    try {
      const result = await commands[command](args ?? {});
      process.stdout.write(`${JSON.stringify({ id, result })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ id, error: String(error?.message ?? error) })}\n`);
    }
  });
});
lines.on('close', () => {
  void queue.then(stopAll).then(() => process.exit(0));
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stopAll().then(() => process.exit(0)));
