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
  ['a missing title', (s: any) => delete s.title, '/', 'شناسنامه خدمت: ویژگی لازم «title» نیامده است'],
  ['an unknown step type', (s: any) => (s.steps[0].type = 'teleport'), '/steps/0/type', 'مرحله «استعلام هویت از ثبت احوال»، «type»: باید یکی از این‌ها باشد: inquiry، review'],
  ['a document over the size limit', (s: any) => (s.documents[0].maxSizeKb = 999999), '/documents/0/maxSizeKb', 'مدرک «متن نامه یا پیوست»، «maxSizeKb»: باید حداکثر ۲۰٬۴۸۰ باشد'],
  ['a document with both sizes', (s: any) => (s.documents[0].maxSizeMb = 5), '/documents/0', 'مدرک «متن نامه یا پیوست»: فقط یکی از این دو را بدهید'],
  ['a document with no size', (s: any) => delete s.documents[0].maxSizeKb, '/documents/0', 'یکی از این‌ها لازم است: maxSizeKb، maxSizeMb'],
  ['a negative fee', (s: any) => s.fees.push({ key: 'x', title: 'هزینه', amountRials: -5, when: 'on-submit' }), '/fees/0/amountRials', 'هزینه «هزینه»، «amountRials»: باید دست‌کم ۰ باشد'],
  ['a fee nobody collects, with no time to pay', (s: any) => s.fees.push({ key: 'x', title: 'هزینه', amountRials: 5 }), '/fees/0', 'هیچ مرحله پرداختی این هزینه را نمی‌گیرد'],
  ['a fee whose time contradicts its step', (s: any) => { s.fees.push({ key: 'x', title: 'هزینه', amountRials: 5, when: 'on-submit' }); s.steps.splice(2, 0, { id: 'pay', type: 'payment', title: 'پرداخت', fee: 'x' }); }, '/fees/0/when', 'زمان پرداخت از جای مرحله پرداخت می‌آید و «پس از تأیید دبیرخانه» است'],
  ['an inquiry input naming no field', (s: any) => (s.steps[0].input.nationalCode = 'no_such_field'), '/steps/0/input/nationalCode', 'به فیلد «no_such_field» اشاره می‌کند که در فرم نیست'],
  ['a letter routed by a field that is not a department', (s: any) => (s.steps[2].departmentFromField = 'subject'), '/steps/2/departmentFromField', 'باید فیلدی از نوع «department» باشد'],
  ['a payment for a fee that does not exist', (s: any) => s.steps.splice(2, 0, { id: 'pay', type: 'payment', title: 'پرداخت', fee: 'ghost' }), '/steps/2/fee', 'به هزینه «ghost» اشاره می‌کند'],
  ['two fields with one key', (s: any) => s.fields.push({ ...s.fields[0] }), '/fields/6', 'فیلد «نام و نام خانوادگی»: key «full_name» دو بار به کار رفته است'],
  ['a condition of an unknown shape', (s: any) => (s.fields[4].showIf = { field: 'department', equal: 'legal' }), '/fields/4/showIf', 'فیلد «موضوع نامه»، «showIf»: شرط درست نیست'],
  ['a comparison with a value of the wrong kind', (s: any) => (s.fields[4].showIf = { all: [{ field: 'birth_date', before: true }] }), '/fields/4/showIf/all/0/before', 'باید عدد، تاریخ یا {"field": کلید فیلد دیگر} باشد'],
  ['a field shown by a field below it', (s: any) => (s.fields[1].showIf = { field: 'subject', filled: true }), '/fields/1/showIf', '«subject» پایین‌تر است'],
  ['a step run on a field that does not exist', (s: any) => (s.steps[1].when = { field: 'ghost', equals: 'x' }), '/steps/1/when', 'شرط به فیلد «ghost» اشاره می‌کند که در فرم نیست'],
  ['a department review after a conditional letter', (s: any) => (s.steps[2].when = { field: 'subject', filled: true }), '/steps/3/role', 'مرحله ثبت نامه پیش از این مرحله شرطی است'],
  ['a rule on a field that does not exist', (s: any) => (s.rules = [{ require: { field: 'ghost', after: { field: 'birth_date' } }, message: 'پیام' }]), '/rules/0/require', 'قاعده «پیام»، «require»: شرط به فیلد «ghost» اشاره می‌کند'],
  ['a law linked to a script', (s: any) => (s.laws[0].url = 'javascript:alert(1)'), '/laws/0/url', 'نشانی درستی نیست؛ با http:// یا https:// آغاز کنید'],
  ['an applicant named by no field', (s: any) => (s.applicant = { name: ['first_name', 'full_name'] }), '/applicant', 'به فیلد «first_name» اشاره می‌کند'],
])('a card with %s is refused, the place named in words', (_name, breakIt, pointer, message) => {
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
  // The same sentence the editor shows, after the file's line and column.
  expect(failure.stderr).toContain(`${path.join(path.relative(root, dir), 'bad.json')}:1:`);
  expect(failure.stderr).toContain('«sla»، «workingDays»: باید دست‌کم ۱ باشد');
  expect(failure.stderr).toContain('not-json.json:1:9  JSON درست نیست: متن پیش از بسته شدن همه آکولادها و کروشه‌ها تمام شده است');
  fs.rmSync(dir, { recursive: true });
});
