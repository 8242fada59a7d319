// Retention: a request closed long enough ago keeps its facts (service, statuses, dates, SLA, survey)
// and loses what identifies the citizen — answers, name, mobile, documents, SMS texts, inquiry answers.
import { ApplicationFailure } from '@temporalio/common';
import type { DocumentStore } from '../adapters/documents';
import type { Db } from '../lib/db';

/** What stays in the not-null mobile column once the number is gone. */
export const REMOVED_MOBILE = '00000000000';
const MAX_BATCH = 1000;

export interface RetentionBatch {
  /** Requests closed before this moment (ISO) lose their personal data. */
  closedBefore: string;
  /** Keyset: the last request of the previous batch. */
  after?: { closedAt: string; id: number } | null;
  limit?: number;
}

export interface RetentionProgress {
  requests: number;
  documents: number;
  after: { closedAt: string; id: number } | null;
}

export interface Housekeeping {
  /** Sessions that expired before this moment are deleted. */
  sessionsExpiredBefore: string;
  /** Login codes (and the SMS that carried them) older than this are deleted. */
  loginCodesBefore: string;
  /** Drafts untouched since this moment are deleted with their files. */
  draftsBefore: string;
}

export function createRetentionActivities(db: Db, store?: DocumentStore) {
  let documentsTable: Promise<boolean> | null = null;
  const hasDocuments = () => (documentsTable ??= db.schema.hasTable('documents'));

  return {
    /** What only ever grows unless someone removes it: expired sessions, old login codes, abandoned drafts. */
    async removeStaleRecords(input: Housekeeping): Promise<{ sessions: number; loginCodes: number; drafts: number; documents: number }> {
      const sessions = await db('sessions').where('expires_at', '<', input.sessionsExpiredBefore).delete();
      const loginCodes = await db('otp_codes').where('created_at', '<', input.loginCodesBefore).delete();
      await db('sms_outbox').whereNull('request_id').where('purpose', 'login_code').where('created_at', '<', input.loginCodesBefore).delete();
      let drafts = 0;
      let documents = 0;
      for (;;) {
        const stale: { id: number; citizen_id: number; service_id: string }[] = await db('drafts')
          .where('updated_at', '<', input.draftsBefore)
          .orderBy('id')
          .limit(200)
          .select('id', 'citizen_id', 'service_id');
        if (!stale.length) break;
        if (await hasDocuments()) {
          for (const draft of stale) {
            const files = await db('documents').whereNull('request_id').where({ citizen_id: draft.citizen_id, service_id: draft.service_id });
            if (files.length && !store) throw ApplicationFailure.nonRetryable('draft documents to remove but no document store is configured', 'NoDocumentStore');
            for (const file of files) await store!.delete(file.storage_key);
            await db('documents').whereIn('id', files.map((f: { id: number }) => f.id)).delete();
            documents += files.length;
          }
        }
        drafts += await db('drafts').whereIn('id', stale.map((d) => d.id)).delete();
      }
      return { sessions, loginCodes, drafts, documents };
    },

    /** One short batch; the workflow calls it until `after` comes back null. */
    async removePersonalData(batch: RetentionBatch): Promise<RetentionProgress> {
      const limit = Math.min(Math.max(batch.limit ?? 500, 1), MAX_BATCH);
      const rows: { id: number; closed_at: Date }[] = await db('requests')
        .whereNotNull('closed_at')
        .whereNull('personal_data_removed_at')
        .where('closed_at', '<', batch.closedBefore)
        .modify((q) => {
          if (batch.after) q.whereRaw('(closed_at, id) > (?::timestamptz, ?)', [batch.after.closedAt, batch.after.id]);
        })
        .orderBy([{ column: 'closed_at' }, { column: 'id' }])
        .limit(limit)
        .select('id', 'closed_at');
      if (!rows.length) return { requests: 0, documents: 0, after: null };
      const ids = rows.map((r) => r.id);

      let documents = 0;
      if (await hasDocuments()) {
        const files: { storage_key: string }[] = await db('documents').whereIn('request_id', ids).select('storage_key');
        if (files.length && !store) throw ApplicationFailure.nonRetryable('documents to remove but no document store is configured', 'NoDocumentStore');
        // The bytes go first: a crash here leaves rows whose file is already gone, never a file nobody can find.
        for (const file of files) await store!.delete(file.storage_key);
        documents = files.length;
      }

      await db.transaction(async (trx) => {
        if (await hasDocuments()) await trx('documents').whereIn('request_id', ids).delete();
        await trx('requests')
          .whereIn('id', ids)
          .update({ answers: '{}', applicant_name: '', mobile: REMOVED_MOBILE, personal_data_removed_at: trx.fn.now() });
        await trx('sms_outbox').whereIn('request_id', ids).update({ body: '', mobile: '' });
        await trx('inquiries').whereIn('request_id', ids).update({ response: null });
      });

      const last = rows[rows.length - 1];
      return {
        requests: rows.length,
        documents,
        after: rows.length === limit ? { closedAt: new Date(last.closed_at).toISOString(), id: last.id } : null,
      };
    },
  };
}
