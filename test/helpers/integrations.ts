// Steps shared by the integration tests: a form sent with a file, an API key made on the admin page.
import { randomBytes } from 'node:crypto';
import type { Browser } from '../../scripts/stack/http-browser';

/** A small but real PDF: the desk judges files by their first bytes. */
export function pdfBytes(label = randomBytes(8).toString('hex')): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${label}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

/** Fills the form with one file attached (multipart, as a browser sends it), passes the check page, submits. */
export async function submitWithDocument(browser: Browser, serviceId: string, answers: Record<string, string>, doc: { key: string; name: string; bytes: Buffer; mime: string }): Promise<string> {
  if (!browser.cookie('pk_csrf')) await browser.get('/');
  const csrf = browser.cookie('pk_csrf')!;
  const form = new FormData();
  form.append('_csrf', csrf);
  for (const [k, v] of Object.entries(answers)) form.append(k, v);
  form.append(`doc-${doc.key}`, new Blob([new Uint8Array(doc.bytes)], { type: doc.mime }), doc.name);
  const cookie = cookiesOf(browser);
  const response = await fetch(new URL(`/services/${serviceId}/apply`, browser.base), {
    method: 'POST',
    headers: { cookie, 'x-forwarded-for': browser.address },
    body: form,
    redirect: 'manual',
  });
  if (response.status !== 303 || !String(response.headers.get('location')).endsWith('/check')) {
    throw new Error(`the form with a file was refused: ${response.status} ${(await response.text()).slice(0, 1500)}`);
  }
  const done = await browser.post(`/services/${serviceId}/submit`, {});
  const match = /\/requests\/(\d{12})\/submitted/.exec(done.url);
  if (!match) throw new Error(`no confirmation page: ${done.status} ${done.url}`);
  return match[1];
}

const cookiesOf = (browser: Browser) =>
  ['pk_session', 'pk_csrf', 'pk_lang'].filter((n) => browser.cookie(n)).map((n) => `${n}=${browser.cookie(n)}`).join('; ');

/** A form post with repeated fields (checkbox groups), which Browser.post's record cannot carry; redirects are not followed. */
export async function postForm(browser: Browser, path: string, fields: [string, string][]): Promise<{ status: number; html: string; location: string | null }> {
  if (!browser.cookie('pk_csrf')) await browser.get('/');
  const body = new URLSearchParams([['_csrf', browser.cookie('pk_csrf') ?? ''], ...fields]);
  const response = await fetch(new URL(path, browser.base), {
    method: 'POST',
    headers: { cookie: cookiesOf(browser), 'x-forwarded-for': browser.address, 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
}

/** Creates a key on /admin/api-keys (for the departments named by code, or every one) and reads it from the page, the one time it is shown. */
export async function createApiKey(admin: Browser, name: string, scopes: string[], departments?: string[]): Promise<string> {
  const form = (await admin.get('/admin/api-keys')).html;
  const boxes = [...form.matchAll(/name="departments" value="(\d+)"[^>]*><label[^>]*>([^<]+)</g)].map((m) => ({ id: m[1], name: m[2] }));
  const chosen = departments ? boxes.filter((b) => departments.includes(b.name)) : boxes;
  if (departments && chosen.length !== departments.length) throw new Error(`no such departments on the form: ${departments.join(', ')}`);
  const page = await postForm(admin, '/admin/api-keys', [['name', name], ...scopes.map((s): [string, string] => ['scopes', s]), ...chosen.map((d): [string, string] => ['departments', d.id])]);
  const key = /pkh_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/.exec(page.html)?.[0];
  if (page.status !== 201 || !key) throw new Error(`no key was shown: ${page.status}`);
  return key;
}
