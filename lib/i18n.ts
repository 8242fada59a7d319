// Every string the desk shows lives in locales/; Persian first, English complete.
import en from '../locales/en.json';
import fa from '../locales/fa.json';
import { formatNumber, toPersianDigitsInWords } from './persian';

export type Locale = 'fa' | 'en';
export const LOCALES: Locale[] = ['fa', 'en'];
const catalogs: Record<Locale, unknown> = { fa, en };

function lookup(catalog: unknown, key: string): string | undefined {
  let value: unknown = catalog;
  for (const part of key.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return typeof value === 'string' ? value : undefined;
}

/** A value put into a sentence: quantities formatted for the locale, digits Persian in Persian sentences. */
function shownVar(locale: Locale, value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return formatNumber(value, locale);
  return locale === 'fa' ? toPersianDigitsInWords(String(value)) : String(value);
}

export function translate(locale: Locale, key: string, vars: Record<string, unknown> = {}): string {
  const text = lookup(catalogs[locale], key) ?? lookup(catalogs.fa, key) ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (vars[name] === undefined ? `{${name}}` : shownVar(locale, vars[name])));
}

export function hasKey(locale: Locale, key: string): boolean {
  return lookup(catalogs[locale], key) !== undefined;
}

/** Every key of a catalogue, for the test that fa and en are both complete. */
export function allKeys(locale: Locale): string[] {
  const keys: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === 'string') keys.push(prefix);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(catalogs[locale], '');
  return keys.sort();
}
