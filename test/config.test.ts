// Settings: a bad one stops the process with one line naming it; every setting is documented.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../lib/config';

const root = path.resolve(__dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const servers = { DATABASE_URL: 'postgres://pishkhan@127.0.0.1:1/pishkhan', TEMPORAL_ADDRESS: '127.0.0.1:1' };
const payloadKey = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
// A production desk that has everything but the one setting each row below leaves out or gets wrong.
const production = { ...servers, NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), TEMPORAL_PAYLOAD_KEYS: payloadKey };
const realWorld = { SMS_PROVIDER: 'kavenegar', KAVENEGAR_API_KEY: 'kavenegar-key', PAYMENT_GATEWAY_URL: 'https://bank.example', AGENCY_CIVIL_REGISTRY_URL: 'https://civil.example', AGENCY_POSTAL_COMPANY_URL: 'https://post.example', AGENCY_SHAHKAR_URL: 'https://shahkar.example' };

function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    // Only what a shell would have, plus the settings under test: nothing from the test run leaks in.
    const child = spawn(tsx, [script], { cwd: root, env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('a bad setting stops the process with exactly one line naming it', () => {
  test.each([
    ['PORT', 'scripts/web.ts', { ...servers, PORT: 'abc' }],
    ['SMS_PROVIDER', 'scripts/web.ts', { ...servers, SMS_PROVIDER: 'carrier-pigeon' }],
    ['DATABASE_URL', 'scripts/web.ts', { DATABASE_URL: 'not-a-url', TEMPORAL_ADDRESS: '127.0.0.1:1' }],
    ['SESSION_SECRET', 'scripts/web.ts', { ...servers, NODE_ENV: 'production' }],
    ['TEMPORAL_ADDRESS', 'scripts/web.ts', { DATABASE_URL: servers.DATABASE_URL }],
    ['KAVENEGAR_API_KEY', 'scripts/web.ts', { ...servers, SMS_PROVIDER: 'kavenegar' }],
    ['METRICS_TOKEN', 'scripts/web.ts', { ...servers, METRICS_TOKEN: 'short' }],
    ['RETENTION_MONTHS', 'scripts/worker.ts', { ...servers, RETENTION_MONTHS: '-1' }],
    ['WORKER_HTTP_PORT', 'scripts/worker.ts', { ...servers, WORKER_HTTP_PORT: 'abc' }],
    ['LOG_LEVEL', 'scripts/worker.ts', { ...servers, LOG_LEVEL: 'loud' }],
    ['TRUST_PROXY', 'scripts/web.ts', { ...servers, TRUST_PROXY: 'everyone' }],
    ['TEMPORAL_PAYLOAD_KEYS', 'scripts/web.ts', { ...servers, TEMPORAL_PAYLOAD_KEYS: 'k1:c2hvcnQ=' }],
    ['TEMPORAL_PAYLOAD_KEYS', 'scripts/worker.ts', { ...production, ...realWorld, TEMPORAL_PAYLOAD_KEYS: '' }],
    // Production refuses every sandbox adapter and the development pages.
    ['SMS_PROVIDER', 'scripts/web.ts', { ...production, ...realWorld, SMS_PROVIDER: 'sandbox' }],
    ['SMS_PROVIDER', 'scripts/worker.ts', { ...production, ...realWorld, SMS_PROVIDER: '' }],
    ['SMS_HTTP_URL', 'scripts/web.ts', { ...production, ...realWorld, SMS_PROVIDER: 'http', SMS_HTTP_URL: 'http://127.0.0.1:3100/sms/send' }],
    ['PAYMENT_GATEWAY_URL', 'scripts/web.ts', { ...production, ...realWorld, PAYMENT_GATEWAY_URL: '' }],
    ['PAYMENT_GATEWAY_URL', 'scripts/web.ts', { ...production, ...realWorld, SANDBOX_URL: 'http://sandbox:3100', PAYMENT_GATEWAY_URL: 'http://sandbox:3100/payment' }],
    ['AGENCY_CIVIL_REGISTRY_URL', 'scripts/worker.ts', { ...production, ...realWorld, AGENCY_CIVIL_REGISTRY_URL: '' }],
    ['EXTERNAL_REGISTRY_URL', 'scripts/worker.ts', { ...production, ...realWorld, LETTER_REGISTRY: 'http' }],
    ['DEV_PAGES', 'scripts/web.ts', { ...production, ...realWorld, DEV_PAGES: 'true' }],
    ['NODE_ENV', 'scripts/sandbox.ts', { ...production, ...realWorld }],
  ])('%s (%s)', async (name, script, env) => {
    const { code, stderr, stdout } = await run(script, env as Record<string, string>);
    const lines = stderr.split('\n').filter((l) => l.trim());
    expect({ code, lines: lines.length, stdout }).toEqual({ code: 1, lines: 1, stdout: '' });
    expect(lines[0]).toMatch(/^configuration error: /);
    expect(lines[0]).toContain(name);
  });
});

describe('good settings', () => {
  test('a production desk pointed at the real world starts past its configuration', () => {
    const config = loadConfig({ ...production, ...realWorld });
    expect(config).toMatchObject({ env: 'production', devPages: false, trustProxy: false, webhookAllowPrivate: false });
    expect(config.temporal.payloadKeys.current).toBe('k1');
  });

  test('TRUST_PROXY trusts nobody unless it names the proxy', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '172.28.0.10' }).trustProxy).toBe('172.28.0.10');
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
  });

  test('the defaults need nothing set, and the operations settings read as documented', () => {
    const defaults = loadConfig({});
    expect(defaults).toMatchObject({ port: 3000, workerHttpPort: 3001, retentionMonths: 24, metricsToken: undefined });
    const tuned = loadConfig({ WORKER_HTTP_PORT: '0', RETENTION_MONTHS: '0', METRICS_TOKEN: 'scrape-token-0123456789' });
    expect(tuned).toMatchObject({ workerHttpPort: 0, retentionMonths: 0, metricsToken: 'scrape-token-0123456789' });
  });
});

