// The daily retention sweep: batch after batch of closed requests lose their personal data.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RetentionProgress } from '../activities/retention';

const sweep = wf.proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

const DAY_MS = 24 * 60 * 60 * 1000;
/** A draft nobody touched for this long is abandoned; its files go with it. */
export const DRAFT_DAYS = 30;

// A long backlog continues as a new run so the history stays small.
const BATCHES_PER_RUN = 200;

export interface RetentionInput {
  /** Keep personal data this many months after closing (the schedule passes RETENTION_MONTHS). */
  months?: number;
  /** Or an explicit moment: requests closed before it are swept. */
  closedBefore?: string;
  batchSize?: number;
  after?: RetentionProgress['after'];
  totals?: { requests: number; documents: number };
}

export function monthsBefore(now: Date, months: number): string {
  const at = new Date(now.getTime());
  at.setUTCMonth(at.getUTCMonth() - months);
  return at.toISOString();
}

export async function retentionSweep(input: RetentionInput): Promise<{ requests: number; documents: number }> {
  if (!input.closedBefore && !(input.months && input.months > 0)) return { requests: 0, documents: 0 };
  const closedBefore = input.closedBefore ?? monthsBefore(new Date(), input.months!);
  if (!input.after) {
    const now = Date.now();
    await sweep.removeStaleRecords({
      sessionsExpiredBefore: new Date(now).toISOString(),
      loginCodesBefore: new Date(now - DAY_MS).toISOString(),
      draftsBefore: new Date(now - DRAFT_DAYS * DAY_MS).toISOString(),
    });
  }
  const totals = { ...(input.totals ?? { requests: 0, documents: 0 }) };
  let after = input.after ?? null;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
    const progress = await sweep.removePersonalData({ closedBefore, after, limit: input.batchSize });
    totals.requests += progress.requests;
    totals.documents += progress.documents;
    after = progress.after;
    if (!after) return totals;
  }
  return wf.continueAsNew<typeof retentionSweep>({ ...input, closedBefore, after, totals });
}
