// The engine limit on the same server in the same run: N bare workflows of K no-op activities started at once.
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { PayloadKeys } from '../lib/config';
import { encryptedDataConverter } from '../lib/payload-codec';
import { percentile } from './measure';

export interface EngineRun {
  activities: number;
  local: boolean;
  workflows: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs in the bench process, with the desk's payload encryption, so both pay for the same codec. */
export async function startEngineWorker(address: string, namespace: string, payloadKeys: PayloadKeys) {
  const connection = await NativeConnection.connect({ address });
  const taskQueue = `engine-baseline-${Date.now()}`;
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowsPath: require.resolve('./engine-workflows'),
    activities: { nothing: async () => {} },
    dataConverter: encryptedDataConverter(payloadKeys),
  });
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** Starts `workflows` bare workflows at once and waits for all; completions per second and each one's latency. */
export async function runBaseline(client: Client, taskQueue: string, workflows: number, activities: number, local: boolean): Promise<EngineRun> {
  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: workflows }, async (_, i) => {
      const t0 = performance.now();
      await client.workflow.execute('engineBaseline', { taskQueue, workflowId: `engine-${local ? 'local' : 'regular'}-${activities}-${Date.now()}-${i}`, args: [activities, local] });
      return performance.now() - t0;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { activities, local, workflows, perSecond: workflows / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}
