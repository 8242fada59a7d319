// The issued document: one self-contained HTML page (font, letterhead, QR code inline), printed to PDF when an engine is configured.
import fs from 'node:fs';
import path from 'node:path';
import type Handlebars from 'handlebars';
import QRCode from 'qrcode';
import { createHandlebars } from '../lib/handlebars';
import type { Locale } from '../lib/i18n';
import { projectRoot } from '../lib/paths';
import { toPersianDigitsInHtml } from '../lib/persian';

const TEMPLATE = path.join(projectRoot, 'views', 'documents', 'deliverable.hbs');
const FONTS = path.join(projectRoot, 'node_modules', 'vazirmatn', 'fonts', 'webfonts');
let compiled: Handlebars.TemplateDelegate | null = null;
let fontFaces: string | null = null;

export interface Letterhead {
  name: string;
  address: string;
  phone?: string;
  logoPath: string;
}

export interface DeliverableContent {
  kind: string;
  /** the title the service gives this document (certificate, permit, reply letter, ...) */
  title: string;
  locale: Locale;
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

/** Vazirmatn, inline: the page needs nothing from outside to be printed. */
function vazirmatn(): string {
  fontFaces ??= [
    [400, 'Vazirmatn-Regular.woff2'],
    [700, 'Vazirmatn-Bold.woff2'],
  ]
    .map(([weight, file]) => `@font-face { font-family: Vazirmatn; font-weight: ${weight}; src: url(data:font/woff2;base64,${fs.readFileSync(path.join(FONTS, String(file))).toString('base64')}) format('woff2'); }`)
    .join('\n');
  return fontFaces;
}

const logos = new Map<string, string>();
function logoDataUrl(file: string): string {
  let url = logos.get(file);
  if (!url) {
    const ext = path.extname(file).toLowerCase();
    const mime = ext === '.svg' ? 'image/svg+xml' : ext === '.png' ? 'image/png' : 'image/jpeg';
    url = `data:${mime};base64,${fs.readFileSync(file).toString('base64')}`;
    logos.set(file, url);
  }
  return url;
}

/** The QR code of the verification address, as a PNG: printed as an image a phone (or a test) can read back. */
export function verificationQr(verifyUrl: string): Promise<string> {
  return QRCode.toDataURL(verifyUrl, { errorCorrectionLevel: 'M', margin: 2, scale: 8 });
}

export async function renderDeliverable(content: DeliverableContent, letterhead: Letterhead, opts: { fallback: boolean }): Promise<string> {
  compiled ??= createHandlebars().compile(fs.readFileSync(TEMPLATE, 'utf8'));
  const html = compiled({
    ...content,
    letterhead,
    dir: content.locale === 'fa' ? 'rtl' : 'ltr',
    fontFaces: vazirmatn(),
    logo: logoDataUrl(letterhead.logoPath),
    qr: await verificationQr(content.verifyUrl),
    fallback: opts.fallback,
  });
  // A Persian document: every digit of its text Persian, the verification link as it must be typed.
  return content.locale === 'fa' ? toPersianDigitsInHtml(html) : html;
}
