// Reading one setting from the environment: whole numbers, URLs, flags, lists and secrets, each refused with one line naming it.

export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

export function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a whole number between 0 and 65535, got "${raw}"`);
  }
  return value;
}

export function url(env: Env, name: string, fallback?: string): string | undefined {
  const raw = env[name] || fallback;
  if (!raw) return undefined;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  return raw.replace(/\/$/, '');
}

export function bounded(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

/** A comma-separated list of web origins such as `https://example.org,https://portal.example.org:8443`. */
export function origins(env: Env, name: string): string[] {
  return (env[name] || '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((raw) => {
      let parsed: URL | null = null;
      try {
        parsed = new URL(raw);
      } catch {
        // reported below
      }
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== raw.replace(/\/$/, '').toLowerCase()) {
        throw new ConfigError(`${name} must list origins like https://example.org (scheme, host and port only), got "${raw}"`);
      }
      return parsed.origin;
    });
}

export function flag(env: Env, name: string, fallback: boolean): boolean {
  return oneOf(env, name, ['true', 'false'] as const, fallback ? 'true' : 'false') === 'true';
}

/** A secret given to others: long enough to resist guessing, printable, no spaces. */
export function token(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  if (!/^[\x21-\x7e]{16,}$/.test(raw)) throw new ConfigError(`${name} must be at least 16 printable characters without spaces`);
  return raw;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = (env[name] || fallback) as T;
  if (!allowed.includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw;
}
