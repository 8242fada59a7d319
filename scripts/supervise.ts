// The desk's own processes under `npm start`: the sandbox, the worker and the web app each run as a child
// process. One that dies is started again after a pause that grows while it keeps dying (1 s, 2 s, … 30 s),
// and the log says so; stopping stops them all.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Supervised {
  readonly name: string;
  /** The running child's pid, or null between a death and its restart. */
  pid(): number | null;
  /** How many times it was started again after dying. */
  restarts(): number;
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  /** The entry point beside this file, without extension (`web`, `worker`, `sandbox`). */
  script: string;
  env: NodeJS.ProcessEnv;
  say: (message: string) => void;
  /** How long a stopping child gets before it is killed. */
  graceMs?: number;
}

const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 30_000;
/** A child that ran this long before dying is restarted after the shortest pause again. */
const STEADY_MS = 60_000;

/** Compiled (dist/scripts/*.js) runs the JavaScript with plain node; from source, node loads tsx first. */
function entryOf(script: string): { file: string; execArgv: string[] } {
  const compiled = __filename.endsWith('.js');
  return compiled
    ? { file: path.join(__dirname, `${script}.js`), execArgv: [] }
    : { file: path.join(__dirname, `${script}.ts`), execArgv: ['--import', 'tsx'] };
}

/** Starts the child and resolves once it says it is ready (or rejects if it dies first). */
export function supervise(options: SuperviseOptions): Promise<Supervised> {
  const { name, say } = options;
  const entry = entryOf(options.script);
  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  let pause = FIRST_PAUSE_MS;
  let timer: NodeJS.Timeout | null = null;

  return new Promise((resolveFirst, rejectFirst) => {
    let first = true;
    const start = () => {
      timer = null;
      if (stopping) return;
      const startedAt = Date.now();
      // A process group of its own: Ctrl-C in the terminal reaches `npm start` alone, which stops the children in
      // order; a child whose parent dies notices its IPC channel closing and stops (see sayReady).
      const current = fork(entry.file, [], { env: options.env, execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
      child = current;
      current.on('message', (message: { ready?: boolean }) => {
        if (!message?.ready) return;
        if (first) {
          first = false;
          resolveFirst(handle);
        } else say(`${name} is running again (pid ${current.pid})`);
      });
      current.once('exit', (code, signal) => {
        if (child === current) child = null;
        if (stopping) return;
        const how = signal ? `killed by ${signal}` : `exit code ${code}`;
        if (first) {
          rejectFirst(new Error(`${name} stopped while starting (${how})`));
          return;
        }
        if (Date.now() - startedAt >= STEADY_MS) pause = FIRST_PAUSE_MS;
        say(`${name} stopped unexpectedly (${how}); starting it again in ${Math.round(pause / 1000)} s`);
        restarts += 1;
        timer = setTimeout(start, pause);
        pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
      });
    };
    const handle: Supervised = {
      name,
      pid: () => child?.pid ?? null,
      restarts: () => restarts,
      async stop() {
        stopping = true;
        if (timer) clearTimeout(timer);
        const running = child;
        if (!running || running.exitCode !== null || running.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
        running.kill('SIGTERM');
        const kill = setTimeout(() => running.kill('SIGKILL'), options.graceMs ?? 15_000);
        await exited;
        clearTimeout(kill);
      },
    };
    start();
  });
}

/** Tells the supervisor (if there is one) that this process is ready; if the supervisor dies, this process stops. */
export function sayReady(): void {
  if (!process.send) return;
  process.send({ ready: true });
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
