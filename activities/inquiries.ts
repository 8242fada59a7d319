// Inquiries to other agencies; the answer is kept on the request as evidence.
import { ApplicationFailure } from '@temporalio/common';
import type { InquiryClient } from '../adapters/agencies';
import { PermanentError } from '../adapters/http';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';

export interface InquiryRequest {
  requestId: number;
  stepId: string;
  agency: string;
  operation: string;
  input: Record<string, string>;
}

export function createInquiryActivities(db: Db, client: InquiryClient, metrics?: Metrics) {
  const store = (req: InquiryRequest, outcome: 'ok' | 'failed', fields: { response?: unknown; error?: string; ms: number }) =>
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
      })
      .onConflict(['request_id', 'step_id'])
      .merge();

  return {
    async runInquiry(req: InquiryRequest): Promise<Record<string, unknown>> {
      const started = Date.now();
      try {
        let result: Record<string, unknown>;
        try {
          result = await client.inquire(req.agency, req.operation, req.input);
        } finally {
          metrics?.inquiryDuration.observe({ agency: req.agency }, (Date.now() - started) / 1000);
        }
        await store(req, 'ok', { response: result, ms: Date.now() - started });
        return result;
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
