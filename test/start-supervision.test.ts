// `npm start` as an operator runs it: compiled JavaScript, the sandbox, worker and web app as child processes.
// A worker or web app that dies is started again and the desk keeps answering; Ctrl-C stops every process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser } from '../scripts/stack/http-browser';
import { eventually, letterAnswers, loginCitizen } from '../scripts/stack/people';
import { freePort } from '../scripts/stack/ports';
import { submitThroughPages } from './helpers/journeys';

jest.setTimeout(10 * 60_000);

const root = path.resolve(__dirname, '..');
let desk: ChildProcess;
let output = '';
let dir: string;
let url: string;
let sandboxUrl: string;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pidOf = (name: string) => Number([...output.matchAll(new RegExp(`${name} (?:started|is running again) \\(pid (\\d+)\\)`, 'g'))].pop()?.[1]);
const said = (text: string) => eventually(async () => output.includes(text), 120_000, `«${text}» in the log:\n${output}`);

beforeAll(async () => {
  // What `npm start` runs: the build, then the compiled start script.
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(build.status).toBe(0);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-start-'));
  fs.chmodSync(dir, 0o755);
  const ports = { PORT: await freePort(), SANDBOX_PORT: await freePort(), EMBEDDED_POSTGRES_PORT: await freePort(), TEMPORAL_DEV_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort(), WORKER_HTTP_PORT: await freePort() };
  url = `http://127.0.0.1:${ports.PORT}`;
  sandboxUrl = `http://127.0.0.1:${ports.SANDBOX_PORT}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATA_DIR: dir, PUBLIC_URL: url, TEMPORAL_TASK_QUEUE: 'start-test' };
  delete env.WORKFLOW_BUNDLE_PATH;
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  for (const [name, port] of Object.entries(ports)) env[name] = String(port);
  // In a process group of its own, as a terminal runs it, so Ctrl-C can be sent to the whole group.
  desk = spawn(process.execPath, ['dist/scripts/start.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  desk.stdout!.on('data', keep);
  desk.stderr!.on('data', keep);
  await said('[pishkhan] press Ctrl-C to stop');
});

afterAll(async () => {
  if (desk && desk.exitCode === null) {
    desk.kill('SIGKILL');
    for (const name of ['sandbox', 'worker', 'web app']) {
      const pid = pidOf(name);
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a worker killed under npm start is started again, and a request submitted afterwards is worked on', async () => {
  const worker = pidOf('worker');
  expect(alive(worker)).toBe(true);
  process.kill(worker, 'SIGKILL');
  await said('worker stopped unexpectedly (killed by SIGKILL); starting it again in 1 s');
  await said('worker is running again');
  expect(pidOf('worker')).not.toBe(worker);

  // The web app never went away, and the new worker picks the request up.
  const citizen = await loginCitizen({ url, sandboxUrl }, '09121234567');
  const code = await submitThroughPages(citizen, 'general-letter', letterAnswers());
  await eventually(async () => (await citizen.json(`/api/requests/${code}`)).body?.status === 'pending_review', 60_000, 'the request to reach pending review');
});

test('a web app killed under npm start comes back on the same address; a signed-in citizen is still signed in', async () => {
  const citizen = await loginCitizen({ url, sandboxUrl }, '09127654321');
  const web = pidOf('web app');
  process.kill(web, 'SIGKILL');
  await said('web app stopped unexpectedly (killed by SIGKILL)');
  await eventually(async () => {
    try {
      return (await citizen.get('/requests')).status === 200;
    } catch {
      return false; // refused while the web app is down
    }
  }, 60_000, 'the web app to answer again');
  expect((await citizen.json('/api/requests/000000000000')).status).toBe(404);
  expect(pidOf('web app')).not.toBe(web);
  expect((await new Browser(url).get('/')).status).toBe(200);
});

test('Ctrl-C stops the web app, the worker, the sandbox and the servers, then npm start exits', async () => {
  const children = ['sandbox', 'worker', 'web app'].map(pidOf);
  // 'close': the process has exited and everything it wrote has been read.
  const exited = new Promise<number | null>((resolve) => desk.once('close', (code) => resolve(code)));
  const before = output.length;
  // A terminal sends SIGINT to its whole foreground process group.
  process.kill(-desk.pid!, 'SIGINT');
  expect(await exited).toBe(0);
  expect(output).toContain('[pishkhan] stopped');
  // Nothing is taken for a crash while stopping.
  expect(output.slice(before)).not.toMatch(/stopped unexpectedly|starting it again/);
  for (const pid of children) expect(alive(pid)).toBe(false);
});
