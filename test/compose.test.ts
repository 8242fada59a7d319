// docker-compose.yml describes the topology `npm run start:cluster` runs and test/cluster.test.ts breaks:
// the same services, the same variables, the same Temporal release, probes on endpoints that exist.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../lib/config';
import { appEnvironment, CLUSTER_SERVICES, DONE_AS_STEPS, PER_SERVICE_ENVIRONMENT, READINESS } from '../scripts/stack/cluster-topology';

const root = path.join(__dirname, '..');
const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
const services: Record<string, any> = compose.services;
const cluster = appEnvironment({ frontUrl: 'http://x', databaseUrl: 'postgres://x', temporalAddress: 'x:1', sandboxUrl: 'http://x', dataDir: '/d', documentDir: '/d', sessionSecret: 's', payloadKeys: 'k' });
const APP_SERVICES = ['migrate', 'web', 'worker', 'sandbox'];

test('every compose service is run by the cluster or done by one of its steps, and nothing else runs', () => {
  const runOrStep = [...Object.keys(CLUSTER_SERVICES), ...Object.keys(DONE_AS_STEPS)];
  expect(Object.keys(services).sort()).toEqual([...new Set(runOrStep)].sort());
  expect(services.web.deploy.replicas).toBe(CLUSTER_SERVICES.web.length);
  expect(services.worker.deploy.replicas).toBe(CLUSTER_SERVICES.worker.length);
});

test('web, worker, migrate and the sandbox get the variables the cluster gives its processes', () => {
  expect(Object.keys(compose['x-app-environment']).sort()).toEqual(Object.keys(cluster).sort());
  const perService: Record<string, readonly string[]> = PER_SERVICE_ENVIRONMENT;
  for (const name of APP_SERVICES) {
    const keys = Object.keys(services[name].environment);
    // Every shared variable, plus only what the cluster also sets for that one service.
    expect({ name, missing: Object.keys(cluster).filter((key) => !keys.includes(key)) }).toEqual({ name, missing: [] });
    expect({ name, own: keys.filter((key) => !(key in cluster) && !(perService[name] ?? []).includes(key)) }).toEqual({ name, own: [] });
  }
  // Each variable the cluster sets is one the configuration (lib/config*.ts) reads: a typo in either would show here.
  const configSource = fs.readdirSync(path.join(root, 'lib')).filter((f) => /^config.*\.ts$/.test(f)).map((f) => fs.readFileSync(path.join(root, 'lib', f), 'utf8')).join('\n');
  const unread = Object.keys(cluster).filter((key) => !configSource.includes(`'${key}'`) && !configSource.includes(`env.${key}`) && !/^AGENCY_/.test(key));
  expect(unread).toEqual([]);
});

test('the sandbox runs only under the demo profile and is never published', () => {
  expect(services.sandbox.profiles).toEqual(['demo']);
  expect(services.sandbox.ports).toBeUndefined();
  const profiled = Object.entries(services).filter(([, s]) => s.profiles).map(([name]) => name);
  expect(profiled).toEqual(['sandbox']);
});

test('compose runs the Temporal release the cluster builds, with schema tools of the same minor version', () => {
  const built = /TEMPORAL_SERVER_VERSION = '([\d.]+)'/.exec(fs.readFileSync(path.join(root, 'scripts/infra/temporal-server.mjs'), 'utf8'))![1];
  expect(services.temporal.image).toBe(`temporalio/server:\${TEMPORAL_VERSION:-${built}}`);
  const minor = built.split('.').slice(0, 2).join('.');
  for (const name of ['temporal-schema', 'temporal-admin-tools']) expect(services[name].image).toBe(`temporalio/admin-tools:\${TEMPORAL_ADMINTOOLS_VERSION:-${minor}}`);
  // Both databases are set up from the versioned PostgreSQL schemas the cluster applies.
  const setup = services['temporal-schema'].command.join('\n');
  expect(setup).toMatch(/--plugin postgres12/);
  expect(setup).toMatch(/schema\/postgresql\/v12/);
  expect(setup).toMatch(/update-schema -d "\$\$schema\/\$\$part\/versioned"/);
});

test('the web and worker health checks call the readiness endpoint on the port each process listens on', () => {
  const defaults = loadConfig({});
  const ports = { web: Number(compose['x-app-environment'].PORT), worker: defaults.workerHttpPort };
  for (const name of ['web', 'worker'] as const) {
    const command: string[] = services[name].healthcheck.test;
    expect(command.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    const url = new URL(/fetch\('([^']+)'\)/.exec(command[3])![1]);
    expect({ name, port: Number(url.port), path: url.pathname }).toEqual({ name, port: ports[name], path: READINESS[name].path });
  }
  expect(services.proxy.healthcheck.test.at(-1)).toBe(`http://127.0.0.1:${services.proxy.ports[0].split(':').at(-1)}/healthz`);
});

test('the proxy runs the repository\'s nginx.conf, the file the cluster runs nginx with', () => {
  expect(services.proxy.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
  const conf = fs.readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');
  expect(conf).toMatch(/upstream pishkhan_web \{/);
  expect(conf).toMatch(/server web:3000 /);
  expect(conf).toMatch(/listen 3000;/);
});
