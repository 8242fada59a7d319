// Official documents: PDF printed by Chromium with Vazirmatn, the letterhead, the outgoing letter's number and date,
// and a QR code to the verification page, read back from the PDF itself; several documents per service, a template
// per language; HTML only where no engine is configured, saying so.
import { formatJalaliDate } from '../lib/jalali';
import { toPersianDigits } from '../lib/persian';
import { textOf } from '../scripts/stack/http-browser';
import type { DeliverStep, FormField } from '../workflows/types';
import { startDesk, uniqueMobile, type Desk } from './helpers/desk';
import { letterAnswers, loginCitizen } from './helpers/journeys';
import { readPdf } from './helpers/pdf';
import { publish, settled, step, submit, testService } from './helpers/workflow-services';
import generalLetter from '../service-catalog/general-letter.json';

const LETTERHEAD = { ORG_NAME: 'اداره کل نمونه استان تهران', ORG_ADDRESS: 'تهران، میدان آزادی، پلاک ۷', ORG_PHONE: '021-66001234' };
const language: FormField = { key: 'language', label: 'زبان سند', type: 'select', required: true, options: [{ value: 'fa', label: 'فارسی' }, { value: 'en', label: 'English' }] };
const permit: DeliverStep = {
  id: 'permit', type: 'deliver', title: 'صدور مجوز', document: 'permit',
  titles: { fa: 'مجوز فعالیت', en: 'Activity permit' },
  templates: { fa: 'به {{applicantName}} اجازه داده می‌شود تا ۱۲ ماه در این حوزه فعالیت کند.', en: 'This permit allows {{applicantName}} to work in this field for 12 months.' },
  languageField: 'language',
};
const reply: DeliverStep = { id: 'reply', type: 'deliver', title: 'صدور پاسخ', document: 'reply-letter', body: 'پاسخ نامه شما با موضوع «{{answers.subject}}» آماده است.' };

let desk: Desk;
let plain: Desk;
beforeAll(async () => {
  [desk, plain] = await Promise.all([startDesk(LETTERHEAD), startDesk({ PDF_ENGINE: 'none' })]);
  const fields = [...(generalLetter.fields as FormField[]), language];
  await publish(desk, testService('doc-permit', [step.letterTo('legal'), permit, reply], { fields }));
  await publish(plain, testService('doc-plain', [step.letterTo('legal'), reply]));
});
afterAll(async () => {
  await Promise.all([desk?.stop(), plain?.stop()]);
});

async function issued(d: Desk, serviceId: string, answers: Record<string, string>) {
  const mobile = uniqueMobile();
  const request = await submit(d, serviceId, answers, mobile);
  await settled(d, request.code, 60_000);
  const documents = await d.db('deliverables as x').join('letters as l', 'l.id', 'x.letter_id').where('x.request_id', request.requestId).orderBy('x.id').select('x.*', 'l.number as outgoing_number', 'l.registered_at as outgoing_at');
  const incoming = await d.db('letters').where({ request_id: request.requestId, direction: 'incoming' }).first();
  return { ...request, mobile, documents, incoming };
}

