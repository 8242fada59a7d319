// The bare engine, for comparison: a workflow that runs the same number of activities as one request, each
// doing nothing, as regular activities or as local ones. Bundled and run by bench/engine.ts only.
import * as wf from '@temporalio/workflow';

interface Nothing {
  nothing(): Promise<void>;
}

const regular = wf.proxyActivities<Nothing>({ startToCloseTimeout: '30 seconds' });
const local = wf.proxyLocalActivities<Nothing>({ startToCloseTimeout: '30 seconds' });

export async function engineBaseline(activities: number, useLocal: boolean): Promise<void> {
  for (let i = 0; i < activities; i++) await (useLocal ? local : regular).nothing();
}
