// The request's projection in PostgreSQL: status, where it waits, and one history row per change.
import type { Db } from '../lib/db';
import type { RequestStatus, ReviewRole } from '../workflows/types';

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

const CLOSING: RequestStatus[] = ['rejected', 'closed', 'cancelled', 'expired'];

export function createRequestActivities(db: Db) {
  return {
    /** Writes the new status and its history row in one transaction; a retry writes nothing twice. */
    async recordStatus(change: StatusChange): Promise<void> {
      await db.transaction(async (trx) => {
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
        if (!inserted.length) return;
        const update: Record<string, unknown> = {
          status: change.status,
          step_id: change.stepId ?? null,
          awaiting: change.awaiting ?? null,
          review_role: change.reviewRole ?? null,
          updated_at: trx.fn.now(),
        };
        if (change.departmentId !== undefined) update.department_id = change.departmentId;
        if (change.reason !== undefined) update.decision_reason = change.reason;
        if (change.slaDueAt !== undefined) update.sla_due_at = change.slaDueAt;
        if (CLOSING.includes(change.status)) update.closed_at = trx.fn.now();
        await trx('requests').where({ id: change.requestId }).update(update);
      });
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

    async markSla(input: { requestId: number; dedupeKey: string; state: 'warning' | 'breached'; note: string }): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('requests').where({ id: input.requestId }).update({ sla_state: input.state });
        await trx('request_events')
          .insert({
            request_id: input.requestId,
            kind: input.state === 'warning' ? 'sla_reminder' : 'sla_escalated',
            actor: 'system',
            note: input.note,
            dedupe_key: input.dedupeKey,
          })
          .onConflict('dedupe_key')
          .ignore();
      });
    },

    async updateSlaDue(input: { requestId: number; slaDueAt: string }): Promise<void> {
      await db('requests').where({ id: input.requestId }).update({ sla_due_at: input.slaDueAt });
    },
  };
}
