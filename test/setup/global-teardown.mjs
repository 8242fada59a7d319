import fs from 'node:fs';

export default async function globalTeardown() {
  const stack = globalThis.__pishkhanTestStack;
  if (!stack) return;
  for (const stop of stack.stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(error);
    }
  }
  fs.rmSync(stack.dir, { recursive: true, force: true });
}
