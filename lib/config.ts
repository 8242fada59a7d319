// Every setting of the desk, read from the environment in this one place and validated at start.
import path from 'node:path';

export type SmsProviderName = 'sandbox' | 'kavenegar' | 'http';

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  publicUrl: string;
  dataDir: string;
  catalogDir: string;
  databaseUrl?: string;
  embeddedPostgresPort: number;
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    tls: boolean;
    clientCertPath?: string;
    clientKeyPath?: string;
    cliPath?: string;
    devServerPort: number;
    uiPort: number;
  };
  sessionSecret: string;
  sandboxPort: number;
  sandboxUrl: string;
  sms: {
    provider: SmsProviderName;
    sandboxUrl: string;
    kavenegarApiKey?: string;
    kavenegarUrl: string;
    kavenegarSender?: string;
    httpUrl?: string;
    httpToken?: string;
  };
  agencies: Record<string, string>;
  paymentGatewayUrl: string;
  documentDir: string;
  holidays: string[];
  logLevel: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a whole number between 0 and 65535, got "${raw}"`);
  }
  return value;
}

function url(env: Env, name: string, fallback?: string): string | undefined {
  const raw = env[name] || fallback;
  if (!raw) return undefined;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got "${raw}"`);
  }
  return raw.replace(/\/$/, '');
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = (env[name] || fallback) as T;
  if (!allowed.includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw;
}

/** Agencies are configured as AGENCY_<NAME>_URL, e.g. AGENCY_CIVIL_REGISTRY_URL → 'civil-registry'. */
function agencies(env: Env, sandboxUrl: string): Record<string, string> {
  const found: Record<string, string> = {
    'civil-registry': `${sandboxUrl}/agencies/civil-registry`,
    'postal-company': `${sandboxUrl}/agencies/postal-company`,
  };
  for (const [key, value] of Object.entries(env)) {
    const match = /^AGENCY_([A-Z0-9_]+)_URL$/.exec(key);
    if (match && value) found[match[1].toLowerCase().replace(/_/g, '-')] = url(env, key)!;
  }
  return found;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = int(env, 'PORT', 3000);
  const sandboxPort = int(env, 'SANDBOX_PORT', 3100);
  const sandboxUrl = url(env, 'SANDBOX_URL', `http://127.0.0.1:${sandboxPort}`)!;
  const dataDir = path.resolve(env.DATA_DIR || 'data');
  const sessionSecret = env.SESSION_SECRET || (nodeEnv === 'production' ? '' : 'pishkhan-development-secret');
  if (nodeEnv === 'production' && sessionSecret.length < 32) {
    throw new ConfigError('SESSION_SECRET must be set to at least 32 characters in production');
  }
  const tls = env.TEMPORAL_TLS === 'true';
  return {
    env: nodeEnv,
    port,
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${port}`)!,
    dataDir,
    catalogDir: path.resolve(env.CATALOG_DIR || 'service-catalog'),
    databaseUrl: url(env, 'DATABASE_URL'),
    embeddedPostgresPort: int(env, 'EMBEDDED_POSTGRES_PORT', 5433),
    temporal: {
      address: env.TEMPORAL_ADDRESS || undefined,
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE || 'pishkhan',
      tls,
      clientCertPath: env.TEMPORAL_TLS_CERT || undefined,
      clientKeyPath: env.TEMPORAL_TLS_KEY || undefined,
      cliPath: env.TEMPORAL_CLI || undefined,
      devServerPort: int(env, 'TEMPORAL_DEV_PORT', 7233),
      uiPort: int(env, 'TEMPORAL_UI_PORT', 8233),
    },
    sessionSecret,
    sandboxPort,
    sandboxUrl,
    sms: {
      provider: oneOf(env, 'SMS_PROVIDER', ['sandbox', 'kavenegar', 'http'] as const, 'sandbox'),
      sandboxUrl: url(env, 'SMS_SANDBOX_URL', `${sandboxUrl}/sms`)!,
      kavenegarApiKey: env.KAVENEGAR_API_KEY || undefined,
      kavenegarUrl: url(env, 'KAVENEGAR_URL', 'https://api.kavenegar.com')!,
      kavenegarSender: env.KAVENEGAR_SENDER || undefined,
      httpUrl: url(env, 'SMS_HTTP_URL'),
      httpToken: env.SMS_HTTP_TOKEN || undefined,
    },
    agencies: agencies(env, sandboxUrl),
    paymentGatewayUrl: url(env, 'PAYMENT_GATEWAY_URL', `${sandboxUrl}/payment`)!,
    documentDir: path.resolve(env.DOCUMENT_DIR || path.join(dataDir, 'documents')),
    holidays: (env.HOLIDAYS || '').split(',').map((s) => s.trim()).filter(Boolean),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
  };
}

/** For entry points: one clear line naming the bad setting, then exit. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
