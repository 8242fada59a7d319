// Probes for the orchestrator and the metrics scraper: cheap, no session, no cookie, no page rendering.
import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Connection, type Client } from '@temporalio/client';
import { Router, type Request, type Response } from 'express';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';

export const CHECK_TIMEOUT_MS = 2000;

/** Resolves when the dependency answers; throws (or never settles) when it does not. */
export type Check = () => Promise<unknown>;

export const databaseCheck = (db: Db): Check => () => db.raw('select 1');

// The call's own deadline ends it (retries included) just before the probe gives up on it.
/** One attempt on a connection of its own: a probe reports the present and leaves no retries running after it. */
export const temporalCheck = (temporal: Client): Check => async () => {
  const probe = Connection.lazy({ ...(temporal.connection as Connection).options, interceptors: [] });
  try {
    await probe.withDeadline(Date.now() + CHECK_TIMEOUT_MS - 250, () => probe.workflowService.getSystemInfo({}));
  } finally {
    await probe.close();
  }
};

async function outcome(check: Check, timeoutMs: number): Promise<'ok' | 'failed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([check().then(() => 'ok' as const), timeout]);
  } catch {
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(checks: Record<string, Check>, timeoutMs = CHECK_TIMEOUT_MS) {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => outcome(checks[name], timeoutMs)));
  const byName = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  return { ready: results.every((r) => r === 'ok'), checks: byName };
}

// Loopback, private and link-local networks: the scraper inside the deployment, never the internet.
const insideNetworks = new BlockList();
for (const [net, bits] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['169.254.0.0', 16]] as const) {
  insideNetworks.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) insideNetworks.addSubnet(net, bits, 'ipv6');

export function isInsideAddress(address: string): boolean {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const family = isIP(plain);
  if (!family) return false;
  return insideNetworks.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

function bearerMatches(req: Request, token: string | undefined): boolean {
  if (!token) return false;
  const sent = Buffer.from(req.get('authorization') ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

export interface HealthOptions {
  /** Everything /readyz needs answering before traffic is sent here. */
  readiness: Record<string, Check>;
  metrics?: Metrics;
  metricsToken?: string;
}

export function healthRoutes(options: HealthOptions): Router {
  const router = Router();
  const noStore = (res: Response) => res.set('Cache-Control', 'no-store');

  router.get('/healthz', (_req, res) => {
    noStore(res).json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await runChecks(options.readiness);
    noStore(res).status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });

  router.get('/metrics', async (req, res) => {
    if (!options.metrics) return void noStore(res).status(404).type('text/plain').send('no metrics\n');
    if (!isInsideAddress(req.ip ?? '') && !bearerMatches(req, options.metricsToken)) {
      return void noStore(res).status(403).type('text/plain').send('metrics are served inside the network or with the bearer token\n');
    }
    noStore(res).type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  return router;
}
