// Keeps a process running the way an orchestrator does: restarts it when it dies, and can kill it on purpose.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** A running process: its id (also its process group), when it ends, how to stop it. */
export interface Handle {
  pid: number;
  exited: Promise<unknown>;
  stop(): Promise<void>;
}

export interface Restart {
  killedPid: number;
  pid: number;
  /** from the kill to the new process being ready */
  downMs: number;
  /** when the signal was sent and when the new process answered, by this machine's clock (ms since the epoch) */
  killedAt: number;
  backAt: number;
}

export interface Supervised {
  name: string;
  pid(): number;
  /** Kills it (SIGKILL by default: a crash) and settles once its replacement is ready. */
  killAndWaitForRestart(signal?: NodeJS.Signals): Promise<Restart>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Signals a process group, or the lone process when it leads none. */
export function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

export async function supervise(name: string, launch: () => Promise<Handle>, log: (m: string) => void, emit: (e: Record<string, unknown>) => void): Promise<Supervised> {
  let current = await launch();
  let stopping = false;
  const waiting: ((h: Handle) => void)[] = [];
  const watch = (handle: Handle) => {
    void handle.exited.then(async (code) => {
      if (stopping) return;
      emit({ event: 'exited', name, pid: handle.pid, code });
      log(`${name} (pid ${handle.pid}) exited (${String(code)}); restarting it`);
      for (let attempt = 1; ; attempt++) {
        await sleep(Math.min(1000 * attempt, 10_000));
        if (stopping) return;
        try {
          current = await launch();
          break;
        } catch (error) {
          log(`${name} did not come back: ${(error as Error).message}`);
        }
      }
      emit({ event: 'started', name, pid: current.pid });
      log(`${name} is back (pid ${current.pid})`);
      watch(current);
      for (const resolve of waiting.splice(0)) resolve(current);
    });
  };
  watch(current);
  return {
    name,
    pid: () => current.pid,
    async killAndWaitForRestart(sig = 'SIGKILL') {
      const killedPid = current.pid;
      const back = new Promise<Handle>((resolve) => waiting.push(resolve));
      const killedAt = Date.now();
      signal(killedPid, sig);
      const handle = await back;
      const backAt = Date.now();
      return { killedPid, pid: handle.pid, downMs: backAt - killedAt, killedAt, backAt };
    },
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}

/** Polls a URL until it answers 200. */
async function answers(url: string, until: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let over = false;
  void until.then(() => (over = true));
  const deadline = Date.now() + timeoutMs;
  while (!over && Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return true;
    await sleep(250);
  }
  return false;
}

/**
 * `tsx <script>` (or, `compiled`, plain node on its build in dist/) in a process group of its own (so a kill
 * reaches the node process tsx starts), its output appended to `logFile`; with `readyUrl`, settles once that
 * answers 200.
 */
export async function runNodeScript(o: { name: string; script: string; env: Record<string, string>; logFile: string; readyUrl?: string; timeoutMs?: number; compiled?: boolean }): Promise<Handle> {
  const out = fs.openSync(o.logFile, 'a');
  const [command, args] = o.compiled ? [process.execPath, [path.join(root, 'dist', o.script.replace(/\.ts$/, '.js'))]] : [tsx, [o.script]];
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...o.env }, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<unknown>((resolve) => child.once('exit', (code, sig) => resolve(code ?? sig)));
  const handle: Handle = {
    pid: child.pid!,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signal(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => signal(child.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (!o.readyUrl) return handle;
  if (await answers(o.readyUrl, exited, o.timeoutMs ?? 240_000)) return handle;
  await handle.stop();
  const tail = fs.readFileSync(o.logFile, 'utf8').split('\n').slice(-20).join('\n');
  throw new Error(`${o.name} was not ready at ${o.readyUrl}:\n${tail}`);
}
