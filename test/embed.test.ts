// A service card other sites may frame: only the origins in EMBED_ALLOWED_ORIGINS, and only on /embed.
import { loadConfig } from '../lib/config';
import { textOf } from '../scripts/stack/http-browser';
import { startDesk, type Desk } from './helpers/desk';
import { startWebApp, type WebApp } from './helpers/web-app';

const ALLOWED = ['https://portal.example.org', 'http://intranet.example.org:8080'];
let desk: Desk;
let unconfigured: WebApp;

beforeAll(async () => {
  desk = await startDesk({ EMBED_ALLOWED_ORIGINS: ` ${ALLOWED[0]}/ ,${ALLOWED[1]}` });
  unconfigured = await startWebApp(desk, (c) => ({ ...c, embedAllowedOrigins: loadConfig({}).embedAllowedOrigins }));
});
afterAll(async () => {
  await unconfigured?.stop();
  await desk?.stop();
});

async function fetchPage(base: string, path: string) {
  const response = await fetch(new URL(path, base), { redirect: 'manual' });
  const policy = response.headers.get('content-security-policy') ?? '';
  return {
    status: response.status,
    html: await response.text(),
    frameAncestors: /(?:^|;)\s*frame-ancestors ([^;]*)/.exec(policy)?.[1].trim() ?? null,
    policy,
    frameOptions: response.headers.get('x-frame-options'),
  };
}

test('the embedded card may be framed by the allowed sites, and opens the desk in a new tab', async () => {
  const page = await fetchPage(desk.url, '/embed/services/service-record-certificate');
  expect(page.status).toBe(200);
  expect(page.frameAncestors).toBe(`'self' ${ALLOWED.join(' ')}`);
  expect(page.frameOptions).toBeNull();
  // The rest of the policy is untouched.
  expect(page.policy).toContain("default-src 'self'");
  expect(page.policy).toContain("script-src 'self'");

  const text = textOf(page.html);
  expect(text).toContain('صدور گواهی سابقه خدمت');
  expect(text).toContain('گواهی سابقه خدمت همکاران فعلی و پیشین را برخط درخواست');
  expect(text).toContain('حداکثر ۵ روز کاری');
  expect(text).toContain('۵۰۰٬۰۰۰ ریال');
  expect(page.html).toMatch(/<a class="button start" href="\/services\/service-record-certificate" target="_blank" rel="noopener">/);
  // Its own small layout: no site header, navigation or forms.
  expect(page.html).not.toContain('site-header');
  expect(page.html).not.toContain('<form');
  expect(page.html).toContain('href="/static/embed.css"');

  const english = await fetchPage(desk.url, '/embed/services/service-record-certificate?lang=en');
  expect(english.html).toMatch(/<html lang="en" dir="ltr">/);
  expect(textOf(english.html)).toContain('Start on Pishkhan');
  expect(textOf(english.html)).toContain('500,000 rials');
});

test('with no sites configured, only the desk itself may frame the card', async () => {
  const page = await fetchPage(unconfigured.url, '/embed/services/general-letter');
  expect(page.status).toBe(200);
  expect(page.frameAncestors).toBe("'self'");
  expect(page.frameOptions).toBeNull();
});

test.each(['/', '/services/service-record-certificate', '/embed/snippet/service-record-certificate', '/login', '/track'])(
  'every other page (%s) still refuses to be framed by other sites',
  async (path) => {
    const page = await fetchPage(desk.url, path);
    expect(page.status).toBe(200);
    expect(page.frameAncestors).toBe("'self'");
    expect(page.frameOptions).toBe('SAMEORIGIN');
  },
);

test('the snippet page gives the iframe to paste, sandboxed and lazy, and names the allowed sites', async () => {
  const page = await fetchPage(desk.url, '/embed/snippet/service-record-certificate');
  const pasted = /<textarea id="snippet"[^>]*>([^<]*)<\/textarea>/.exec(page.html)![1].replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16))).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  expect(pasted).toBe(
    `<iframe src="${desk.url}/embed/services/service-record-certificate" title="صدور گواهی سابقه خدمت — پیشخوان" width="360" height="320" loading="lazy"` +
      ' sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" referrerpolicy="strict-origin-when-cross-origin"></iframe>',
  );
  // The card has no scripts, so the frame is given none.
  expect(pasted).not.toContain('allow-scripts');
  // The preview on the page is the very same markup.
  expect(page.html).toContain(pasted);
  const text = textOf(page.html);
  for (const origin of ALLOWED) expect(text).toContain(origin);

  const none = await fetchPage(unconfigured.url, '/embed/snippet/service-record-certificate');
  expect(textOf(none.html)).toContain('هنوز هیچ وب‌گاهی اجازه نمایش کارت را ندارد');
});

test('an unknown service has no card and no snippet', async () => {
  for (const path of ['/embed/services/no-such-service', '/embed/snippet/no-such-service']) {
    const page = await fetchPage(desk.url, path);
    expect(page.status).toBe(404);
    expect(page.frameAncestors).toBe("'self'");
  }
});

test('EMBED_ALLOWED_ORIGINS accepts only bare origins', () => {
  expect(loadConfig({ EMBED_ALLOWED_ORIGINS: 'https://a.example.org,https://b.example.org:8443/' }).embedAllowedOrigins).toEqual([
    'https://a.example.org',
    'https://b.example.org:8443',
  ]);
  for (const bad of ['portal.example.org', 'https://portal.example.org/page', '*', "'self'", 'ftp://files.example.org', 'https://a.org;script-src *']) {
    expect(() => loadConfig({ EMBED_ALLOWED_ORIGINS: bad })).toThrow(/EMBED_ALLOWED_ORIGINS/);
  }
});
