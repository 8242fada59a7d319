// The gates of `npm test` catch what they promise: a type error, a floating promise, a non-exhaustive switch,
// a wrong-way import. Each is planted in test/fixtures/gates/tree and must be reported.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

const root = path.resolve(__dirname, '..');
const tree = path.join(root, 'test', 'fixtures', 'gates', 'tree');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const run = (command: string, args: string[], cwd = root) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
};

test('the type gate fails on a type error', () => {
  const { status, output } = run(bin('tsc'), ['--noEmit', '-p', path.join(tree, 'tsconfig.json')]);
  expect(status).not.toBe(0);
  expect(output).toMatch(/lib\/type-error\.ts\(2,\d+\): error TS2322/);
});

test('the lint gate fails on a floating promise and on a switch that misses a case', () => {
  const { status, output } = run(bin('eslint'), ['--no-ignore', '--format', 'json', path.join(tree, 'lib', 'floating.ts')]);
  expect(status).not.toBe(0);
  const [result] = JSON.parse(output) as { messages: { ruleId: string; message: string }[] }[];
  const rules = result.messages.map((m) => m.ruleId);
  expect(rules).toContain('@typescript-eslint/no-floating-promises');
  expect(rules).toContain('@typescript-eslint/switch-exhaustiveness-check');
  expect(result.messages.find((m) => m.ruleId === '@typescript-eslint/switch-exhaustiveness-check')?.message).toMatch(/expired/);
});

test('the layering gate fails on an activity importing the web layer and on a workflow importing Node', () => {
  const { status, output } = run(bin('depcruise'), ['--config', path.join(root, '.dependency-cruiser.cjs'), 'activities', 'workflows', 'lib', 'api'], tree);
  expect(status).not.toBe(0);
  expect(output).toMatch(/no-web-below-api: activities\/wrong-way\.ts → api\/views\.ts/);
  expect(output).toMatch(/workflow-sandbox: workflows\/node-only\.ts → fs/);
});

test('the server registers exactly the search attributes the workflows use', () => {
  const launcher = fs.readFileSync(path.join(root, 'scripts', 'infra', 'temporal.mjs'), 'utf8');
  const registered = JSON.parse(/SEARCH_ATTRIBUTES = (\[[^\]]*\])/.exec(launcher)![1].replace(/'/g, '"')) as string[];
  expect(registered.sort()).toEqual(SEARCH_ATTRIBUTE_KEYS.map((k) => k.name).sort());
});
