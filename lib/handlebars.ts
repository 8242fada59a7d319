// The Handlebars helpers every template uses (pages and issued documents): translation, Persian digits, Jalali dates.
import Handlebars from 'handlebars';
import { translate, type Locale } from './i18n';
import { formatJalaliDate, formatJalaliDateTime } from './jalali';
import { formatNumber, formatRials, toPersianDigits } from './persian';
import { documentSizeText } from './document-size';
import { feeTiming } from '../workflows/service-facts';
import type { Fee, RequiredDocument, ServiceDefinition } from '../workflows/types';

// Answers that are codes read left to right, isolated inside a Persian line.
const CODE_FIELDS = new Set(['national-code', 'postal-code', 'mobile', 'number', 'jalali-date', 'digits']);

function localeOf(options: Handlebars.HelperOptions): Locale {
  return (options.data?.root?.locale as Locale) ?? 'fa';
}

function asDate(value: unknown): Date | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

export function createHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    return translate(localeOf(options), key, options.hash);
  });
  hb.registerHelper('digits', (value: unknown, options: Handlebars.HelperOptions) =>
    localeOf(options) === 'fa' ? toPersianDigits(String(value ?? '')) : String(value ?? ''),
  );
  // A code with a Persian letter in it (1405/012/ص/0042) keeps its written order inside a left-to-right run:
  // the letter sits in its own right-to-left span, and a left-to-right mark after it keeps the digits that follow from joining its run.
  hb.registerHelper('letterCode', (value: unknown, options: Handlebars.HelperOptions) => {
    const text = hb.Utils.escapeExpression(localeOf(options) === 'fa' ? toPersianDigits(String(value ?? '')) : String(value ?? ''));
    return new hb.SafeString(text.replace(/([\u0621-\u064A\u067E\u0686\u0698\u06A9\u06AF\u06CC]+)/g, '<span dir="rtl">$1</span>\u200E'));
  });
  hb.registerHelper('rials', (value: unknown, options: Handlebars.HelperOptions) => {
    const n = Number(value ?? 0);
    return localeOf(options) === 'fa' ? formatRials(n) : n.toLocaleString('en-US');
  });
  hb.registerHelper('jdate', (value: unknown, options: Handlebars.HelperOptions) => {
    const date = asDate(value);
    return date ? formatJalaliDate(date, { digits: localeOf(options) === 'fa' ? 'fa' : 'latin' }) : '';
  });
  hb.registerHelper('jdatetime', (value: unknown, options: Handlebars.HelperOptions) => {
    const date = asDate(value);
    return date ? formatJalaliDateTime(date, { digits: localeOf(options) === 'fa' ? 'fa' : 'latin' }) : '';
  });
  hb.registerHelper('isodate', (value: unknown) => asDate(value)?.toISOString() ?? '');
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  hb.registerHelper('array', (...args: unknown[]) => args.slice(0, -1));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));
  hb.registerHelper('multiply', (a: unknown, b: unknown) => Number(a) * Number(b));
  hb.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
  hb.registerHelper('urlencode', (value: unknown) => encodeURIComponent(String(value ?? '')));
  hb.registerHelper('number', (value: unknown, options: Handlebars.HelperOptions) =>
    value === null || value === undefined || value === '' ? '' : formatNumber(Number(value), localeOf(options)),
  );
  // Catalogue content, department and staff names are written in Persian: on an English page they keep their language and direction.
  hb.registerHelper('faText', (options: Handlebars.HelperOptions) => new hb.SafeString(localeOf(options) === 'fa' ? '' : ' lang="fa" dir="rtl"'));
  hb.registerHelper('docSize', (doc: RequiredDocument, options: Handlebars.HelperOptions) => documentSizeText(doc, localeOf(options)));
  // When a fee is paid follows from where its payment step sits; a card's own `when` only for a fee no step collects.
  hb.registerHelper('feeTiming', (service: ServiceDefinition, fee: Fee) => feeTiming(service, fee.key) ?? fee.when ?? '');
  hb.registerHelper('isCode', (type: unknown) => CODE_FIELDS.has(String(type)));
  return hb;
}
