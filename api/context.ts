// What every route is given: the database, Temporal, the settings, and a few shared readers.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { Metrics } from '../lib/metrics';
import type { PublishedCatalog } from '../lib/published-catalog';
import type { Sessions } from './session';
import type { Throttles } from './throttles';
import type { SubmitRequest } from './submission';

export interface AppContext {
  db: Db;
  temporal: Client;
  config: Config;
  log: Logger;
  sessions: Sessions;
  submitRequest: SubmitRequest;
  metrics?: Metrics;
  /** Guess limits shared by every replica (built by createApp when not given) */
  throttles: Throttles;
  /** The published catalogue, held in memory where the app is given a listening one (read directly when not). */
  catalog: PublishedCatalog;
}

/** Keyset pagination cursors are opaque to users: base64url of the last row's sort values. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(raw: unknown): unknown[] | null {
  if (typeof raw !== 'string' || !raw || raw.length > 200) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** One page of a keyset-paginated list fetched with `limit(size + 1)`: the rows to show and the cursor to the next page. */
export function keysetPage<T>(rows: T[], size: number, cursorOf: (last: T) => unknown[]): { items: T[]; next: string | null } {
  const items = rows.slice(0, size);
  return { items, next: rows.length > size ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}
