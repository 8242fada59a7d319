import fs from 'node:fs';
import path from 'node:path';
import en from '../../locales/en.json';
import fa from '../../locales/fa.json';
import { allKeys } from '../../lib/i18n';

const PERSIAN = /[\u0600-\u06FF]/;
const PLACEHOLDER = /\{(\w+)\}/g;
const VIEWS = path.join(__dirname, '..', '..', 'views');

function value(catalog: unknown, key: string): string {
  let v: unknown = catalog;
  for (const part of key.split('.')) v = (v as Record<string, unknown>)[part];
  return v as string;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).sort();
}

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templates(full);
    return entry.name.endsWith('.hbs') ? [full] : [];
  });
}

const faKeys = allKeys('fa');
const enKeys = allKeys('en');

describe('locales', () => {
  test('fa and en have exactly the same keys', () => {
    const missingInEn = faKeys.filter((k) => !enKeys.includes(k));
    const missingInFa = enKeys.filter((k) => !faKeys.includes(k));
    expect({ missingInEn, missingInFa }).toEqual({ missingInEn: [], missingInFa: [] });
  });

  test('English strings contain no Persian letters (except the link back to Persian)', () => {
    const persianInEn = enKeys.filter((k) => k !== 'nav.otherLanguage' && PERSIAN.test(value(en, k)));
    expect(persianInEn).toEqual([]);
    expect(value(en, 'nav.otherLanguage')).toBe('فارسی');
  });

  test('every placeholder in a Persian string also appears in the English one', () => {
    const mismatched = faKeys
      .filter((k) => enKeys.includes(k))
      .filter((k) => placeholders(value(fa, k)).some((p) => !placeholders(value(en, k)).includes(p)))
      .map((k) => `${k}: fa ${JSON.stringify(placeholders(value(fa, k)))} en ${JSON.stringify(placeholders(value(en, k)))}`);
    expect(mismatched).toEqual([]);
  });

  test('every literal {{t "key"}} used in the templates exists in both locales', () => {
    const files = templates(VIEWS);
    expect(files.length).toBeGreaterThan(0);
    const used = new Map<string, string[]>();
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt "([^"]+)"/g)) {
        used.set(m[1], [...(used.get(m[1]) ?? []), path.relative(VIEWS, file)]);
      }
    }
    expect(used.size).toBeGreaterThan(0);
    const missing = [...used.entries()]
      .flatMap(([key, where]) => [
        ...(faKeys.includes(key) ? [] : [`fa: ${key} (${[...new Set(where)].join(', ')})`]),
        ...(enKeys.includes(key) ? [] : [`en: ${key} (${[...new Set(where)].join(', ')})`]),
      ]);
    expect(missing).toEqual([]);
  });
});
