// A second web app over a test desk's database, Temporal and sandbox, with other settings (limits, allowed origins).
import http from 'node:http';
import { createApp } from '../../api/app';
import { createSessions } from '../../api/session';
import { createSubmitter } from '../../api/submission';
import type { Config } from '../../lib/config';
import { createLogger } from '../../lib/log';
import type { PublishedCatalog } from '../../lib/published-catalog';
import type { Desk } from './desk';

export interface WebApp {
  url: string;
  config: Config;
  stop(): Promise<void>;
}

/** `secureCookies`: the app sets its cookies as production does (Secure, and the __Host- CSRF cookie). */
export async function startWebApp(desk: Desk, change: (config: Config) => Config, options: { secureCookies?: boolean; db?: Desk['db']; catalog?: PublishedCatalog } = {}): Promise<WebApp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  const url = `http://127.0.0.1:${port}`;
  const config = change({ ...desk.config, port, publicUrl: url });
  const app = createApp({
    db: options.db ?? desk.db,
    catalog: options.catalog,
    temporal: desk.temporal,
    config,
    log: createLogger('silent'),
    sessions: createSessions(options.db ?? desk.db, options.secureCookies ?? false),
    submitRequest: createSubmitter(desk.db, desk.temporal, config),
  });
  server.on('request', app);
  return {
    url,
    config,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
