// Reading a request's projection for pages: the row, its history, its SMS, its evidence.
import type { Db } from '../lib/db';
import { isWellFormedTrackingCode } from '../lib/tracking-code';

export interface RequestRow {
  id: number;
  tracking_code: string;
  service_id: string;
  service_version: number;
  citizen_id: number;
  mobile: string;
  status: string;
  step_id: string | null;
  awaiting: string | null;
  review_role: string | null;
  department_id: number | null;
  answers: Record<string, string>;
  applicant_name: string | null;
  letter_number: string | null;
  decision_reason: string | null;
  sla_due_at: Date | null;
  sla_state: string;
  created_at: Date;
  updated_at: Date;
  /** set when the request ended (a closing status) */
  closed_at: Date | null;
  /** set by the retention sweep once answers, name and mobile are gone */
  personal_data_removed_at?: Date | null;
  /** `online`, or `counter` when a clerk registered it for a walk-in citizen (`registered_by`) */
  channel?: 'online' | 'counter';
  registered_by?: number | null;
}

export async function findRequest(db: Db, trackingCode: string): Promise<RequestRow | null> {
  if (!isWellFormedTrackingCode(trackingCode)) return null;
  return (await db('requests').where({ tracking_code: trackingCode }).first()) ?? null;
}

export async function requestHistory(db: Db, requestId: number) {
  return db('request_events').where({ request_id: requestId }).orderBy('id').select('kind', 'status', 'actor', 'note', 'data', 'created_at');
}

export async function serviceSnapshot(db: Db, request: RequestRow) {
  const row = await db('service_versions').where({ service_id: request.service_id, version: request.service_version }).first('definition');
  return row?.definition as import('../workflows/types').ServiceDefinition;
}

/** The history as the citizen reads it: staff names stay inside the organisation. */
export function citizenTimeline(events: Awaited<ReturnType<typeof requestHistory>>) {
  const shown = new Set(['status', 'submitted', 'approved_step', 'letter_registered', 'forwarded', 'resubmitted', 'paid', 'citizen_reply', 'survey_opened']);
  return events
    .filter((e) => shown.has(e.kind))
    .map((e) => ({ kind: e.kind, status: e.status, note: e.kind === 'forwarded' ? null : e.note, data: e.data, at: e.created_at }));
}
