// The result a citizen downloads: rendered once, fingerprinted, verifiable by anyone with its link.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../lib/db';
import { renderText } from '../lib/text-template';

export interface DeliverableRequest {
  requestId: number;
  kind: 'certificate' | 'reply-letter';
  bodyTemplate: string;
  vars: Record<string, unknown>;
}

export function createDeliverableActivities(db: Db) {
  return {
    async issueDeliverable(input: DeliverableRequest): Promise<{ verificationToken: string }> {
      const existing = await db('deliverables').where({ request_id: input.requestId }).first();
      if (existing) return { verificationToken: existing.verification_token };
      const body = renderText(input.bodyTemplate, input.vars);
      const verificationToken = randomBytes(16).toString('hex');
      await db('deliverables')
        .insert({
          request_id: input.requestId,
          kind: input.kind,
          verification_token: verificationToken,
          body,
          sha256: createHash('sha256').update(body).digest('hex'),
        })
        .onConflict('request_id')
        .ignore();
      const row = await db('deliverables').where({ request_id: input.requestId }).first();
      return { verificationToken: row.verification_token };
    },
  };
}
