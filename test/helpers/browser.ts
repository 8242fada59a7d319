// A cookie-keeping HTTP client that fills forms the way a browser without JavaScript would.
import { randomInt } from 'node:crypto';

export interface Page {
  status: number;
  html: string;
  url: string;
  location: string | null;
}

export class Browser {
  private cookies = new Map<string, string>();
  /** Each browser looks like its own client address (the app trusts X-Forwarded-For from loopback). */
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

  async get(path: string, follow = true): Promise<Page> {
    const response = await fetch(new URL(path, this.base), { headers: this.headers(), redirect: 'manual' });
    this.remember(response);
    const location = response.headers.get('location');
    if (follow && location && response.status >= 300 && response.status < 400) return this.get(location);
    return { status: response.status, html: await response.text(), url: path, location };
  }

  /** Posts a form with the page's CSRF token, following the redirect like a browser does. */
  async post(path: string, fields: Record<string, string>, follow = true): Promise<Page> {
    if (!this.cookies.has('pk_csrf')) await this.get('/');
    const body = new URLSearchParams({ _csrf: this.cookies.get('pk_csrf') ?? '', ...fields });
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
