// Persian text, digits and Iranian identifiers: pure helpers shared by forms, views and workflows.

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC_INDIC_DIGITS = '٠١٢٣٤٥٦٧٨٩';
const PERSIAN_THOUSANDS_SEPARATOR = '\u066C'; // '٬'

/** Persian (۰-۹) and Arabic-Indic (٠-٩) digits → ASCII; everything else is kept. */
export function toLatinDigits(s: string): string {
  return s.replace(/[۰-۹٠-٩]/g, (d) => {
    const persian = PERSIAN_DIGITS.indexOf(d);
    return String(persian >= 0 ? persian : ARABIC_INDIC_DIGITS.indexOf(d));
  });
}

/** ASCII digits → Persian digits; numbers are printed plainly (no grouping). */
export function toPersianDigits(s: string | number): string {
  return String(s).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[Number(d)]);
}

/** 1250000 → '۱٬۲۵۰٬۰۰۰'. Rials are whole numbers, so fractions are a caller bug. */
export function formatRials(n: number | bigint): string {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) {
    throw new RangeError(`an amount in rials must be a whole number, got ${n}`);
  }
  const digits = (n < 0 ? -BigInt(n) : BigInt(n)).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, PERSIAN_THOUSANDS_SEPARATOR);
  return (n < 0 ? '-' : '') + toPersianDigits(grouped);
}

/**
 * Canonical Iranian mobile '09XXXXXXXXX', or null. Accepts +98…, 0098…, 09… and 9… with any
 * digit script and spaces, dashes or parentheses in between.
 */
export function normalizeMobile(input: string): string | null {
  const compact = toLatinDigits(input).replace(/[\s\-()\u200C\u200E\u200F]/g, '');
  const national = /^(?:\+98|0098|98|0)?(9\d{9})$/.exec(compact);
  return national ? `0${national[1]}` : null;
}

/**
 * کد ملی: 10 digits; the last is a check digit over the first nine weighted 10…2.
 * With r = sum mod 11 the check digit is r when r < 2, otherwise 11 − r.
 */
export function isValidNationalCode(code: string): boolean {
  const digits = toLatinDigits(code.trim());
  if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const remainder = sum % 11;
  const check = Number(digits[9]);
  return remainder < 2 ? check === remainder : check === 11 - remainder;
}

/**
 * کد پستی: 10 digits. The rule applied here is the commonly used one: the first five digits
 * (the delivery-area part) contain neither 0 nor 2, and the code is not one digit repeated.
 * Stricter published variants (e.g. no 5 in the fifth place) are deliberately not enforced.
 */
export function isValidPostalCode(code: string): boolean {
  const digits = toLatinDigits(code.trim()).replace(/-/g, '');
  if (!/^\d{10}$/.test(digits) || /^(\d)\1{9}$/.test(digits)) return false;
  return !/[02]/.test(digits.slice(0, 5));
}

// Invisible characters pasted from other apps; ZWNJ (U+200C) is kept because Persian spelling needs it.
// eslint-disable-next-line no-misleading-character-class -- the joiners are listed one by one on purpose
const INVISIBLE_CONTROLS = /[\u200B\u200D\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF\u061C\u00AD]/g;

/**
 * Text ready to store or search: Arabic ي/ى/ك → Persian ی/ک, invisible and bidi controls removed
 * (except ZWNJ), runs of spaces collapsed and ends trimmed. Line breaks survive, so multi-line
 * descriptions keep their shape.
 */
export function normalizePersianText(s: string): string {
  return s
    .replace(/[\u064A\u0649]/g, '\u06CC')
    .replace(/\u0643/g, '\u06A9')
    .replace(INVISIBLE_CONTROLS, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

/** '09121234567' → '0912***4567', for logs and screens that must not reveal the full number. */
export function maskMobile(mobile: string): string {
  const canonical = normalizeMobile(mobile) ?? toLatinDigits(mobile).replace(/\D/g, '');
  if (canonical.length < 8) return '*'.repeat(canonical.length);
  return `${canonical.slice(0, 4)}***${canonical.slice(-4)}`;
}

/** 'مریم احمدی' → 'م*** ا***': enough to recognise a document's holder, not to learn their name. */
export function maskName(name: string): string {
  return name.trim().split(/\s+/).filter(Boolean).map((word) => `${[...word][0]}***`).join(' ');
}

/** '0499370899' → '049****899'. */
export function maskNationalCode(code: string): string {
  const digits = toLatinDigits(code).replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-3)}`;
}

/**
 * Digits of a Persian text in Persian, word by word: a word with Latin letters in it (an identifier such as
 * "test-letter-6a5", an e-mail or web address) is a code and keeps its digits; HTML entities are left whole.
 */
export function toPersianDigitsInWords(s: string): string {
  return s.replace(/\S+/g, (word) =>
    /[A-Za-z]/.test(word.replace(/&#?\w+;/g, '')) ? word : word.replace(/(&#?\w+;)|[0-9]/g, (d, entity: string | undefined) => entity ?? toPersianDigits(d)),
  );
}

const SKIPPED_ELEMENTS = new Set(['script', 'style', 'textarea', 'pre', 'code', 'kbd', 'samp']);
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * A Persian page's text with Persian digits: only text between tags changes, never attributes, entities,
 * scripts or elements marked `data-latin` or `lang="en"` (e-mail, IP addresses, URLs, English quotations).
 */
export function toPersianDigitsInHtml(html: string): string {
  let skipping: { tag: string; depth: number } | null = null;
  return html.replace(/(<!--[\s\S]*?-->|<[^>]*>)|([^<]+)/g, (_whole, tag: string | undefined, text: string | undefined) => {
    if (tag !== undefined) {
      const m = /^<(\/?)([a-zA-Z][\w-]*)/.exec(tag);
      if (!m) return tag;
      const name = m[2].toLowerCase();
      const closing = m[1] === '/';
      const selfClosing = tag.endsWith('/>') || VOID_ELEMENTS.has(name);
      if (skipping) {
        if (name === skipping.tag && !selfClosing) skipping.depth += closing ? -1 : 1;
        if (skipping.depth === 0) skipping = null;
      } else if (!closing && !selfClosing && (SKIPPED_ELEMENTS.has(name) || /\sdata-latin(?=[\s=>/])/.test(tag) || /\slang="en"/.test(tag))) {
        skipping = { tag: name, depth: 1 };
      }
      return tag;
    }
    return skipping ? text! : toPersianDigitsInWords(text!);
  });
}

const NUMBER_FORMATS = { fa: new Intl.NumberFormat('fa-IR'), en: new Intl.NumberFormat('en-US') };

/** A quantity as the locale writes it: '۵٬۰۰۰' in Persian, '5,000' in English. */
export function formatNumber(n: number, locale: 'fa' | 'en'): string {
  return NUMBER_FORMATS[locale].format(n);
}
