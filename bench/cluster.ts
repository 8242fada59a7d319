// The end-to-end figures again on the production topology (npm run start:cluster): nginx in front of two web
// replicas, two workers, the Temporal server's four services on PostgreSQL — beside the single-process desk.
import type { Db } from '../lib/db';
import { letterAnswers, loginCitizen } from '../scripts/stack/people';
import { startCluster } from '../scripts/stack/cluster';
import { load, percentile, round, type Load } from './measure';

export interface Layout {
  catalogue: Load;
  staticFile: Load;
  latencies: number[];
}

export type SubmitAndWait = (desk: { db: Db }, citizens: Awaited<ReturnType<typeof loginCitizen>>[]) => Promise<number[]>;

export async function measureCluster(o: { webEnv: Record<string, string>; citizens: number; rounds: number; submitAllAndWait: SubmitAndWait; log: (m: string) => void }): Promise<Layout> {
  // The cluster makes its own session secret and payload keys, shared by all its replicas.
  const { SESSION_SECRET: _secret, TEMPORAL_PAYLOAD_KEYS: _keys, ...webEnv } = o.webEnv;
  o.log('the production topology: PostgreSQL, Temporal (4 processes), 2 workers, 2 web replicas behind nginx');
  const cluster = await startCluster({ log: (m) => o.log(`  ${m}`), webEnv });
  try {
    o.log('(a) on the cluster, through nginx');
    await load(`${cluster.url}/`, { seconds: 3 });
    const catalogue = await load(`${cluster.url}/`);
    const staticFile = await load(`${cluster.url}/static/app.css`);
    o.log(`(d) on the cluster, through nginx: ${o.citizens} citizens at once, ${o.rounds} rounds`);
    const desk = { url: cluster.url, sandboxUrl: cluster.sandboxUrl };
    const citizens = await Promise.all(Array.from({ length: o.citizens }, (_, i) => loginCitizen(desk, `0936${String(1_000_000 + i).slice(1).padStart(7, '0')}`)));
    const latencies: number[] = [];
    for (let r = 0; r < o.rounds; r++) {
      for (const c of citizens) await c.post('/services/general-letter/apply', letterAnswers());
      latencies.push(...(await o.submitAllAndWait(cluster, citizens)));
    }
    return { catalogue, staticFile, latencies };
  } finally {
    await cluster.stop();
  }
}

/** The section of bench/RESULTS.md that sets the two layouts side by side. */
export function clusterSection(single: Layout, cluster: Layout): string {
  const ratio = (a: number, b: number) => round(a / b, 2);
  const p = (l: Layout, n: number) => Math.round(percentile(l.latencies, n));
  return `## (f) The same figures on the production topology

\`npm run start:cluster\` in the same run, on the same machine: one PostgreSQL holding the desk's and Temporal's
databases, the Temporal server v1.29.1 as four processes (frontend, history with 4 shards, matching, worker),
two workers, two web replicas (\`NODE_ENV=production\`) behind nginx with \`deploy/nginx.conf\`. Every request
below goes through nginx. The single-process column is the desk measured above: one web app, one worker, the
Temporal dev server on SQLite. On two cores the cluster's extra processes share the same CPUs, so this shows
what the topology costs here, not what it gains on more machines.

| figure | single process | cluster | cluster / single |
|---|---|---|---|
| catalogue page \`/\`, req/s | ${round(single.catalogue.rps)} | ${round(cluster.catalogue.rps)} | ${ratio(cluster.catalogue.rps, single.catalogue.rps)} |
| catalogue page \`/\`, p99 ms | ${single.catalogue.p99} | ${cluster.catalogue.p99} | ${ratio(cluster.catalogue.p99, Math.max(single.catalogue.p99, 1))} |
| static file, req/s | ${round(single.staticFile.rps)} | ${round(cluster.staticFile.rps)} | ${ratio(cluster.staticFile.rps, single.staticFile.rps)} |
| submit → pending review, median ms | ${p(single, 50)} | ${p(cluster, 50)} | ${ratio(p(cluster, 50), p(single, 50))} |
| submit → pending review, p99 ms | ${p(single, 99)} | ${p(cluster, 99)} | ${ratio(p(cluster, 99), p(single, 99))} |
| non-2xx/errors under load | ${single.catalogue.failures + single.staticFile.failures} | ${cluster.catalogue.failures + cluster.staticFile.failures} | |
`;
}
