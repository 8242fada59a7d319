// The catalogue: every shipped card is valid, and a broken card is refused with the place of each problem.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadCatalog, validateService } from '../lib/catalog';

const root = path.resolve(__dirname, '..');
const sample = () => JSON.parse(fs.readFileSync(path.join(root, 'service-catalog', 'general-letter.json'), 'utf8'));

test('every service card shipped in service-catalog/ is valid', () => {
  const { services, problems } = loadCatalog(path.join(root, 'service-catalog'));
  expect(problems).toEqual([]);
  expect(services.map((s) => s.id).sort()).toEqual(['complaint', 'general-letter', 'service-record-certificate']);
});

test.each([
  ['a missing title', (s: any) => delete s.title, '/', 'missing required property "title"'],
  ['an unknown step type', (s: any) => (s.steps[0].type = 'teleport'), '/steps/0/type', 'must be one of'],
  ['a document over the size limit', (s: any) => (s.documents[0].maxSizeKb = 999999), '/documents/0/maxSizeKb', 'must be <= 20480'],
  ['a negative fee', (s: any) => s.fees.push({ key: 'x', title: 'هزینه', amountRials: -5, when: 'on-submit' }), '/fees/0/amountRials', 'must be >= 0'],
  ['an inquiry input naming no field', (s: any) => (s.steps[0].input.nationalCode = 'no_such_field'), '/steps/0/input/nationalCode', 'no_such_field'],
  ['a letter routed by a field that is not a department', (s: any) => (s.steps[2].departmentFromField = 'subject'), '/steps/2/departmentFromField', 'department'],
  ['a payment for a fee that does not exist', (s: any) => s.steps.splice(2, 0, { id: 'pay', type: 'payment', title: 'پرداخت', fee: 'ghost' }), '/steps/2/fee', 'ghost'],
  ['two fields with one key', (s: any) => s.fields.push({ ...s.fields[0] }), '/fields/6', 'used twice'],
])('a card with %s is refused at its JSON pointer', (_name, breakIt, pointer, message) => {
  const service = sample();
  breakIt(service);
  const { problems, service: valid } = validateService(service, 'broken.json');
  expect(valid).toBeUndefined();
  expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'broken.json', pointer, message: expect.stringContaining(message) })]));
});

test('catalog:check names the file and pointer of each problem and exits 1; a broken file does not hide the good ones', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'catalog-'));
  fs.writeFileSync(path.join(dir, 'good.json'), JSON.stringify(sample()));
  const bad = sample();
  bad.id = 'bad-one';
  bad.sla.workingDays = 0;
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
  fs.writeFileSync(path.join(dir, 'not-json.json'), '{ "id": ');

  const { services, problems } = loadCatalog(dir);
  expect(services.map((s) => s.id)).toEqual(['general-letter']);
  expect(problems.map((p) => `${path.basename(p.file)} ${p.pointer}`)).toEqual(['bad.json /sla/workingDays', 'not-json.json /']);

  const run = promisify(execFile);
  const failure = await run(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'scripts', 'catalog-check.ts'), dir], { cwd: root }).catch((e) => e);
  expect(failure.code).toBe(1);
  expect(failure.stderr).toMatch(/bad\.json\s+\/sla\/workingDays\s+must be >= 1/);
  expect(failure.stderr).toMatch(/not-json\.json\s+\/\s+not valid JSON/);
  fs.rmSync(dir, { recursive: true });
});
