// The gates every test run passes first: the type checker, the linter (type-aware) and the layering rules.
// `node scripts/gates.mjs` runs all three and exits non-zero with the first gate that fails.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

export const GATES = [
  { name: 'types (tsc --noEmit)', command: bin('tsc'), args: ['--noEmit', '-p', 'tsconfig.json'] },
  { name: 'types of the browser scripts (tsc -p browser)', command: bin('tsc'), args: ['--noEmit', '-p', 'browser'] },
  { name: 'lint (eslint)', command: bin('eslint'), args: ['--max-warnings', '0', '.'] },
  {
    name: 'layers (dependency-cruiser)',
    command: bin('depcruise'),
    args: ['--config', '.dependency-cruiser.cjs', 'api', 'workflows', 'activities', 'adapters', 'lib', 'bench', 'sandbox', 'scripts', 'migrations', 'test'],
  },
];

export function runGates({ log = console.log } = {}) {
  for (const gate of GATES) {
    const started = Date.now();
    const result = spawnSync(gate.command, gate.args, { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) {
      log(`gate failed: ${gate.name}`);
      return false;
    }
    log(`gate passed: ${gate.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(runGates() ? 0 : 1);
