// CPU time by part of the desk, read from /proc: what one request costs each process.
import fs from 'node:fs';

const TICK = 100; // clock ticks per second on Linux

function statOf(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after it are fixed.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Every live process under `root`, itself included. */
function treeOf(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (stat) parents.set(stat.ppid, [...(parents.get(stat.ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of parents.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

export interface CpuParts {
  web: number;
  /** the worker's own Node process */
  worker: number;
  /** the Chromium the worker prints documents with (its browser and helper processes) */
  chromium: number;
  temporal: number;
  postgres: number;
  /** the bench process itself: citizens, clerks and the sandbox */
  bench: number;
}

/** CPU seconds used so far by each part (processes that died meanwhile are not counted). */
export function cpuSeconds(pids: { web: number; worker: number; servers: number }): CpuParts {
  const seconds = (pid: number) => (statOf(pid)?.ticks ?? 0) / TICK;
  let temporal = 0;
  let postgres = 0;
  for (const pid of treeOf(pids.servers)) {
    const command = commandOf(pid);
    if (/temporal/.test(command)) temporal += seconds(pid);
    else if (/postgres/.test(command)) postgres += seconds(pid);
  }
  const own = process.cpuUsage();
  const workerTree = treeOf(pids.worker);
  const printing = workerTree.filter((pid) => /chrom/i.test(commandOf(pid)));
  return {
    web: treeOf(pids.web).reduce((sum, pid) => sum + seconds(pid), 0),
    worker: workerTree.filter((pid) => !printing.includes(pid)).reduce((sum, pid) => sum + seconds(pid), 0),
    chromium: printing.reduce((sum, pid) => sum + seconds(pid), 0),
    temporal,
    postgres,
    bench: (own.user + own.system) / 1e6,
  };
}

export function cpuBetween(before: CpuParts, after: CpuParts): CpuParts {
  return {
    web: after.web - before.web,
    worker: after.worker - before.worker,
    chromium: after.chromium - before.chromium,
    temporal: after.temporal - before.temporal,
    postgres: after.postgres - before.postgres,
    bench: after.bench - before.bench,
  };
}

/**
 * Memory (MiB) of the Chromium processes under `root`: their proportional set sizes summed, so pages they share
 * are counted once between them (their RSS summed would count them in each).
 */
export function chromiumRssMiB(root: number): number {
  let kib = 0;
  for (const pid of treeOf(root)) {
    if (!/chrom/i.test(commandOf(pid))) continue;
    try {
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kib / 1024;
}
