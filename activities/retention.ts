// Retention: a request closed long enough ago keeps its facts (service, statuses, dates, SLA, survey rating,
// letter number, who did what when) and loses what identifies the citizen or was written about them:
// answers, name, mobile, documents, SMS texts, inquiry answers, reasons and notes, the letter's sender and
// subject, the issued document's text, and the personal text of audit entries.
import { ApplicationFailure } from '@temporalio/common';
import type { DocumentStore } from '../adapters/documents';
import type { Db } from '../lib/db';

/** What stays in the not-null mobile column once the number is gone. */
export const REMOVED_MOBILE = '00000000000';
/** What stays in a letter's not-null sender and subject. */
export const REMOVED_TEXT = '—';
/**
 * Audit details that name no citizen and quote nothing they or staff wrote: ids, statuses, flags, staff
 * usernames. Every other key of an entry about a swept request is dropped (see docs/operating.md).
 */
export const AUDIT_KEYS_KEPT = [
  'kind', 'refusal', 'forwardTo', 'resultStatus', 'reasonGiven', 'event', 'length', 'previous', 'assignee', 'client', 'status', 'decision',
  'duplicate', 'documentId', 'inline', 'letter', 'to', 'outcome',
];
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

/**
 * The one sanctioned change to the append-only audit history (the trigger allows it only inside a transaction
 * that sets pishkhan.audit_redaction): entries about these requests keep who, what, when, from where and the
 * references, and lose any other text. The sweep's own entry records that it happened.
 */
async function redactAudit(trx: Db, requestIds: number[]): Promise<void> {
  await trx.raw("select set_config('pishkhan.audit_redaction', 'on', true)");
  const redacted = await trx('audit_log')
    .whereIn('request_id', requestIds)
    .whereNotNull('details')
    .whereRaw("case when jsonb_typeof(details) = 'object' then exists (select 1 from jsonb_object_keys(details) as k where k <> all(?::text[])) else true end", [AUDIT_KEYS_KEPT])
    .update({
      details: trx.raw(
        "case when jsonb_typeof(details) = 'object' then (select coalesce(jsonb_object_agg(k, v), '{}'::jsonb) from jsonb_each(details) as e(k, v) where k = any(?::text[])) else '{}'::jsonb end || '{\"redacted\": true}'::jsonb",
        [AUDIT_KEYS_KEPT],
      ),
    });
  await trx.raw("select set_config('pishkhan.audit_redaction', 'off', true)");
  await trx('audit_log').insert({ action: 'personal_data_removed', details: JSON.stringify({ requests: requestIds.length, auditEntriesRedacted: redacted }) });
}

/** A citizen none of whose requests keeps personal data, with no draft and no live session, loses their number (and the national code the counter kept). */
async function forgetCitizens(trx: Db, requestIds: number[]): Promise<void> {
  await trx.raw(
    `update citizens c set mobile = 'x' || lpad(c.id::text, 10, '0'), national_code = null
      where c.id in (select citizen_id from requests where id = any(?::bigint[]))
        and c.mobile not like 'x%'
        and not exists (select 1 from requests r where r.citizen_id = c.id and r.personal_data_removed_at is null)
        and not exists (select 1 from drafts d where d.citizen_id = c.id)
        and not exists (select 1 from sessions s where s.citizen_id = c.id and s.expires_at > now())`,
    [requestIds],
  );
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
          .update({ answers: '{}', applicant_name: '', mobile: REMOVED_MOBILE, decision_reason: null, personal_data_removed_at: trx.fn.now() });
        await trx('request_events').whereIn('request_id', ids).update({ note: null });
        await trx('sms_outbox').whereIn('request_id', ids).update({ body: '', mobile: '' });
        await trx('inquiries').whereIn('request_id', ids).update({ response: null, error: null, checks: null });
        await trx('letters').whereIn('request_id', ids).update({ sender: REMOVED_TEXT, subject: REMOVED_TEXT });
        await trx('letter_referrals').whereIn('letter_id', trx('letters').whereIn('request_id', ids).select('id')).update({ note: null });
        await trx('deliverables').whereIn('request_id', ids).update({ body: '', text: null, file: null });
        await trx('surveys').whereIn('request_id', ids).update({ comment: null });
        await redactAudit(trx, ids);
        await forgetCitizens(trx, ids);
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
