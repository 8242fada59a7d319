// nginx in front of the web replicas, run here with the repository's own deploy/nginx.conf: Debian's package,
// installed once per machine (as root), and the compose file's configuration with this machine's upstreams.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { portTaken, waitForPort } from './ports.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NGINX_CONF = path.join(root, 'deploy', 'nginx.conf');
const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

function run(log, command, args) {
  log(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'inherit', 'inherit'] });
  return result.status === 0;
}

/** NGINX_PATH → a Debian or source install → `apt-get install nginx-light` when root → an error naming what to do. */
export function ensureNginx({ log = console.log } = {}) {
  const wanted = process.env.NGINX_PATH;
  if (wanted) {
    if (!fs.existsSync(wanted)) throw new Error(`NGINX_PATH points to ${wanted}, which does not exist`);
    return wanted;
  }
  const found = CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (found) return found;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !fs.existsSync('/usr/bin/apt-get')) {
    throw new Error('the cluster needs nginx: install it (apt-get install nginx-light) or set NGINX_PATH to an nginx binary');
  }
  log('nginx is missing: installing Debian\'s nginx-light package (once per machine)');
  if (!run(log, 'apt-get', ['update'])) throw new Error('apt-get update failed; install nginx by hand (apt-get install nginx-light) or set NGINX_PATH');
  // The package's own service is not wanted: the cluster runs its own nginx with its own configuration.
  const installed = run(log, 'apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light']);
  const binary = CANDIDATES.find((candidate) => fs.existsSync(candidate));
  if (!installed || !binary) throw new Error('apt-get install nginx-light did not give /usr/sbin/nginx; install nginx by hand or set NGINX_PATH');
  return binary;
}

/**
 * deploy/nginx.conf as this machine runs it: the upstream block lists the replicas' addresses (compose
 * names one service that Docker's DNS resolves), nginx listens on `port`, and its pid, logs and temporary
 * files stay in `dir`. Everything else — timeouts, retries, headers, body size — is the repository's text.
 */
export function localNginxConf(text, { port, upstreams, dir, mimeTypes = '/etc/nginx/mime.types' }) {
  const upstream = /upstream pishkhan_web \{[\s\S]*?\n {2}\}/;
  if (!upstream.test(text)) throw new Error('deploy/nginx.conf has no `upstream pishkhan_web { … }` block');
  if (!/listen 3000;/.test(text)) throw new Error('deploy/nginx.conf does not `listen 3000;`');
  const servers = upstreams.map((address) => `    server ${address} max_fails=3 fail_timeout=10s;`).join('\n');
  return text
    .replace(/^worker_processes .*$/m, `worker_processes 1;\npid ${path.join(dir, 'nginx.pid')};`)
    .replace(/^\s*resolver .*\n/m, '')
    .replace(/^(\s*#.*Docker's embedded DNS.*)\n/m, '')
    .replace(upstream, `upstream pishkhan_web {\n    zone pishkhan_web 64k;\n${servers}\n    keepalive 32;\n  }`)
    .replace('include /etc/nginx/mime.types;', `include ${mimeTypes};\n  client_body_temp_path ${path.join(dir, 'body')};\n  proxy_temp_path ${path.join(dir, 'proxy')};\n  fastcgi_temp_path ${path.join(dir, 'fastcgi')};\n  uwsgi_temp_path ${path.join(dir, 'uwsgi')};\n  scgi_temp_path ${path.join(dir, 'scgi')};`)
    .replace('access_log /dev/stdout;', `access_log ${path.join(dir, 'access.log')};`)
    .replace('error_log /dev/stderr warn;', `error_log ${path.join(dir, 'error.log')} warn;`)
    .replace('listen 3000;', `listen 127.0.0.1:${port};`);
}

/** Starts nginx (in the foreground, as a child) over the given replicas; returns its address and a stop. */
export async function startNginx({ binary, port, upstreams, dir, log = console.log }) {
  if (await portTaken(port)) throw new Error(`port ${port} is already in use; nginx cannot listen there`);
  fs.mkdirSync(dir, { recursive: true });
  // nginx's workers run as an unprivileged user when the master is root: they write request bodies here.
  for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dir, temp), { recursive: true, mode: 0o777 });
  for (const temp of ['body', 'proxy']) fs.chmodSync(path.join(dir, temp), 0o777);
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, localNginxConf(fs.readFileSync(NGINX_CONF, 'utf8'), { port, upstreams, dir }));
  const args = ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'];
  const checked = spawnSync(binary, ['-t', ...args], { encoding: 'utf8' });
  if (checked.status !== 0) throw new Error(`nginx refused the configuration ${conf}: ${checked.stderr.trim()}`);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const early = exited.then((code) => {
    throw new Error(`nginx exited (${code}) before it was ready: ${stderr.trim()}`);
  });
  await Promise.race([waitForPort(port), early]);
  early.catch(() => {});
  log(`nginx on 127.0.0.1:${port} in front of ${upstreams.join(', ')}`);
  return {
    url: `http://127.0.0.1:${port}`,
    pid: /** @type {number} */ (child.pid),
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGQUIT: finish the requests in flight, then exit.
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
