// Inquiries to other agencies; the answer is kept on the request as evidence and judged against the form.
import { ApplicationFailure } from '@temporalio/common';
import type { InquiryClient } from '../adapters/agencies';
import { PermanentError } from '../adapters/http';
import type { Db } from '../lib/db';
import { checkAnswer, withFullName, type InquiryCheck } from '../lib/identity-match';
import type { Metrics } from '../lib/metrics';
import type { InquiryOutcome } from '../workflows/types';

export interface InquiryRequest {
  requestId: number;
  stepId: string;
  agency: string;
  operation: string;
  input: Record<string, string>;
  /** What the answer must say (resolved from the form by the workflow); absent: nothing is judged. */
  expected?: Record<string, { field: string | null; value: string | boolean }>;
}

export function createInquiryActivities(db: Db, client: InquiryClient, metrics?: Metrics) {
  const store = (req: InquiryRequest, outcome: 'ok' | 'failed', fields: { response?: unknown; error?: string; ms: number; verdict?: string | null; checks?: InquiryCheck[] }) =>
    db('inquiries')
      .insert({
        request_id: req.requestId,
        step_id: req.stepId,
        agency: req.agency,
        operation: req.operation,
        outcome,
        response: fields.response === undefined ? null : JSON.stringify(fields.response),
        error: fields.error ?? null,
        duration_ms: fields.ms,
        verdict: fields.verdict ?? null,
        checks: fields.checks ? JSON.stringify(fields.checks) : null,
      })
      .onConflict(['request_id', 'step_id'])
      .merge();

  return {
    async runInquiry(req: InquiryRequest): Promise<InquiryOutcome> {
      const started = Date.now();
      try {
        let result: Record<string, unknown>;
        try {
          result = await client.inquire(req.agency, req.operation, req.input);
        } finally {
          metrics?.inquiryDuration.observe({ agency: req.agency }, (Date.now() - started) / 1000);
        }
        const checks = req.expected && Object.keys(req.expected).length ? checkAnswer(result, req.expected) : null;
        const verdict = checks ? (checks.every((c) => c.match) ? 'match' : 'mismatch') : null;
        await store(req, 'ok', { response: result, ms: Date.now() - started, verdict, checks: checks ?? undefined });
        return { answer: withFullName(result), verdict, mismatched: checks?.filter((c) => !c.match).map((c) => c.key) ?? [] };
      } catch (error) {
        const message = (error as Error).message;
        metrics?.inquiryFailures.inc({ agency: req.agency });
        await store(req, 'failed', { error: message, ms: Date.now() - started });
        if (error instanceof PermanentError) throw ApplicationFailure.nonRetryable(message, 'InquiryRefused');
        throw error;
      }
    },
  };
}
