// The end-to-end figures again on the production topology (npm run start:cluster): nginx in front of two web
// replicas, two workers, the Temporal server's four services on PostgreSQL — beside the single-process desk.
import { startCluster, type Cluster } from '../scripts/stack/cluster';
import type { EndToEnd } from './journeys';
import type { Load } from './measure';

export interface ClusterFigures {
  catalogue: Load;
  staticFile: Load;
  pending20: number[];
  e2e: EndToEnd;
}

export async function measureCluster(o: { webEnv: Record<string, string>; compiled: boolean; log: (m: string) => void; measure: (cluster: Cluster) => Promise<ClusterFigures> }): Promise<ClusterFigures> {
  // The cluster makes its own session secret and payload keys, shared by all its replicas.
  const { SESSION_SECRET: _secret, TEMPORAL_PAYLOAD_KEYS: _keys, ...webEnv } = o.webEnv;
  const cluster = await startCluster({ log: (m) => o.log(`  ${m}`), webEnv, compiled: o.compiled });
  try {
    return await o.measure(cluster);
  } finally {
    await cluster.stop();
  }
}
