// What the benchmarks measure with: the machine they ran on, HTTP load (autocannon), and percentiles.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

// autocannon ships no type declarations; this is the part of its result the benchmarks read.
interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon: (options: Record<string, unknown>) => Promise<LoadResult> = require('autocannon');

export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  loadAverage: string;
}

export function machine(): Machine {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  let nproc = os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // os.cpus() is the fallback
  }
  return {
    date: new Date().toISOString(),
    cpus: nproc,
    cpuModel: model,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

/** Sends as many GETs as `connections` clients can for `seconds`; every answer must be a 2xx. */
export async function load(url: string, options: { seconds?: number; connections?: number; headers?: Record<string, string> } = {}): Promise<Load> {
  const result = await autocannon({ url, duration: options.seconds ?? 10, connections: options.connections ?? 10, headers: options.headers ?? {} });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `work` `count` times with `concurrency` at once; returns completions per second. */
export async function throughput(count: number, concurrency: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
