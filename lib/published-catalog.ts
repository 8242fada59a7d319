// The published catalogue held in memory by each web replica: the catalogue, card and form pages read it
// without a query. PostgreSQL tells every replica when a service is published or retired or a department
// changes (LISTEN/NOTIFY, sent by triggers, so every writer is covered); the replica then reloads the whole
// catalogue in one query. While the replica is not listening (starting, or its connection lost) it reads
// PostgreSQL directly, so it never serves a catalogue it cannot know is current.
import { Client } from 'pg';
import type { Db } from './db';
import type { ServiceDefinition } from '../workflows/types';

export const CATALOG_CHANNEL = 'pishkhan_catalog';

export interface PublishedService {
  id: string;
  version: number;
  title: string;
  category: string;
  searchText: string;
  definition: ServiceDefinition;
}

export interface Department {
  id: number;
  code: string;
  name: string;
  [column: string]: unknown;
}

export interface CatalogSnapshot {
  /** Published services in id order (the catalogue's keyset order). */
  services: PublishedService[];
  byId: Map<string, PublishedService>;
  categories: string[];
  departments: Map<string, Department>;
}

/** Reads the whole published catalogue and the departments: two queries, whatever the size. */
export async function readSnapshot(db: Db): Promise<CatalogSnapshot> {
  const [rows, departments] = await Promise.all([
    db('services as s')
      .join('service_versions as v', function () {
        this.on('v.service_id', 's.id').andOn('v.version', 's.current_version');
      })
      .whereNull('s.retired_at')
      .orderBy('s.id')
      .select('s.id', 's.title', 's.category', 's.search_text', 'v.version', 'v.definition'),
    db('departments').select('*'),
  ]);
  const services: PublishedService[] = rows.map((r: { id: string; title: string; category: string; search_text: string | null; version: number; definition: ServiceDefinition }) => ({
    id: r.id,
    version: r.version,
    title: r.title,
    category: r.category,
    searchText: r.search_text ?? '',
    definition: r.definition,
  }));
  // PostgreSQL's order of ids is the one the catalogue pages by; keep it rather than re-sort by JS rules.
  return {
    services,
    byId: new Map(services.map((s) => [s.id, s])),
    categories: [...new Set(services.map((s) => s.category))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    departments: new Map((departments as Department[]).map((d) => [d.code, d])),
  };
}

export interface PublishedCatalog {
  /** The catalogue as it is now: from memory while listening, otherwise read from PostgreSQL. */
  snapshot(): Promise<CatalogSnapshot>;
  /** This replica just changed the catalogue: reload now, so its own next page shows the change. */
  changed(): Promise<void>;
  /** Whether pages are served from memory (listening and loaded). */
  readonly listening: boolean;
  /** How many times the catalogue was read from PostgreSQL (for the tests and the metrics). */
  readonly loads: number;
  /** Of those, how many a page made because the catalogue in memory could not be used (not listening). */
  readonly misses: number;
  close(): Promise<void>;
}

/** Always reads PostgreSQL: for scripts and apps that are not given a listening catalogue. */
export function directCatalog(db: Db): PublishedCatalog {
  let loads = 0;
  return {
    async snapshot() {
      loads += 1;
      return readSnapshot(db);
    },
    async changed() {},
    get listening() {
      return false;
    },
    get loads() {
      return loads;
    },
    get misses() {
      return loads;
    },
    async close() {},
  };
}

export interface ListeningOptions {
  onError?: (error: Error) => void;
  /** First wait before reconnecting after the connection is lost; doubles up to 10 s. */
  retryMs?: number;
}

/** A catalogue kept in memory and reloaded when PostgreSQL says it changed. */
export async function listeningCatalog(db: Db, databaseUrl: string, options: ListeningOptions = {}): Promise<PublishedCatalog> {
  let current: CatalogSnapshot | null = null;
  let listener: Client | null = null;
  let loads = 0;
  let misses = 0;
  let closed = false;
  let generation = 0;
  let reloading: Promise<void> | null = null;
  let again = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let retryMs = options.retryMs ?? 250;

  const load = async () => {
    loads += 1;
    return readSnapshot(db);
  };

  // One reload at a time; a notice that arrives during a reload makes one more reload after it.
  const reload = (): Promise<void> => {
    if (reloading) {
      again = true;
      return reloading;
    }
    const mine = generation;
    reloading = (async () => {
      try {
        do {
          again = false;
          const next = await load();
          if (mine === generation && listener) current = next;
        } while (again && !closed);
      } finally {
        reloading = null;
      }
    })();
    return reloading;
  };

  const lost = (error?: Error) => {
    if (error) options.onError?.(error);
    generation += 1;
    current = null;
    const gone = listener;
    listener = null;
    gone?.removeAllListeners();
    gone?.on('error', () => {});
    void gone?.end().catch(() => {});
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 10_000);
  };

  const connect = async () => {
    if (closed) return;
    const client = new Client({ connectionString: databaseUrl });
    client.on('error', (error) => lost(error));
    client.on('end', () => {
      if (listener === client) lost(new Error('the catalogue listener connection ended'));
    });
    try {
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === CATALOG_CHANNEL && listener === client) void reload().catch((error: Error) => lost(error));
      });
      await client.query(`LISTEN ${CATALOG_CHANNEL}`);
      if (closed) {
        await client.end();
        return;
      }
      listener = client;
      retryMs = options.retryMs ?? 250;
      // Loaded after LISTEN: a change committed in between is either in this load or announced after it.
      await reload();
    } catch (error) {
      if (listener === client || listener === null) {
        listener = client;
        lost(error as Error);
      }
    }
  };

  await connect();

  return {
    async snapshot() {
      if (current && listener) return current;
      if (listener && reloading) {
        await reloading;
        if (current) return current;
      }
      misses += 1;
      return load();
    },
    async changed() {
      if (listener) await reload();
    },
    get listening() {
      return listener !== null && current !== null;
    },
    get loads() {
      return loads;
    },
    get misses() {
      return misses;
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const client = listener;
      listener = null;
      current = null;
      client?.removeAllListeners();
      client?.on('error', () => {});
      await client?.end().catch(() => {});
    },
  };
}
