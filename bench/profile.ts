// Reads the V8 CPU profiles (`node --cpu-prof`) the web app and the worker wrote on exit: where their time went.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileSummary {
  file: string;
  seconds: number;
  /** self time by function, most first */
  functions: { name: string; where: string; share: number }[];
  /** self time by where the code lives: the desk's own files, each package, node itself, V8 (GC, idle, program) */
  areas: { area: string; share: number }[];
}

function areaOf(url: string, name: string): string {
  if (!url) return name === '(garbage collector)' ? 'V8 garbage collector' : name === '(idle)' ? 'idle' : name === '(program)' ? 'V8 and native code' : `native: ${name || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  return 'the desk\u2019s own code';
}

function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const pkg = /node_modules\/(.+)$/.exec(url);
  const file = pkg ? pkg[1] : url.startsWith('file://') ? path.relative(process.cwd(), url.slice(7)) : url;
  return `${file}:${line + 1}`;
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const total = profile.samples.length || 1;
  const byFunction = new Map<string, { name: string; where: string; hits: number }>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = shortWhere(url, lineNumber);
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, hits: 0 };
    entry.hits += hits;
    byFunction.set(key, entry);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const busy = (e: { name: string }) => e.name !== '(idle)';
  return {
    file,
    seconds: (profile.endTime - profile.startTime) / 1e6,
    functions: [...byFunction.values()].filter(busy).sort((a, b) => b.hits - a.hits).slice(0, top).map((e) => ({ name: e.name, where: e.where, share: e.hits / total })),
    areas: [...byArea].filter(([area]) => area !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, top).map(([area, hits]) => ({ area, share: hits / total })),
  };
}
