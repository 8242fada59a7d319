// The issued document as the citizen downloads it: one complete HTML page, rendered once, never again.
import fs from 'node:fs';
import path from 'node:path';
import type Handlebars from 'handlebars';
import { createHandlebars } from '../lib/handlebars';

const TEMPLATE = path.resolve(__dirname, '..', 'views', 'documents', 'deliverable.hbs');
let compiled: Handlebars.TemplateDelegate | null = null;

export interface DeliverableContent {
  kind: 'certificate' | 'reply-letter';
  serviceTitle: string;
  applicantName: string;
  trackingCode: string;
  letterNumber: string;
  text: string;
  issuedAt: Date;
  verifyUrl: string;
}

export function renderDeliverable(content: DeliverableContent): string {
  compiled ??= createHandlebars().compile(fs.readFileSync(TEMPLATE, 'utf8'));
  return compiled({ ...content, locale: 'fa', dir: 'rtl' });
}
