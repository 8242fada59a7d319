// A visitor who tries again, the way a browser's user or a well-behaved client does when a replica goes
// away: GETs again on 502/503/504 or a dropped connection, POSTs again only where the desk makes a repeat
// harmless (a submit consumes its draft once; a decision is taken once). Every failure seen is recorded.
import type { Browser, Page } from '../../scripts/stack/http-browser';

export interface Failure {
  /** when the attempt was sent, and when its failure came back */
  sentAt: number;
  at: number;
  method: 'GET' | 'POST';
  path: string;
  status: number | string;
}

const RETRYABLE = new Set([502, 503, 504]);
const ATTEMPTS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function patiently(method: Failure['method'], path: string, failures: Failure[], attempt: () => Promise<Page>): Promise<Page> {
  for (let tries = 1; ; tries++) {
    let page: Page;
    const sentAt = Date.now();
    try {
      page = await attempt();
    } catch (error) {
      failures.push({ sentAt, at: Date.now(), method, path, status: String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message) });
      if (tries >= ATTEMPTS) throw error;
      await sleep(500 + Math.random() * 500);
      continue;
    }
    if (page.status >= 500) failures.push({ sentAt, at: Date.now(), method, path, status: page.status });
    if (!RETRYABLE.has(page.status) || tries >= ATTEMPTS) return page;
    await sleep(500 + Math.random() * 500);
  }
}

export class PatientVisitor {
  constructor(readonly browser: Browser, readonly failures: Failure[]) {}

  get(path: string): Promise<Page> {
    return patiently('GET', path, this.failures, () => this.browser.get(path, false)).then((page) => this.follow(page));
  }

  /** Only for the posts a repeat cannot double: the desk's answer to a second one is the first one's result. */
  post(path: string, fields: Record<string, string>): Promise<Page> {
    return patiently('POST', path, this.failures, () => this.browser.post(path, fields, false)).then((page) => this.follow(page));
  }

  private async follow(page: Page): Promise<Page> {
    if (page.status >= 300 && page.status < 400 && page.location) {
      const next = await this.get(page.location);
      return { ...next, url: page.location };
    }
    return page;
  }
}
