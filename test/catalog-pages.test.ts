// The public catalogue as a visitor reads it: search, categories, the full service card, English, and paging.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { publishService } from '../lib/catalog-sync';
import type { ServiceDefinition } from '../workflows/types';
import { Browser, textOf } from '../scripts/stack/http-browser';
import { startDesk, type Desk } from './helpers/desk';

let desk: Desk;
beforeAll(async () => {
  desk = await startDesk();
});
afterAll(async () => {
  await desk?.stop();
});

const card = (id: string): ServiceDefinition => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'service-catalog', `${id}.json`), 'utf8'));
const listed = (html: string) => [...html.matchAll(/<h2><a href="\/services\/([a-z0-9-]+)">/g)].map((m) => m[1]);
const moreLink = (html: string) => /<a class="button secondary" href="([^"]+)">/.exec(html)?.[1].replace(/&amp;/g, '&') ?? null;

test('search finds a service whether ی and ک are typed in their Persian or Arabic forms', async () => {
  const visitor = new Browser(desk.url);
  // U+064A (Arabic yeh) and U+0643 (Arabic kaf), as Arabic keyboards type them.
  const arabicYeh = await visitor.get(`/?q=${encodeURIComponent('گواهي سابقه')}`);
  expect(listed(arabicYeh.html)).toContain('service-record-certificate');
  expect(listed(arabicYeh.html)).not.toContain('general-letter');
  const arabicKaf = await visitor.get(`/?q=${encodeURIComponent('مكاتبه')}`);
  expect(listed(arabicKaf.html)).toContain('general-letter');
  const persian = await visitor.get(`/?q=${encodeURIComponent('گواهی سابقه')}`);
  expect(listed(persian.html)).toContain('service-record-certificate');
  // What was searched for stays in the box, in Persian letters.
  expect(arabicYeh.html).toContain('value="گواهی سابقه"');

  const nothing = await visitor.get(`/?q=${encodeURIComponent('هواپیمای فضایی')}`);
  expect(listed(nothing.html)).toEqual([]);
  expect(textOf(nothing.html)).toContain('خدمتی با این مشخصات پیدا نشد.');
});

test('choosing a category lists only the services of that category', async () => {
  const visitor = new Browser(desk.url);
  const home = await visitor.get('/');
  const category = 'گواهی‌ها و استعلام‌ها';
  const href = new RegExp(`<a href="([^"]+)"[^>]*>${category}</a>`).exec(home.html)?.[1];
  expect(href).toBe(`/?category=${encodeURIComponent(category)}`);

  const page = await visitor.get(href!);
  expect(listed(page.html)).toContain('service-record-certificate');
  expect(listed(page.html)).not.toContain('general-letter');
  expect(listed(page.html)).not.toContain('complaint');
  expect(page.html).toMatch(new RegExp(`aria-current="page">${category}</a>`));
});

test("a service's card shows steps, documents, fees, laws, FAQ, complaints, the official and the in-person desk", async () => {
  const page = await new Browser(desk.url).get('/services/service-record-certificate');
  expect(page.status).toBe(200);
  const text = textOf(page.html);
  const service = card('service-record-certificate');
  for (const step of service.steps) expect(text).toContain(step.title);
  expect(text).toContain('حداکثر ۵ روز کاری');
  expect(text).toContain('آخرین فیش حقوقی یا حکم کارگزینی');
  expect(text).toMatch(/PDF، JPEG، PNG/);
  expect(text).toContain('حداکثر ۲ مگابایت');
  expect(text).toContain('هزینه صدور گواهی: ۵۰۰٬۰۰۰ ریال');
  expect(text).toContain('پس از تأیید دبیرخانه');
  expect(text).toContain('تعرفه مصوب هیئت‌مدیره، بند ۴');
  expect(text).toContain('قانون مدیریت خدمات کشوری — فصل دهم، مواد ۸۶ تا ۸۸');
  for (const { question, answer } of service.faq) {
    expect(text).toContain(question);
    expect(text).toContain(answer);
  }
  expect(text).toContain(service.complaint.procedure);
  expect(text).toContain('سامانه سامد (۱۱۱)');
  expect(text).toContain('رئیس اداره امور اداری: علی رضایی');
  expect(text).toContain('۰۲۱-۸۸۰۰۱۱۳۳');
  expect(text).toContain('شنبه تا چهارشنبه، ۸ تا ۱۵');
  expect(text).toContain('تهران، خیابان نمونه، پلاک ۱۲، طبقه همکف، میز خدمت');
  expect(text).toContain('۰۲۱-۸۸۰۰۱۱۰۰');
  expect(page.html).toContain('href="/services/service-record-certificate/apply"');
});

test('?lang=en switches the pages to English and the choice is remembered', async () => {
  const visitor = new Browser(desk.url);
  const english = await visitor.get('/services/service-record-certificate?lang=en');
  expect(english.html).toMatch(/<html lang="en" dir="ltr">/);
  const text = textOf(english.html);
  for (const chrome of ['Services', 'Track a request', 'Sign in', 'Start now', 'Documents you need', 'Frequently asked questions', 'Up to 5 working days']) {
    expect(text).toContain(chrome);
  }
  expect(text).toContain('500,000 rials');
  expect(text).not.toContain('شروع درخواست');
  // The service's own words are published in Persian and stay so.
  expect(text).toContain('صدور گواهی سابقه خدمت');

  const next = await visitor.get('/');
  expect(next.html).toMatch(/<html lang="en" dir="ltr">/);
  expect(textOf(next.html)).toContain('Online services');
  const back = await visitor.get('/?lang=fa');
  expect(back.html).toMatch(/<html lang="fa" dir="rtl">/);
  expect(textOf(back.html)).toContain('خدمات الکترونیکی');
});

test('the catalogue shows fifty services a page and the "more" link brings the rest, none twice', async () => {
  const suffix = randomBytes(3).toString('hex');
  const category = `آزمون صفحه‌بندی ${suffix}`;
  const base = card('general-letter');
  const ids: string[] = [];
  for (let i = 1; i <= 55; i++) {
    // Ids after every real one, so the first page of the whole catalogue is left as it was.
    const id = `zz-page-${suffix}-${String(i).padStart(2, '0')}`;
    ids.push(id);
    await publishService(desk.db, { ...base, id, title: `خدمت آزمایشی ${i}`, category }, 'test');
  }

  const visitor = new Browser(desk.url);
  const first = await visitor.get(`/?category=${encodeURIComponent(category)}`);
  expect(listed(first.html)).toEqual(ids.slice(0, 50));
  const more = moreLink(first.html);
  expect(more).not.toBeNull();
  expect(textOf(first.html)).toContain('موارد بیشتر');

  const second = await visitor.get(more!);
  expect(listed(second.html)).toEqual(ids.slice(50));
  expect(moreLink(second.html)).toBeNull();

  // The search words travel with the link too.
  const searched = await visitor.get(`/?q=${encodeURIComponent('آزمایشی')}&category=${encodeURIComponent(category)}`);
  expect(listed(searched.html)).toHaveLength(50);
  const searchedMore = await visitor.get(moreLink(searched.html)!);
  expect(listed(searchedMore.html)).toEqual(ids.slice(50));

  await desk.db('services').whereIn('id', ids).update({ retired_at: desk.db.fn.now() });
  expect(listed((await visitor.get(`/?category=${encodeURIComponent(category)}`)).html)).toEqual([]);
});
