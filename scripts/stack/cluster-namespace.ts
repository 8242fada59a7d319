// What compose's `temporal-admin-tools` one-shot does, through the SDK: the `default` namespace and the
// search attributes request workflows carry (workflows/search-attributes.ts).
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';

const RETENTION = '30 days'; // compose: TEMPORAL_RETENTION 720h
const ALREADY_EXISTS = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function retrying<T>(what: string, work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      await sleep(500);
    }
  }
}

export async function registerNamespace(address: string, log: (m: string) => void, namespace = 'default'): Promise<void> {
  const connection = await retrying('connecting to the Temporal frontend', () => Connection.connect({ address }));
  try {
    await retrying(`registering the namespace ${namespace}`, async () => {
      try {
        await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
        log(`namespace ${namespace} registered`);
      } catch (error) {
        if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
      }
    });
    const existing = await retrying('listing search attributes', () => connection.operatorService.listSearchAttributes({ namespace }));
    const missing = SEARCH_ATTRIBUTE_KEYS.filter((key) => !existing.customAttributes?.[key.name]);
    if (missing.length) {
      await retrying('adding search attributes', () =>
        connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(missing.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
        }),
      );
      log(`search attributes ${missing.map((k) => k.name).join(', ')} added`);
    }
    // Every service learns of a new namespace on its next refresh: wait until the frontend serves it.
    await retrying(`the namespace ${namespace} to be served`, () => connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }));
  } finally {
    await connection.close();
  }
}
