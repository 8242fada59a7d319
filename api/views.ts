// Handlebars pages: one layout, partials, and the helpers that make numbers and dates Persian.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { translate, type Locale } from '../lib/i18n';
import { formatJalaliDate, formatJalaliDateTime } from '../lib/jalali';
import { formatRials, toPersianDigits } from '../lib/persian';

export const viewsDir = path.resolve(__dirname, '..', 'views');

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
  hb.registerHelper('json', (value: unknown) => JSON.stringify(value, null, 2));
  return hb;
}

/** An Express view engine: `res.render('page', data)` renders views/page.hbs inside views/layouts/main.hbs. */
export function createViewEngine(cache: boolean) {
  const hb = createHandlebars();
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  const partialsDir = path.join(viewsDir, 'partials');
  const loadPartials = () => {
    for (const file of fs.readdirSync(partialsDir)) {
      if (file.endsWith('.hbs')) hb.registerPartial(file.slice(0, -4), fs.readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  };
  loadPartials();
  const template = (file: string) => {
    let fn = cache ? compiled.get(file) : undefined;
    if (!fn) {
      fn = hb.compile(fs.readFileSync(file, 'utf8'));
      if (cache) compiled.set(file, fn);
    }
    return fn;
  };
  return (file: string, data: object, callback: (error: Error | null, html?: string) => void) => {
    try {
      if (!cache) loadPartials();
      const locals = data as { layout?: string | false };
      const body = template(file)(data);
      if (locals.layout === false) return callback(null, body);
      const layout = path.join(viewsDir, 'layouts', `${locals.layout ?? 'main'}.hbs`);
      callback(null, template(layout)({ ...data, body }));
    } catch (error) {
      callback(error as Error);
    }
  };
}
