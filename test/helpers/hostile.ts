// Sending what a browser never would: paths exactly as written (no `..` folding), any body, any header.
import http from 'node:http';
import type { Browser } from '../../scripts/stack/http-browser';

export interface RawAnswer {
  status: number;
  type: string;
  text: string;
  headers: http.IncomingHttpHeaders;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  as?: Browser;
}

const cookieHeader = (browser: Browser) =>
  ['pk_session', 'pk_csrf', 'pk_lang'].filter((n) => browser.cookie(n)).map((n) => `${n}=${browser.cookie(n)}`).join('; ');

/** One request with the path sent byte for byte as given. */
export function raw(base: string, path: string, request: RawRequest = {}): Promise<RawAnswer> {
  const url = new URL(base);
  const headers: Record<string, string | number> = { ...(request.as ? { cookie: cookieHeader(request.as), 'x-forwarded-for': request.as.address } : {}), ...request.headers };
  if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: request.method ?? 'GET', path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    // The server may answer and close before a refused body is fully sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** A form post with the browser's CSRF token unless `csrf` says otherwise. */
export function formPost(base: string, path: string, as: Browser | undefined, fields: Record<string, string>, csrf: string | null = as?.cookie('pk_csrf') ?? null): Promise<RawAnswer> {
  const body = new URLSearchParams({ ...(csrf !== null ? { _csrf: csrf } : {}), ...fields }).toString();
  return raw(base, path, { method: 'POST', as, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** A multipart form with one file, the way a browser uploads (CSRF token the first field). */
export async function uploadPost(base: string, path: string, as: Browser, fields: Record<string, string>, file: { input: string; name: string; bytes: Buffer; type: string }): Promise<RawAnswer> {
  const form = new FormData();
  form.append('_csrf', as.cookie('pk_csrf') ?? '');
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append(file.input, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const encoded = new Response(form);
  const body = Buffer.from(await encoded.arrayBuffer());
  return raw(base, path, { method: 'POST', as, body, headers: { 'content-type': encoded.headers.get('content-type')! } });
}
