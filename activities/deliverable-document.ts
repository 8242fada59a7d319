// The issued document as the citizen downloads it: one complete HTML page, rendered once, never again.
import fs from 'node:fs';
import path from 'node:path';
import type Handlebars from 'handlebars';
import { toPersianDigitsInHtml } from '../lib/persian';
import { createHandlebars } from '../lib/handlebars';

const TEMPLATE = path.resolve(__dirname, '..', 'views', 'documents', 'deliverable.hbs');
let compiled: Handlebars.TemplateDelegate | null = null;

export interface DeliverableContent {
  kind: 'certificate' | 'reply-letter';
  serviceTitle: string;
  applicantName: string;
  trackingCode: string;
  letterNumber: string;
  /** the outgoing letter this document leaves as */
  outgoingNumber: string;
  outgoingDate: Date;
  text: string;
  issuedAt: Date;
  verifyUrl: string;
}

export function renderDeliverable(content: DeliverableContent): string {
  compiled ??= createHandlebars().compile(fs.readFileSync(TEMPLATE, 'utf8'));
  // A Persian document: every digit of its text Persian, the verification link as it must be typed.
  return toPersianDigitsInHtml(compiled({ ...content, locale: 'fa', dir: 'rtl' }));
}
