// The request's projection in PostgreSQL: status, where it waits, and one history row per change.
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';
import { isClosingStatus } from '../workflows/statuses';
import type { RequestStatus, ReviewRole } from '../workflows/types';
import { dispatchWebhookEvents, queueWebhookEvents } from './webhooks';

export interface StatusChange {
  requestId: number;
  dedupeKey: string;
  status: RequestStatus;
  kind?: string;
  stepId?: string | null;
  awaiting?: string | null;
  reviewRole?: ReviewRole | null;
  departmentId?: number | null;
  reason?: string | null;
  actor?: string;
  note?: string | null;
  data?: Record<string, unknown>;
  slaDueAt?: string | null;
}

export interface RequestEvent {
  requestId: number;
  dedupeKey: string;
  kind: string;
  actor?: string;
  note?: string | null;
  data?: Record<string, unknown>;
}

/** Who answers for an overdue request: the department's designated supervisor, else its staff with the supervisor role. */
async function supervisorsOf(db: Db, departmentId: number | null | undefined): Promise<string[]> {
  if (!departmentId) return [];
  const designated = await db('departments as d').join('staff as s', 's.id', 'd.supervisor_staff_id').where({ 'd.id': departmentId, 's.active': true }).pluck('s.username');
  if (designated.length) return designated;
  return db('staff as s')
    .join('staff_departments as sd', 'sd.staff_id', 's.id')
    .where({ 'sd.department_id': departmentId, 's.role': 'supervisor', 's.active': true })
    .orderBy('s.username')
    .pluck('s.username');
}

export function createRequestActivities(db: Db, metrics?: Metrics) {
  return {
    /**
     * Writes the new status and its history row in one transaction; a retry writes nothing twice.
     * This is the only writer of `requests.department_id`: a move clears the assignee and carries the letter along.
     */
    async recordStatus(change: StatusChange): Promise<void> {
      let webhookEvents = 0;
      const recorded = await db.transaction(async (trx) => {
        const previous = await trx('requests').where({ id: change.requestId }).first('status', 'department_id');
        // The row was taken back (a start Temporal's answer never reached): nothing to record, ever.
        if (!previous) throw ApplicationFailure.nonRetryable(`request ${change.requestId} does not exist`, 'RequestGone');
        const inserted = await trx('request_events')
          .insert({
            request_id: change.requestId,
            kind: change.kind ?? 'status',
            status: change.status,
            actor: change.actor ?? 'system',
            note: change.note ?? change.reason ?? null,
            data: change.data ? JSON.stringify(change.data) : null,
            dedupe_key: change.dedupeKey,
          })
          .onConflict('dedupe_key')
          .ignore()
          .returning('id');
        if (!inserted.length) return false;
        const update: Record<string, unknown> = {
          status: change.status,
          step_id: change.stepId ?? null,
          awaiting: change.awaiting ?? null,
          review_role: change.reviewRole ?? null,
          updated_at: trx.fn.now(),
        };
        const moved = change.departmentId !== undefined && change.departmentId !== previous?.department_id;
        if (change.departmentId !== undefined) update.department_id = change.departmentId;
        // A request that moves to another department leaves its assignee behind, and its letter goes with it.
        if (moved) update.assigned_to = null;
        if (moved && change.departmentId !== null) await trx('letters').where({ request_id: change.requestId, direction: 'incoming' }).update({ department_id: change.departmentId });
        if (change.reason !== undefined) update.decision_reason = change.reason;
        if (change.slaDueAt !== undefined) update.sla_due_at = change.slaDueAt;
        if (isClosingStatus(change.status)) update.closed_at = trx.fn.now();
        await trx('requests').where({ id: change.requestId }).update(update);
        webhookEvents = await queueWebhookEvents(trx, change, previous?.status);
        return true;
      });
      if (recorded) metrics?.statusTransitions.inc({ status: change.status });
      // A retry (nothing recorded this time) may still owe the start of its webhook deliveries.
      if (webhookEvents || !recorded) await dispatchWebhookEvents(db, change.dedupeKey);
    },

    /** A history row that does not change the status (reminders, forwards, inquiry failures). */
    async recordEvent(event: RequestEvent): Promise<void> {
      await db('request_events')
        .insert({
          request_id: event.requestId,
          kind: event.kind,
          actor: event.actor ?? 'system',
          note: event.note ?? null,
          data: event.data ? JSON.stringify(event.data) : null,
          dedupe_key: event.dedupeKey,
        })
        .onConflict('dedupe_key')
        .ignore();
    },

    /** The reminder (warning) or the escalation (breached); the event names the department whose supervisor answers for it. */
    async markSla(input: { requestId: number; dedupeKey: string; state: 'warning' | 'breached'; status?: string; departmentId?: number | null; note?: string }): Promise<void> {
      const supervisors = input.state === 'breached' ? await supervisorsOf(db, input.departmentId) : undefined;
      const recorded = await db.transaction(async (trx) => {
        await trx('requests').where({ id: input.requestId }).update({ sla_state: input.state });
        const inserted = await trx('request_events')
          .insert({
            request_id: input.requestId,
            kind: input.state === 'warning' ? 'sla_reminder' : 'sla_escalated',
            actor: 'system',
            note: input.note ?? null,
            data: JSON.stringify({ status: input.status, departmentId: input.departmentId, supervisors }),
            dedupe_key: input.dedupeKey,
          })
          .onConflict('dedupe_key')
          .ignore()
          .returning('id');
        return inserted.length > 0;
      });
      if (recorded && input.state === 'breached') metrics?.slaBreaches.inc();
    },

    async updateSlaDue(input: { requestId: number; slaDueAt: string }): Promise<void> {
      await db('requests').where({ id: input.requestId }).update({ sla_due_at: input.slaDueAt });
    },
  };
}
