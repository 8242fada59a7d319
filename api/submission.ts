// Turning a checked draft into a request: one row and one workflow, or neither.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';
import { addWorkingDays } from '../lib/jalali';
import { workingCalendar, type WorkingCalendar } from './calendar';
import { workflowIdFor } from '../lib/temporal';
import { newTrackingCode } from '../lib/tracking-code';
import { ServiceIdKey, StatusKey, TrackingCodeKey } from '../workflows/search-attributes';
import { applicantOf } from '../workflows/service-facts';
import type { RequestInput, ServiceSnapshot } from '../workflows/types';

export interface Submission {
  citizenId: number;
  mobile: string;
  service: ServiceSnapshot;
  answers: Record<string, string>;
  /** The draft this submission consumes: a second submission of the same draft (a double click) finds it gone. */
  draftId?: number;
  /** The counter clerk who registered it for a walk-in citizen; absent for a request made online. */
  clerk?: { id: number; username: string };
}

/** The draft was already turned into a request by an earlier click. */
export class DraftAlreadySubmitted extends Error {
  constructor() {
    super('the draft was already submitted');
  }
}

/** Whether Temporal has the workflow, after a start whose answer was lost: true, false, or null when it cannot say. */
async function workflowExists(temporal: Client, workflowId: string): Promise<boolean | null> {
  try {
    await temporal.workflow.getHandle(workflowId).describe();
    return true;
  } catch (error) {
    return error instanceof WorkflowNotFoundError ? false : null;
  }
}

export function slaDueDate(service: ServiceSnapshot['definition'], from: Date, calendar: WorkingCalendar): Date {
  if (service.sla.durationSeconds) return new Date(from.getTime() + service.sla.durationSeconds * 1000);
  return addWorkingDays(from, service.sla.workingDays, calendar.holidays, calendar.weekend);
}

function startRequestWorkflow(temporal: Client, config: Config, input: RequestInput) {
  return temporal.workflow.start('serviceRequest', {
    workflowId: workflowIdFor(input.trackingCode),
    taskQueue: config.temporal.taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: TrackingCodeKey, value: input.trackingCode },
      { key: ServiceIdKey, value: input.service.definition.id },
      { key: StatusKey, value: 'submitted' },
    ],
  });
}

/**
 * A request whose row was committed but whose workflow never started — the process that took the submission
 * died between the two — gets its workflow now, from what the row holds (the input the submission would
 * have sent). Starting is keyed by the workflow id, so a start still in flight elsewhere makes no second one.
 * Says whether it started the workflow now; throws when Temporal cannot say whether it exists.
 */