describe('every setting is documented', () => {
  // The settings are read in lib/config.ts and the modules it is split into (lib/config-*.ts).
  const source = fs.readdirSync(path.join(root, 'lib')).filter((f) => /^config.*\.ts$/.test(f)).map((f) => fs.readFileSync(path.join(root, 'lib', f), 'utf8')).join('\n');
  // `env.NAME`, `process.env.NAME` and the checked readers' `(env, 'NAME'`.
  const names = [...new Set([...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2]))].sort();

  test('lib/config.ts reads the settings this test looks for', () => {
    expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'PORT', 'RETENTION_MONTHS', 'METRICS_TOKEN', 'WORKER_HTTP_PORT']));
  });

  test('.env.example lists each one with a comment line above it', () => {
    const lines = fs.readFileSync(path.join(root, '.env.example'), 'utf8').split('\n');
    const undocumented = names.filter((name) => {
      const at = lines.findIndex((l) => new RegExp(`^#? ?${name}=`).test(l));
      return at < 1 || !/^# \S/.test(lines[at - 1]) || new RegExp(`^#? ?[A-Z_]+=`).test(lines[at - 1]);
    });
    expect(undocumented).toEqual([]);
  });

  test("the README's configuration table names each one", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    const missing = names.filter((name) => !rows.some((row) => row.includes(`\`${name}\``)));
    expect(missing).toEqual([]);
  });
});

describe('the production topology', () => {
  const compose = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  /** The lines of one service block of docker-compose.yml. */
  const service = (name: string) => {
    const lines = compose.split('\n');
    const start = lines.indexOf(`  ${name}:`);
    const end = lines.findIndex((l, i) => i > start && /^ {0,2}\S/.test(l));
    return lines.slice(start, end).join('\n');
  };

  test('the sandbox runs only under the demo profile and is published on no port', () => {
    const sandbox = service('sandbox');
    expect(sandbox).toMatch(/profiles: \["demo"\]/);
    expect(sandbox).not.toMatch(/^\s+ports:/m);
  });

  test('the app defaults to no sandbox adapter and trusts only its nginx as the proxy', () => {
    expect(compose).not.toMatch(/:-sandbox\}|:-http:\/\/sandbox/);
    const nginx = /ipv4_address: ([\d.]+)/.exec(service('proxy'))![1];
    expect(compose).toContain(`TRUST_PROXY: ${nginx}`);
  });
});
