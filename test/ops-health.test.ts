// Probes and stopping: what an orchestrator sees of the web app and the worker.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app';
import { createSessions } from '../api/session';
import { createSubmitter } from '../api/submission';
import { loadConfig } from '../lib/config';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/log';
import { startWorker } from '../scripts/worker';
import { eventually, startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { freePort } from '../scripts/stack/ports';


let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

/** The desk's app on a context whose PostgreSQL or Temporal cannot be reached. */
async function deskWith(broken: 'postgres' | 'temporal') {
  const deadPort = await freePort();
  const db = broken === 'postgres' ? createDb(`postgres://pishkhan@127.0.0.1:${deadPort}/pishkhan`) : desk.db;
  const temporal = broken === 'temporal' ? new Client({ connection: Connection.lazy({ address: `127.0.0.1:${deadPort}` }) }) : desk.temporal;
  const app = createApp({ db, temporal, config: desk.config, log: createLogger('silent'), sessions: createSessions(db, false), submitRequest: createSubmitter(db, temporal, desk.config) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      if (broken === 'postgres') await db.destroy();
      else await temporal.connection.close();
    },
  };
}

describe('web probes', () => {
  test('/healthz answers 200 JSON without a cookie, and /readyz 200 when PostgreSQL and Temporal answer', async () => {
    const health = await fetch(`${desk.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.getSetCookie()).toEqual([]);
    expect(health.headers.get('cache-control')).toBe('no-store');

    const ready = await fetch(`${desk.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
  });

  test('with PostgreSQL unreachable /readyz is 503 naming it, while /healthz still answers', async () => {
    const broken = await deskWith('postgres');
    try {
      const started = Date.now();
      const ready = await fetch(`${broken.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', checks: { postgres: expect.stringMatching(/failed|timeout/), temporal: 'ok' } });
      expect(Date.now() - started).toBeLessThan(5000);
      // Probes come before sessions: nothing here needs the database.
      const health = await fetch(`${broken.url}/healthz`);
      expect(health.status).toBe(200);
      expect(health.headers.getSetCookie()).toEqual([]);
    } finally {
      await broken.close();
    }
  });

  test('with Temporal unreachable /readyz is 503 naming it, within the check timeout', async () => {
    const broken = await deskWith('temporal');
    try {
      const started = Date.now();
      const ready = await fetch(`${broken.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', temporal: expect.stringMatching(/failed|timeout/) } });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await broken.close();
    }
  });
});

describe('worker probes', () => {
  test('the worker serves /healthz, /readyz and /metrics on its own port, and stops answering once drained', async () => {
    const config = loadConfig({
      ...process.env,
      NODE_ENV: 'test',
      WORKER_HTTP_PORT: '0',
      TEMPORAL_TASK_QUEUE: `test-${randomBytes(6).toString('hex')}`,
      SANDBOX_URL: desk.sandboxUrl,
      RETENTION_MONTHS: '0',
    });
    const worker = await startWorker(config, createLogger('silent'), { workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH });
    const base = `http://127.0.0.1:${worker.httpPort}`;
    try {
      expect(worker.httpPort).toBeGreaterThan(0);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await eventually(async () => {
        const r = await fetch(`${base}/readyz`);
        return r.status === 200 ? r.json() : null;
      }, 10_000, 'the worker to be ready');
      expect(ready).toEqual({ status: 'ready', checks: { worker: 'ok', postgres: 'ok' } });
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toContain('# TYPE pishkhan_status_transitions_total counter');
      expect(text).toContain('# TYPE pishkhan_inquiry_duration_seconds histogram');
      expect(text).toMatch(/process_cpu_user_seconds_total\{component="worker"\} /);
    } finally {
      await worker.stop();
    }
    expect(worker.worker.getState()).toBe('STOPPED');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('stopping the web app', () => {
  const tsx = path.resolve(__dirname, '..', 'node_modules', '.bin', 'tsx');
  let child: ChildProcess | null = null;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  test('on SIGTERM it stops accepting, answers the request in flight, and exits 0', async () => {
    const port = await freePort();
    child = spawn(tsx, ['scripts/web.ts'], {
      cwd: path.resolve(__dirname, '..'),
      env: { ...process.env, NODE_ENV: 'test', PORT: String(port), TEMPORAL_TASK_QUEUE: `test-${randomBytes(6).toString('hex')}`, SANDBOX_URL: desk.sandboxUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c) => (output += c));
    child.stderr!.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status === 200, 60_000, `the web app to listen\n${output}`);

    // A citizen asking for a login code: the form's cookie first, then the request with half its body sent.
    const home = await fetch(`${base}/`);
    const csrf = /pk_csrf=([^;]+)/.exec(home.headers.getSetCookie().join('\n'))![1];
    const body = new URLSearchParams({ _csrf: csrf, mobile: uniqueMobile(), next: '/requests' }).toString();
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (c) => (answer += c));
    const answered = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    socket.write(
      `POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: pk_csrf=${csrf}\r\nX-Forwarded-For: 10.9.${randomBytes(1)[0]}.7\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 300));

    child.kill('SIGTERM');
    // New connections are refused while the one in flight is still open.
    await eventually(async () => (await fetch(`${base}/healthz`).then(() => false, () => true)), 10_000, 'the listener to close');
    expect(child.exitCode).toBeNull();

    socket.write(body.slice(10));
    await answered;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('name="code"');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('still running'), 15_000)))]);
    clearTimeout(timer);
    expect(code).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
