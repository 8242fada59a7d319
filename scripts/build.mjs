// `npm run build`: the desk compiled to plain JavaScript in dist/, run with `node` and no TypeScript loader,
// plus the workflow bundle the worker loads instead of bundling the workflows each time it starts.
// Types are checked by `npm run typecheck` (and by `npm test`); this only transpiles, in about a second.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const SOURCES = ['lib', 'workflows', 'activities', 'adapters', 'api', 'sandbox', 'scripts', 'migrations'];
// Read at run time beside the code that reads them (require of JSON, ESM helpers of the start scripts).
const COPIED = ['locales', 'service-catalog/schema'];

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

export async function buildDesk({ log = (m) => console.log(`[build] ${m}`), workflowBundle = true } = {}) {
  const started = Date.now();
  fs.rmSync(out, { recursive: true, force: true });
  const files = SOURCES.flatMap((dir) => walk(path.join(root, dir)));
  const typescript = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  await build({
    entryPoints: typescript,
    outdir: out,
    outbase: root,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const copies = [...files.filter((f) => f.endsWith('.mjs') || f.endsWith('.json')), ...COPIED.flatMap((dir) => walk(path.join(root, dir)))];
  for (const file of copies) {
    const target = path.join(out, path.relative(root, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file, target);
  }
  log(`compiled ${typescript.length} files into dist/ in ${Date.now() - started} ms`);
  // The browser scripts (form conditions, service editor) into public/build/, when stale.
  const { buildBrowserAssets } = createRequire(import.meta.url)(path.join(out, 'lib', 'browser-assets.js'));
  const assets = buildBrowserAssets();
  if (assets.length) log(`bundled the browser scripts: ${assets.join(', ')}`);
  if (workflowBundle) {
    const bundling = Date.now();
    const { bundleWorkflowCode } = await import('@temporalio/worker');
    const { code } = await bundleWorkflowCode({ workflowsPath: path.join(out, 'workflows', 'index.js'), logger: quietLogger() });
    fs.writeFileSync(path.join(out, 'workflow-bundle.js'), code);
    log(`bundled the workflows into dist/workflow-bundle.js in ${Date.now() - bundling} ms`);
  }
}

function quietLogger() {
  const nothing = () => {};
  return { trace: nothing, debug: nothing, info: nothing, warn: (m) => console.warn(`[build] ${m}`), error: (m) => console.error(`[build] ${m}`), log: nothing };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildDesk().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
