// The staff inbox at scale: requests made in bulk with generate_series, and the plan PostgreSQL picks
// for the exact query the inbox page sends.
import http from 'node:http';
import pg from 'pg';
import { createApp } from '../api/app';
import { createSessions } from '../api/session';
import { createSubmitter } from '../api/submission';
import { createDb } from '../lib/db';
import { createLogger } from '../lib/log';
import type { OwnStack } from '../scripts/stack/own-stack';

/**
 * Grows the requests table to `total` rows: every department gets its share, 70 % closed, due dates
 * spread over a week. Tracking codes start with 0, which real codes never do.
 */
export async function growRequests(stack: OwnStack, total: number, log: (m: string) => void): Promise<void> {
  const db = stack.db;
  const [{ n: existing }] = await db('requests').where('tracking_code', 'like', '0%').count({ n: '*' });
  const departments: number[] = await db('departments').orderBy('id').pluck('id');
  const citizen = (await db('citizens').first('id')) ?? (await db('citizens').insert({ mobile: '09100000000' }).returning('id'))[0];
  const version = (await db('services').where({ id: 'general-letter' }).first('current_version')).current_version;
  const chunk = 200_000;
  for (let from = Number(existing) + 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1);
    await db.raw(
      `insert into requests (tracking_code, service_id, service_version, citizen_id, mobile, status, department_id, answers,
         applicant_name, sla_due_at, sla_state, created_at, updated_at, closed_at)
       select '0' || lpad(g::text, 11, '0'), 'general-letter', ?, ?, '09100000000',
         case when g % 10 < 7 then 'closed' else 'in_progress' end,
         (?::int[])[1 + g % ?], '{}'::jsonb, 'متقاضی ' || g,
         now() + (g % 10080) * interval '1 minute', 'on_time', now() - interval '2 days', now(),
         case when g % 10 < 7 then now() - interval '1 day' else null end
       from generate_series(?::int, ?::int) g`,
      [version, citizen.id, departments, departments.length, from, to],
    );
    log(`  requests: ${to.toLocaleString('en')} rows`);
  }
  await db.raw('analyze requests');
}

export interface Plan {
  sql: string;
  text: string;
  usesIndex: boolean;
  scansWholeTable: boolean;
  executionMs: number;
}

/**
 * Serves one inbox page from an in-process copy of the app whose queries are recorded, then asks
 * PostgreSQL to EXPLAIN ANALYZE the requests query it sent — the page's own SQL, not a copy of it.
 */
export async function inboxPlan(stack: OwnStack, cookie: string): Promise<Plan> {
  const db = createDb(stack.config.databaseUrl!);
  const seen: { sql: string; bindings: unknown[] }[] = [];
  db.on('query', (q: { sql: string; bindings: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings }));
  const app = createApp({
    db,
    temporal: stack.temporal,
    config: stack.config,
    log: createLogger('silent'),
    sessions: createSessions(db, false),
    submitRequest: createSubmitter(db, stack.temporal, stack.config),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const page = await fetch(`http://127.0.0.1:${port}/staff`, { headers: { cookie } });
    if (page.status !== 200) throw new Error(`the inbox answered ${page.status}`);
  } finally {
    server.close();
    await db.destroy();
  }
  const query = seen.find((q) => /from "requests" as "r"/.test(q.sql) && /order by "r"\."sla_due_at"/.test(q.sql));
  if (!query) throw new Error(`the inbox sent no requests query: ${seen.map((q) => q.sql).join('\n')}`);
  const client = new pg.Client(stack.config.databaseUrl);
  await client.connect();
  try {
    const result = await client.query(`explain (analyze, buffers, costs off) ${query.sql}`, query.bindings as unknown[]);
    const text = result.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    return {
      sql: query.sql,
      text,
      usesIndex: /Index (Only )?Scan using requests_/.test(text),
      scansWholeTable: /Seq Scan on requests/.test(text),
      executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(text)?.[1] ?? NaN),
    };
  } finally {
    await client.end();
  }
}
