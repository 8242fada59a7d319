// The documents a request issues: rendered once (PDF when an engine is configured), fingerprinted, verifiable by anyone with its link.
import { createHash, randomBytes } from 'node:crypto';
import type { PdfEngine } from '../adapters/pdf';
import type { Db } from '../lib/db';
import { hasKey, translate, type Locale } from '../lib/i18n';
import { renderText } from '../lib/text-template';
import { renderDeliverable, type Letterhead } from './deliverable-document';
import { registerOutgoingLetter } from './letters';

export interface DeliverableRequest {
  requestId: number;
  kind: string;
  /** The deliver step; requests started before it was passed use their kind. */
  stepId?: string;
  /** The title the service gives the document in its language; absent: the kind's own, else the step's title. */
  title?: string;
  stepTitle?: string;
  locale?: Locale;
  bodyTemplate: string;
  vars: Record<string, unknown>;
  /** Where the verification page lives; requests started before it was passed derive it from their tracking link. */
  publicUrl?: string;
}

export interface DeliverableDeps {
  /** Prints the document to PDF; absent: the document is HTML, and says so. */
  pdf?: PdfEngine | null;
  letterhead: Letterhead;
}

export function createDeliverableActivities(db: Db, deps: DeliverableDeps) {
  return {
    async issueDeliverable(input: DeliverableRequest): Promise<{ verificationToken: string }> {
      const stepId = input.stepId ?? input.kind;
      const mine = () => db('deliverables').where({ request_id: input.requestId }).whereRaw(`coalesce(step_id, '') = ?`, [input.stepId ? stepId : '']);
      const existing = await mine().first();
      if (existing) return { verificationToken: existing.verification_token };
      const locale: Locale = input.locale ?? 'fa';
      const text = renderText(input.bodyTemplate, input.vars);
      const verificationToken = randomBytes(16).toString('hex');
      const issuedAt = new Date();
      const publicUrl = input.publicUrl ?? String(input.vars.link ?? '').replace(/\/track\/[^/]*$/, '');
      // The document leaves as an outgoing letter: its number and date are printed on it.
      const letter = await registerOutgoingLetter(db, {
        requestId: input.requestId,
        stepId,
        subject: String(input.vars.serviceTitle ?? ''),
        recipient: String(input.vars.applicantName ?? ''),
        registeredBy: 'system',
      });
      const kindTitle = `documents.deliverable.kind.${input.kind}`;
      const title = input.title ?? (hasKey(locale, kindTitle) ? translate(locale, kindTitle) : (input.stepTitle ?? input.kind));
      const html = await renderDeliverable(
        {
          kind: input.kind,
          title,
          locale,
          serviceTitle: String(input.vars.serviceTitle ?? ''),
          applicantName: String(input.vars.applicantName ?? ''),
          trackingCode: String(input.vars.trackingCode ?? ''),
          letterNumber: String(input.vars.letterNumber ?? ''),
          outgoingNumber: letter.number,
          outgoingDate: letter.registeredAt,
          text,
          issuedAt,
          verifyUrl: `${publicUrl}/verify/${verificationToken}`,
        },
        deps.letterhead,
        { fallback: !deps.pdf },
      );
      // The stored file is exactly the bytes served for download, so its fingerprint verifies the downloaded file.
      const file = deps.pdf ? await deps.pdf.print(html) : Buffer.from(html, 'utf8');
      await db('deliverables')
        .insert({
          request_id: input.requestId,
          step_id: input.stepId ? stepId : null,
          kind: input.kind.slice(0, 64),
          title: title.slice(0, 200),
          letter_id: letter.id,
          verification_token: verificationToken,
          // The HTML a PDF was printed from is not kept: the PDF is the document.
          body: deps.pdf ? '' : html,
          mime: deps.pdf ? 'application/pdf' : 'text/html',
          file: deps.pdf ? file : null,
          text,
          sha256: createHash('sha256').update(file).digest('hex'),
          issued_at: issuedAt,
        })
        // A retry that lost the race to an earlier attempt keeps the first document (unique per request and step).
        .onConflict()
        .ignore();
      const row = await mine().first();
      return { verificationToken: row.verification_token };
    },
  };
}