test('a Persian permit: Vazirmatn-shaped text, the letterhead, the outgoing number and date, and a QR code that opens its verification page', async () => {
  const { code, documents, incoming } = await issued(desk, 'doc-permit', { ...letterAnswers(), language: 'fa' });
  expect(documents.map((d) => [d.step_id, d.kind, d.title, d.mime])).toEqual([
    ['permit', 'permit', 'مجوز فعالیت', 'application/pdf'],
    ['reply', 'reply-letter', 'پاسخ نامه', 'application/pdf'],
  ]);
  const [doc] = documents;
  expect(doc.file.subarray(0, 5).toString()).toBe('%PDF-');
  const pdf = await readPdf(doc.file);
  const all = pdf.lines.join('\n');

  // Shaped: the letters are printed in their joined forms, with the embedded Vazirmatn.
  expect(pdf.raw).toMatch(/[\uFB50-\uFDFF\uFE70-\uFEFF]/);
  expect(doc.file.toString('latin1')).toMatch(/\/BaseFont\s*\/[A-Z]{6}\+Vazirmatn/);
  // Laid out right to left: read from the right end of each line, the words come in their order.
  expect(all).toContain('اداره کل نمونه استان تهران');
  expect(all).toContain('مجوز فعالیت');
  expect(all).toContain('مریم احمدی');
  expect(all).toContain('به مریم احمدی اجازه داده می‌شود تا ۱۲ ماه در این حوزه فعالیت کند.'.replace(/\u200C/g, ''));
  expect(all).toContain('تهران، میدان آزادی، پلاک ۷');
  // Codes read left to right in Persian digits, whole: the outgoing number (with its «ص»), its date, the incoming letter, the tracking code.
  const sweep = pdf.visual.join('\n');
  expect(sweep).toContain(toPersianDigits(doc.outgoing_number));
  expect(sweep).toContain(toPersianDigits(incoming.number));
  expect(sweep).toContain(toPersianDigits(code));
  expect(sweep).toContain(formatJalaliDate(new Date(doc.outgoing_at), { digits: 'fa' }));
  // Persian sentences carry Persian digits only; the web address keeps its own.
  const persianLines = pdf.lines.filter((l) => /[\u0600-\u06FF]/.test(l));
  expect(persianLines.filter((l) => /[0-9]/.test(l))).toEqual([]);

  // The QR code printed on the page is the verification address, which opens the document's page.
  expect(pdf.qrCodes).toEqual([`${desk.url}/verify/${doc.verification_token}`]);
  expect(all).toContain(`${desk.url}/verify/${doc.verification_token}`);
  const verification = await fetch(pdf.qrCodes[0]);
  expect(verification.status).toBe(200);
  expect(textOf(await verification.text())).toContain('مجوز فعالیت');
});

test('the citizen downloads each document as the very PDF whose fingerprint the verification page checks', async () => {
  const mobile = uniqueMobile();
  const citizen = await loginCitizen(desk, mobile);
  const request = await submit(desk, 'doc-permit', { ...letterAnswers(), language: 'fa' }, mobile);
  await settled(desk, request.code, 60_000);
  const page = await citizen.get(`/requests/${request.code}`);
  const links = [...page.html.matchAll(/href="(\/requests\/\d{12}\/result(?:\/\d+)?)"/g)].map((m) => m[1]);
  expect(links).toHaveLength(2);
  expect(textOf(page.html)).toContain('مجوز فعالیت');
  for (const link of links) {
    const file = await citizen.download(link);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    const [verifyUrl] = (await readPdf(file.bytes)).qrCodes;
    const checked = await citizen.upload(new URL(verifyUrl).pathname, {}, { copy: { name: 'copy.pdf', bytes: file.bytes, type: 'application/pdf' } });
    expect(checked.status).toBe(200);
    expect(textOf(checked.html)).toContain('این فایل اصل است و تغییری نکرده است');
  }
  // Someone else's request: not found.
  expect((await (await loginCitizen(desk, uniqueMobile())).download(links[1])).status).toBe(404);
});

test('the applicant who chose English gets the English template: English title, Latin digits, left to right', async () => {
  const { documents } = await issued(desk, 'doc-permit', { ...letterAnswers(), language: 'en' });
  const [doc] = documents;
  expect(doc.title).toBe('Activity permit');
  // A left-to-right document: its lines are read as the eye sweeps them.
  const all = (await readPdf(doc.file)).visual.join('\n');
  expect(all).toContain('Activity permit');
  expect(all).toContain('This permit allows');
  expect(all).toContain('for 12 months.');
  expect(all).toContain(`Number: ${doc.outgoing_number}`);
  expect(all).not.toMatch(/[\u06F0-\u06F9]{2}/);
});

test('with no PDF engine the document is HTML and says so at the top', async () => {
  const { documents } = await issued(plain, 'doc-plain', letterAnswers());
  const [doc] = documents;
  expect(doc.mime).toBe('text/html');
  expect(doc.file).toBeNull();
  const text = textOf(doc.body).replace(/\u200E/g, '');
  expect(text).toContain('این نسخه HTML سند است، چون موتور چاپ PDF پیکربندی نشده است');
  expect(doc.body.replace(/<[^>]+>|\u200E/g, '')).toContain(toPersianDigits(doc.outgoing_number));
  expect(doc.body).toMatch(/<img class="qr" src="data:image\/png;base64,/);
});
