// The result a citizen downloads: rendered once, fingerprinted, verifiable by anyone with its link.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../lib/db';
import { renderText } from '../lib/text-template';
import { renderDeliverable } from './deliverable-document';
import { registerOutgoingLetter } from './letters';

export interface DeliverableRequest {
  requestId: number;
  kind: 'certificate' | 'reply-letter';
  /** The deliver step; requests started before it was passed use their kind. */
  stepId?: string;
  bodyTemplate: string;
  vars: Record<string, unknown>;
  /** Where the verification page lives; requests started before it was passed derive it from their tracking link. */
  publicUrl?: string;
}

export function createDeliverableActivities(db: Db) {
  return {
    async issueDeliverable(input: DeliverableRequest): Promise<{ verificationToken: string }> {
      const existing = await db('deliverables').where({ request_id: input.requestId }).first();
      if (existing) return { verificationToken: existing.verification_token };
      const text = renderText(input.bodyTemplate, input.vars);
      // The document leaves as an outgoing letter: its number and date are printed on it.
      const letter = await registerOutgoingLetter(db, {
        requestId: input.requestId,
        stepId: input.stepId ?? input.kind,
        subject: String(input.vars.serviceTitle ?? ''),
        recipient: String(input.vars.applicantName ?? ''),
        registeredBy: 'system',
      });
      const verificationToken = randomBytes(16).toString('hex');
      const issuedAt = new Date();
      const publicUrl = input.publicUrl ?? String(input.vars.link ?? '').replace(/\/track\/[^/]*$/, '');
      // The stored body is exactly the bytes served for download, so its fingerprint verifies the downloaded file.
      const body = renderDeliverable({
        kind: input.kind,
        serviceTitle: String(input.vars.serviceTitle ?? ''),
        applicantName: String(input.vars.applicantName ?? ''),
        trackingCode: String(input.vars.trackingCode ?? ''),
        letterNumber: String(input.vars.letterNumber ?? ''),
        outgoingNumber: letter.number,
        outgoingDate: letter.registeredAt,
        text,
        issuedAt,
        verifyUrl: `${publicUrl}/verify/${verificationToken}`,
      });
      await db('deliverables')
        .insert({
          request_id: input.requestId,
          kind: input.kind,
          letter_id: letter.id,
          verification_token: verificationToken,
          body,
          text,
          sha256: createHash('sha256').update(body, 'utf8').digest('hex'),
          issued_at: issuedAt,
        })
        .onConflict('request_id')
        .ignore();
      const row = await db('deliverables').where({ request_id: input.requestId }).first();
      return { verificationToken: row.verification_token };
    },
  };
}
