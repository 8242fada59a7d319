// Schemathesis sends generated and hostile requests to every operation of api/openapi.json on a real
// desk: no 5xx, every status and content type as described.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApiClient } from '../api/api-clients';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen, submitThroughPages } from './helpers/journeys';

jest.setTimeout(15 * 60_000);

// The CLI flags below are those of schemathesis 4.
const SCHEMATHESIS = 'schemathesis>=4,<5';
const CLI = ['-c', "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'st'; sys.exit(schemathesis())"];
const ENV = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' };

/** Runs the CLI without blocking this process, which serves the desk it tests. */
function cli(args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('python3', [...CLI, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

let desk: Desk;
beforeAll(async () => {
  if (spawnSync('python3', [...CLI, '--version'], { env: ENV, timeout: 60_000 }).status !== 0) {
    const install = spawnSync('python3', ['-m', 'pip', 'install', '--quiet', SCHEMATHESIS], { encoding: 'utf8', timeout: 8 * 60_000 });
    if (install.status !== 0) throw new Error(`pip could not install ${SCHEMATHESIS}: ${install.stderr}`);
  }
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

test('schemathesis finds no server error and no answer off the description', async () => {
  // Signed in as a citizen with a request, and with a key of both scopes, so the checks go past the door.
  const citizen = await loginCitizen(desk, uniqueMobile());
  await submitThroughPages(citizen, 'general-letter', letterAnswers());
  const { key } = await createApiClient(desk.db, { name: 'fuzz', scopes: ['requests:read', 'letters:write'], departmentIds: await desk.db('departments').pluck('id'), createdBy: null });
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'pishkhan-schemathesis-'));
  const run = await cli(
    [
      'run', `${desk.url}/api/openapi.json`,
      '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance',
      '--max-examples', '30',
      // One worker: with two threads, hypothesis (describing its strategies) hit CPython 3.11's
      // "AST constructor recursion depth mismatch" and schemathesis stopped with an error of its own.
      '--workers', '1',
      '--request-timeout', '10',
      '--seed', '20261126',
      '--generation-database', 'none',
      '--no-color',
      '--report-dir', reports,
      '-H', `Authorization: Bearer ${key}`,
      '-H', `Cookie: pk_session=${citizen.cookie('pk_session')}`,
    ],
    8 * 60_000,
  );
  fs.rmSync(reports, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`schemathesis failed (exit ${run.status}):\n${run.stdout.slice(-12_000)}\n${run.stderr.slice(-3000)}`);
  expect(run.stdout).toMatch(/passed/i);
});
