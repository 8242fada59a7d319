// The Temporal server as production runs it: on PostgreSQL, each service (frontend, history, matching,
// worker) its own process. The server and its SQL tool are built once per machine into the cache, with
// the PostgreSQL schemas copied beside them from the same Go module.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForPort } from './ports.mjs';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'];
const MODULE = 'go.temporal.io/server';

export function serverCacheDir() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'pishkhan', `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function onPath(name) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}

/** The server, the SQL tool and the schemas in the cache; built with `go install` the first time. */
export function findOrBuildTemporalServer({ log = console.log } = {}) {
  const dir = serverCacheDir();
  const found = { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql'), schemaDir: path.join(dir, 'schema', 'postgresql', 'v12') };
  if (fs.existsSync(found.server) && fs.existsSync(found.sqlTool) && fs.existsSync(path.join(found.schemaDir, 'temporal', 'versioned'))) return found;
  if (!onPath('go')) throw new Error(`the cluster needs the Temporal server v${TEMPORAL_SERVER_VERSION}: install Go so it can be built into ${dir}`);
  log(`building the Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool with Go into ${dir}`);
  log('this is a one-time build per machine and takes a few minutes…');
  fs.mkdirSync(dir, { recursive: true });
  for (const pkg of ['cmd/server', 'cmd/tools/sql']) {
    const result = spawnSync('go', ['install', `${MODULE}/${pkg}@v${TEMPORAL_SERVER_VERSION}`], {
      env: { ...process.env, GOBIN: dir, CGO_ENABLED: '0' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`go install ${MODULE}/${pkg}@v${TEMPORAL_SERVER_VERSION} failed (exit ${result.status})`);
  }
  const modCache = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  const source = path.join(modCache, `${MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!fs.existsSync(source)) throw new Error(`the PostgreSQL schemas are not at ${source}`);
  fs.cpSync(source, found.schemaDir, { recursive: true });
  // Module cache files are read-only; the copy must stay removable.
  spawnSync('chmod', ['-R', 'u+w', path.join(dir, 'schema')]);
  log('Temporal server built');
  return found;
}

/**
 * Temporal's two databases on a PostgreSQL: created if missing, then set up and brought to the newest
 * schema with temporal-sql-tool (safe to run again, as the compose file's `temporal-schema` does).
 * @param {{ sqlTool: string, schemaDir: string, host: string, port: number, user: string, password: string, log?: (m: string) => void }} options
 */
export function setUpTemporalDatabases({ sqlTool, schemaDir, host, port, user, password, log = console.log }) {
  const sql = (database, args) => {
    const result = spawnSync(sqlTool, ['--plugin', 'postgres12', '--ep', host, '-p', String(port), '-u', user, '--db', database, ...args], {
      env: { ...process.env, SQL_PASSWORD: password },
      encoding: 'utf8',
    });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
  };
  for (const [part, database] of [['temporal', 'temporal'], ['visibility', 'temporal_visibility']]) {
    const created = sql(database, ['create-database']);
    if (!created.ok && !/already exists/.test(created.output)) throw new Error(`temporal-sql-tool could not create ${database}: ${created.output}`);
    for (const step of [['setup-schema', '-v', '0.0'], ['update-schema', '-d', path.join(schemaDir, part, 'versioned')]]) {
      const done = sql(database, step);
      if (!done.ok) throw new Error(`temporal-sql-tool ${step[0]} on ${database} failed: ${done.output}`);
    }
    log(`Temporal database ${database} is at the newest schema`);
  }
}

/**
 * @typedef {{ host: string, port: number, user: string, password: string }} PostgresAddress
 * @typedef {Record<string, { grpc: number, membership: number, http?: number }>} ServicePorts
 */

/**
 * The server's configuration: every service's ports, the PostgreSQL stores, `shards` history shards.
 * @param {{ ports: ServicePorts, postgres: PostgresAddress, shards: number, dynamicConfigFile: string }} options
 */
export function temporalServerConfig({ ports, postgres, shards, dynamicConfigFile }) {
  const store = (database, maxConns) => `      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "${postgres.host}:${postgres.port}"
        connectProtocol: tcp
        user: ${JSON.stringify(postgres.user)}
        password: ${JSON.stringify(postgres.password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (name) => `  ${name}:
    rpc:
      grpcPort: ${ports[name].grpc}
      membershipPort: ${ports[name].membership}
      bindOnIP: 127.0.0.1${ports[name].http ? `\n      httpPort: ${ports[name].http}` : ''}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${shards}
  datastores:
    default:
${store('temporal', 10)}
    visibility:
${store('temporal_visibility', 5)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
${TEMPORAL_SERVICES.map(service).join('\n')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${ports.frontend.grpc}
dcRedirectionPolicy:
  policy: noop
publicClient:
  hostPort: 127.0.0.1:${ports.frontend.grpc}
dynamicConfigClient:
  filepath: ${JSON.stringify(dynamicConfigFile)}
  pollInterval: 10s
`;
}

// Updates are how decisions reach a request; search attributes added at start are seen at once.
const DYNAMIC_CONFIG = `frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
`;

/**
 * Writes the configuration into `dir/config/cluster.yaml` (the server reads <root>/<config>/<env>.yaml).
 * @param {{ dir: string, ports: ServicePorts, postgres: PostgresAddress, shards?: number }} options
 */
export function writeTemporalServerConfig({ dir, ports, postgres, shards = 4 }) {
  fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
  const dynamicConfigFile = path.join(dir, 'config', 'dynamic.yaml');
  fs.writeFileSync(dynamicConfigFile, DYNAMIC_CONFIG);
  fs.writeFileSync(path.join(dir, 'config', 'cluster.yaml'), temporalServerConfig({ ports, postgres, shards, dynamicConfigFile }));
  return { root: dir, configDir: 'config', env: 'cluster' };
}

/** One service of the server as its own process; ready once its gRPC port answers. */
export async function startTemporalService({ binary, config, service, ports, log = console.log }) {
  const args = ['--root', config.root, '--config', config.configDir, '--env', config.env, '--allow-no-auth', 'start', '--service', service];
  const logFile = fs.openSync(path.join(config.root, `${service}.log`), 'a');
  const child = spawn(binary, args, { stdio: ['ignore', logFile, logFile], detached: true });
  fs.closeSync(logFile);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const early = exited.then((code) => {
    const tail = fs.readFileSync(path.join(config.root, `${service}.log`), 'utf8').split('\n').slice(-6).map((line) => line.slice(0, 400)).join('\n');
    throw new Error(`Temporal ${service} exited (${code}) before it was ready:\n${tail}`);
  });
  // The worker service serves no gRPC of its own: it is up once it is in the membership ring.
  const port = service === 'worker' ? ports[service].membership : ports[service].grpc;
  try {
    await Promise.race([waitForPort(port, '127.0.0.1', 120_000), early]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    early.catch(() => {});
  }
  log(`Temporal ${service} on 127.0.0.1:${port} (pid ${child.pid})`);
  return {
    service,
    pid: /** @type {number} */ (child.pid),
    exited,
    /** SIGTERM lets it hand its shards or queues over; SIGKILL is a crash. */
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
