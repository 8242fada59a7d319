// A document's largest size as people read it, in the unit the card gave (MB or KB).
import { maxSizeKbOf } from '../workflows/service-facts';
import type { RequiredDocument } from '../workflows/types';
import { translate, type Locale } from './i18n';

export function documentSizeText(doc: Pick<RequiredDocument, 'maxSizeKb' | 'maxSizeMb'>, locale: Locale): string {
  return doc.maxSizeKb === undefined && doc.maxSizeMb !== undefined
    ? translate(locale, 'documents.sizeMb', { size: doc.maxSizeMb })
    : translate(locale, 'documents.sizeKb', { size: maxSizeKbOf(doc) });
}
