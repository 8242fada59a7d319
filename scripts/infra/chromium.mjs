// The browser tests walk the journeys in a real Chromium; Debian's package is used, installed once per machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

function onPath(name) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}

function run(log, command, args, env = process.env) {
  log(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  return result.status === 0;
}

/** CHROMIUM_PATH → /usr/bin/chromium → `apt-get install chromium` when root → an error naming what to do. */
export function ensureChromium({ log = console.log } = {}) {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted) {
    if (!fs.existsSync(wanted)) throw new Error(`CHROMIUM_PATH points to ${wanted}, which does not exist`);
    return wanted;
  }
  if (fs.existsSync(DEFAULT_CHROMIUM)) return DEFAULT_CHROMIUM;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !onPath('apt-get')) {
    throw new Error(`the browser tests need Chromium at ${DEFAULT_CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary`);
  }
  log(`Chromium is missing: installing Debian's chromium package (once per machine)`);
  if (!run(log, 'apt-get', ['update'])) throw new Error('apt-get update failed; install Chromium by hand (apt-get install chromium) or set CHROMIUM_PATH');
  const installed = run(log, 'apt-get', ['install', '-y', 'chromium'], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
  if (!installed || !fs.existsSync(DEFAULT_CHROMIUM)) {
    throw new Error(`apt-get install chromium did not give ${DEFAULT_CHROMIUM}; install Chromium by hand or set CHROMIUM_PATH`);
  }
  return DEFAULT_CHROMIUM;
}
