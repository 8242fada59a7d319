// Lets tests and demos make a sandbox service fail on purpose: `down` (503) or `reject` (4xx), N times or for good;
// `slow` answers late; `hold` keeps every call waiting until the target is set `ok` again.
export type Fault = 'down' | 'reject' | 'slow' | 'hold';
export const FAULTS: readonly string[] = ['down', 'reject', 'slow', 'hold', 'ok'];

export class FaultSwitch {
  private faults = new Map<string, { fault: Fault; remaining: number }>();

  set(target: string, fault: Fault | 'ok', times = Infinity): void {
    if (fault === 'ok') this.faults.delete(target);
    else this.faults.set(target, { fault, remaining: times });
  }

  take(target: string): Fault | null {
    const entry = this.faults.get(target);
    if (!entry || entry.fault === 'hold') return null;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.faults.delete(target);
    return entry.fault;
  }

  /** Resolves once the target is not held (see `hold`). */
  async released(target: string): Promise<void> {
    while (this.faults.get(target)?.fault === 'hold') await new Promise((r) => setTimeout(r, 25));
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
