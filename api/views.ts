// Handlebars pages: one layout, partials, and Persian digits in every Persian page's text.
import fs from 'node:fs';
import path from 'node:path';
import type Handlebars from 'handlebars';
import { toPersianDigitsInHtml } from '../lib/persian';
import { createHandlebars } from '../lib/handlebars';
import { projectRoot } from '../lib/paths';

export const viewsDir = path.join(projectRoot, 'views');

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
      const locals = data as { layout?: string | false; locale?: string };
      // One digits rule: whatever the data holds, a Persian page shows Persian digits.
      const shown = (html: string) => (locals.locale === 'en' ? html : toPersianDigitsInHtml(html));
      const body = template(file)(data);
      if (locals.layout === false) return callback(null, shown(body));
      const layout = path.join(viewsDir, 'layouts', `${locals.layout ?? 'main'}.hbs`);
      callback(null, shown(template(layout)({ ...data, body })));
    } catch (error) {
      callback(error as Error);
    }
  };
}
