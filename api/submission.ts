// Turning a checked draft into a request: one row and one workflow, or neither.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import { addWorkingDays } from '../lib/jalali';
import { workflowIdFor } from '../lib/temporal';
import { newTrackingCode } from '../lib/tracking-code';
import type { RequestInput, ServiceSnapshot } from '../workflows/types';

const TrackingCodeKey = defineSearchAttributeKey('TrackingCode', SearchAttributeType.KEYWORD);
const ServiceIdKey = defineSearchAttributeKey('ServiceId', SearchAttributeType.KEYWORD);
const StatusKey = defineSearchAttributeKey('Status', SearchAttributeType.KEYWORD);

export interface Submission {
  citizenId: number;
  mobile: string;
  service: ServiceSnapshot;
  answers: Record<string, string>;
}

export function slaDueDate(service: ServiceSnapshot['definition'], from: Date, holidays: Set<string>): Date {
  if (service.sla.durationSeconds) return new Date(from.getTime() + service.sla.durationSeconds * 1000);
  return addWorkingDays(from, service.sla.workingDays, holidays);
}

export function createSubmitter(db: Db, temporal: Client, config: Config) {
  const holidays = new Set(config.holidays);

  return async function submitRequest(submission: Submission): Promise<{ trackingCode: string; requestId: number }> {
    const secretariat = await db('departments').where({ is_secretariat: true }).orderBy('id').first();
    if (!secretariat) throw new Error('no secretariat department is configured');
    const now = new Date();
    const due = slaDueDate(submission.service.definition, now, holidays);
    for (let attempt = 0; ; attempt++) {
      const trackingCode = newTrackingCode();
      try {
        return await db.transaction(async (trx) => {
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
              applicant_name: submission.answers.full_name ?? null,
              sla_due_at: due,
              created_at: now,
            })
            .returning('id');
          await trx('drafts').where({ citizen_id: submission.citizenId, service_id: submission.service.definition.id }).delete();
          const input: RequestInput = {
            requestId: row.id,
            trackingCode,
            mobile: submission.mobile,
            service: submission.service,
            answers: submission.answers,
            applicantName: submission.answers.full_name ?? '',
            secretariatDepartmentId: secretariat.id,
            slaStartedAt: now.toISOString(),
            slaDueAt: due.toISOString(),
            publicUrl: config.publicUrl,
          };
          // Started inside the transaction: if Temporal refuses, the row and the emptied draft roll back.
          await temporal.workflow.start('serviceRequest', {
            workflowId: workflowIdFor(trackingCode),
            taskQueue: config.temporal.taskQueue,
            args: [input],
            typedSearchAttributes: [
              { key: TrackingCodeKey, value: trackingCode },
              { key: ServiceIdKey, value: submission.service.definition.id },
              { key: StatusKey, value: 'submitted' },
            ],
          });
          return { trackingCode, requestId: row.id };
        });
      } catch (error) {
        const duplicate = (error as { code?: string }).code === '23505' && /tracking_code/.test(String((error as Error).message));
        if (!duplicate || attempt >= 3) throw error;
      }
    }
  };
}

export type SubmitRequest = ReturnType<typeof createSubmitter>;