export async function resumeSubmission(db: Db, temporal: Client, config: Config, trackingCode: string): Promise<'started' | 'running' | 'not-waiting'> {
  const row = await db('requests').where({ tracking_code: trackingCode }).first();
  if (!row || row.status !== 'submitted') return 'not-waiting';
  const exists = await workflowExists(temporal, workflowIdFor(trackingCode));
  if (exists) return 'running';
  if (exists === null) throw new Error(`cannot tell whether the workflow of ${trackingCode} exists`);
  const version = await db('service_versions').where({ service_id: row.service_id, version: row.service_version }).first('definition');
  const answers = row.answers as Record<string, string>;
  try {
    await startRequestWorkflow(temporal, config, {
      requestId: row.id,
      trackingCode,
      mobile: row.mobile,
      service: { version: row.service_version, definition: version.definition },
      answers,
      applicantName: answers.full_name ?? '',
      secretariatDepartmentId: row.department_id,
      slaStartedAt: new Date(row.created_at).toISOString(),
      slaDueAt: new Date(row.sla_due_at).toISOString(),
      publicUrl: config.publicUrl,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return 'running';
  }
  return 'started';
}

const ABANDONED_AFTER_MS = 60_000;
const ABANDONED_WITHIN_MS = 24 * 3600_000;

/**
 * The requests of the last day still `submitted` a minute after they were saved, whose citizen did not send
 * them again: their workflows are started (a web replica does this as it starts, after a crash). Returns the
 * tracking codes it started. Reads through requests_created_idx.
 */
export async function resumeAbandonedSubmissions(db: Db, temporal: Client, config: Config): Promise<string[]> {
  const now = Date.now();
  const codes: string[] = await db('requests')
    .where('created_at', '>', new Date(now - ABANDONED_WITHIN_MS))
    .where('created_at', '<', new Date(now - ABANDONED_AFTER_MS))
    .where({ status: 'submitted' })
    .orderBy('created_at')
    .limit(500)
    .pluck('tracking_code');
  const started: string[] = [];
  for (const code of codes) if ((await resumeSubmission(db, temporal, config, code)) === 'started') started.push(code);
  return started;
}

export function createSubmitter(db: Db, temporal: Client, config: Config, metrics?: Metrics) {

  return async function submitRequest(submission: Submission): Promise<{ trackingCode: string; requestId: number }> {
    const secretariat = await db('departments').where({ is_secretariat: true }).orderBy('id').first();
    if (!secretariat) throw new Error('no secretariat department is configured');
    const now = new Date();
    // The holidays table as it stands now: a day an admin added or moved counts from the next request on.
    const due = slaDueDate(submission.service.definition, now, await workingCalendar(db, config, now));
    const applicant = applicantOf(submission.service.definition, submission.answers);
    for (let attempt = 0; ; attempt++) {
      const trackingCode = newTrackingCode();
      try {
        // The row is committed before the workflow starts, so the workflow's first write always finds it.
        let draft: { id: number; answers: unknown; updated_at: Date } | undefined;
        const requestId = await db.transaction(async (trx) => {
          if (submission.draftId !== undefined) {
            // Taken in the same transaction as the request row: a concurrent second click waits here, then finds nothing.
            [draft] = await trx('drafts').where({ id: submission.draftId, citizen_id: submission.citizenId }).del().returning(['id', 'answers', 'updated_at']);
            if (!draft) throw new DraftAlreadySubmitted();
          }
          const [row] = await trx('requests')
            .insert({
              tracking_code: trackingCode,
              service_id: submission.service.definition.id,
              service_version: submission.service.version,
              citizen_id: submission.citizenId,
              mobile: submission.mobile,
              status: 'submitted',
              department_id: secretariat.id,
              answers: JSON.stringify(submission.answers),
              applicant_name: applicant.name || null,
              sla_due_at: due,
              created_at: now,
              channel: submission.clerk ? 'counter' : 'online',
              registered_by: submission.clerk?.id ?? null,
            })
            .returning('id');
          // Files uploaded with the draft become the request's.
          await trx('documents')
            .whereNull('request_id')
            .where({ citizen_id: submission.citizenId, service_id: submission.service.definition.id })
            .update({ request_id: row.id });
          return row.id as number;
        });
        const input: RequestInput = {
          requestId,
          trackingCode,
          mobile: submission.mobile,
          service: submission.service,
          answers: submission.answers,
          applicantName: applicant.name,
          secretariatDepartmentId: secretariat.id,
          slaStartedAt: now.toISOString(),
          slaDueAt: due.toISOString(),
          publicUrl: config.publicUrl,
          ...(submission.clerk ? { registeredBy: `staff:${submission.clerk.id}` } : {}),
        };
        try {
          await startRequestWorkflow(temporal, config, input);
        } catch (error) {
          // A start whose answer was lost may still have started the workflow: then the request stands.
          const started = error instanceof WorkflowExecutionAlreadyStartedError || (await workflowExists(temporal, workflowIdFor(trackingCode)));
          if (!started) {
            // Temporal refused (or cannot say; a workflow that did start then finds no row and fails at once, see recordStatus):
            // undo the row and give the draft back, so the citizen can send it again.
            await db.transaction(async (trx) => {
              await trx('documents').where({ request_id: requestId }).update({ request_id: null });
              await trx('requests').where({ id: requestId }).delete();
              if (draft) await trx('drafts').insert({ ...draft, answers: JSON.stringify(draft.answers), citizen_id: submission.citizenId, service_id: submission.service.definition.id }).onConflict(['citizen_id', 'service_id']).ignore();
            });
            throw error;
          }
        }
        if (submission.draftId === undefined) await db('drafts').where({ citizen_id: submission.citizenId, service_id: submission.service.definition.id }).delete();
        const submitted = { trackingCode, requestId };
        metrics?.requestsSubmitted.inc({ service: submission.service.definition.id });
        return submitted;
      } catch (error) {
        const duplicate = (error as { code?: string }).code === '23505' && /tracking_code/.test(String((error as Error).message));
        if (!duplicate || attempt >= 3) throw error;
      }
    }
  };
}

export type SubmitRequest = ReturnType<typeof createSubmitter>;
