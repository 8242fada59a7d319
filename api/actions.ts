// Sending a person's action (a decision, a reply, a payment, a survey answer) to its request's workflow.
// The workflow takes it in its next workflow task; when the worker that had that task dies, the task is
// handed to another worker only after it times out, and one server call may give up waiting before then,
// or the server may be restarting. The action is sent again under the same update id — Temporal attaches
// the repeat to the first, so it is never applied twice — until it is taken or the page has waited long
// enough; then the page says the service is unavailable and to try again.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { workflowIdFor } from '../lib/temporal';
import { isOutage } from './errors';

/** How long a page waits for the workflow to take an action before telling the person to try again (below the proxy's 60 s). */
export const ACTION_WAIT_MS = 45_000;

export async function sendAction<Ret, Args extends unknown[]>(
  temporal: Client,
  trackingCode: string,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  options: { updateId?: string; waitMs?: number } = {},
): Promise<Ret> {
  const handle = temporal.workflow.getHandle(workflowIdFor(trackingCode));
  const updateId = options.updateId ?? randomUUID();
  const deadline = Date.now() + (options.waitMs ?? ACTION_WAIT_MS);
  for (let pause = 200; ; pause = Math.min(pause * 2, 2_000)) {
    try {
      // (The SDK types updates without and with arguments apart; this helper serves both.)
      return await temporal.withDeadline(deadline, () => handle.executeUpdate(update as unknown as UpdateDefinition<Ret, [unknown]>, { args: args as unknown as [unknown], updateId }));
    } catch (error) {
      if (!isOutage(error) || Date.now() + pause >= deadline - 1_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
