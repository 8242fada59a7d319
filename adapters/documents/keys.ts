// Storage keys are ours alone: random, hex, and checked before they touch a path or a bucket.
import { randomBytes } from 'node:crypto';

const KEY = /^[a-f0-9]{32}$/;

/** A fresh random storage key: 128 bits, hex, safe as a file name and as an object key. */
export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

export function assertStorageKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`not a storage key: ${JSON.stringify(key).slice(0, 80)}`);
}
