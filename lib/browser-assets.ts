// The browser scripts bundled from browser/ into public/build/ (the form's conditions, the service editor):
// built when missing or older than their sources, so a fresh clone's `npm start` and `npm test` serve them.
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

const ROOT = projectRoot;
const OUT = path.join(ROOT, 'public', 'build');
const ENTRIES = { form: 'browser/form.ts', editor: 'browser/editor.ts' } as const;
/** The sources a bundle depends on besides its entry (workflow code shared with the server, the schema). */
const SHARED = ['workflows/conditions.ts', 'service-catalog/schema/service.schema.json', 'browser/conditional-form.ts', 'package-lock.json'];

const mtime = (file: string) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);

/** Builds the bundles that are missing or stale; several processes may race here, so each file is written whole. */
export function buildBrowserAssets(force = false): string[] {
  const built: string[] = [];
  fs.mkdirSync(OUT, { recursive: true });
  const newestShared = Math.max(...SHARED.map((f) => mtime(path.join(ROOT, f))));
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const out = path.join(OUT, `${name}.js`);
    if (!force && mtime(out) > Math.max(newestShared, mtime(path.join(ROOT, entry)))) continue;
    const result = buildSync({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, result.outputFiles[0].contents);
    fs.renameSync(tmp, out);
    built.push(name);
  }
  return built;
}
