// A cookie-keeping HTTP client that fills forms the way a browser without JavaScript would.
import { randomInt } from 'node:crypto';

export interface Page {
  status: number;
  html: string;
  url: string;
  location: string | null;
}

/**
 * A GET sent on a kept-alive connection the server closed at that moment fails before any answer; a browser
 * sends it again once on a new connection, and so does this client. A refused connection is not resent.
 */
async function resent(send: () => Promise<Response>): Promise<Response> {
  try {
    return await send();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code !== 'UND_ERR_SOCKET' && cause?.code !== 'ECONNRESET') throw error;
    return send();
  }
}

export class Browser {
  private cookies = new Map<string, string>();
  /** Each browser looks like its own client address (test desks set TRUST_PROXY=loopback). */
  readonly address = `10.${randomInt(0, 255)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;

  constructor(readonly base: string) {}

  private remember(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      if (/expires=Thu, 01 Jan 1970/i.test(header) || value === '') this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
  }

  private headers(extra: Record<string, string> = {}) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { ...(cookie ? { cookie } : {}), 'x-forwarded-for': this.address, ...extra };
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The CSRF token a form carries: the cookie is `__Host-pk_csrf` where cookies are Secure (production). */
  private async csrf(): Promise<string> {
    const token = () => this.cookies.get('pk_csrf') ?? this.cookies.get('__Host-pk_csrf');
    if (!token()) await this.get('/');
    return token() ?? '';
  }

  /** The same visitor (the same cookies) talking to another web replica of the desk. */
  sameVisitorAt(base: string): Browser {
    const other = new Browser(base);
    other.cookies = this.cookies;
    return other;
  }

  async get(path: string, follow = true): Promise<Page> {
    const response = await resent(() => fetch(new URL(path, this.base), { headers: this.headers(), redirect: 'manual' }));
    this.remember(response);
    const location = response.headers.get('location');
    if (follow && location && response.status >= 300 && response.status < 400) return this.get(location);
    return { status: response.status, html: await response.text(), url: path, location };
  }

  /** Posts a form with the page's CSRF token, following the redirect like a browser does. */
  async post(path: string, fields: Record<string, string | string[]>, follow = true): Promise<Page> {
    const body = new URLSearchParams({ _csrf: await this.csrf() });
    // A list is sent as repeated fields, as checkboxes of one name are.
    for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) body.append(name, one);
    const response = await fetch(new URL(path, this.base), {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body,
      redirect: 'manual',
    });
    this.remember(response);
    const location = response.headers.get('location');
    if (follow && location && response.status >= 300 && response.status < 400) return this.get(location);
    return { status: response.status, html: await response.text(), url: path, location };
  }

  /** Posts a multipart form the way a browser sends a file upload: the CSRF token and fields first, then files. */
  async upload(path: string, fields: Record<string, string>, files: Record<string, { name: string; bytes: Uint8Array; type?: string }>, follow = true): Promise<Page> {
    const form = new FormData();
    form.append('_csrf', await this.csrf());
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    for (const [name, file] of Object.entries(files)) form.append(name, new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
    const response = await fetch(new URL(path, this.base), { method: 'POST', headers: this.headers(), body: form, redirect: 'manual' });
    this.remember(response);
    const location = response.headers.get('location');
    if (follow && location && response.status >= 300 && response.status < 400) return this.get(location);
    return { status: response.status, html: await response.text(), url: path, location };
  }

  /** The raw response of a GET, for downloads: status, headers and bytes. */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const response = await resent(() => fetch(new URL(path, this.base), { headers: this.headers(), redirect: 'manual' }));
    this.remember(response);
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  async json(path: string, init: RequestInit = {}): Promise<{ status: number; body: any; type: string | null }> {
    const response = await fetch(new URL(path, this.base), { ...init, headers: { ...this.headers(), ...(init.headers as Record<string, string>) } });
    this.remember(response);
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, type: response.headers.get('content-type') };
  }
}

/** The visible text of a page, tags removed, for assertions about what a person reads. */
export function textOf(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}
