// Every setting of the desk, read from the environment in this one place and validated at start.
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { WEEKDAY_NAMES, weekendOf } from './calendar';
import type { Weekday } from './jalali';
import { bounded, ConfigError, flag, int, oneOf, origins, token, url, type Env } from './config-values';
import { agencies, documentSettings, letterRegistrySettings, refuseSandboxInProduction, s3Settings } from './config-outside';

export { ConfigError };

export type SmsProviderName = 'sandbox' | 'kavenegar' | 'http';
export type DocumentStoreName = 'local' | 's3';
export type LetterRegistryName = 'builtin' | 'http';

/** How many tries within how long; the next one is refused until the window ends. */
export interface Limit {
  count: number;
  windowMs: number;
}

/** AES-256-GCM keys for Temporal payloads: `current` encrypts, every key in `keys` decrypts. */
export interface PayloadKeys {
  current: string;
  keys: Record<string, Buffer>;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  /** Express `trust proxy`: false (the socket's address is the client), a hop count, or the proxies' addresses */
  trustProxy: false | number | string;
  /** /dev pages (the SMS the desk sent); never in production */
  devPages: boolean;
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
    payloadKeys: PayloadKeys;
    /** The Temporal Web UI's origin, allowed to call the payload codec endpoint with an admin's session */
    uiOrigin?: string;
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
  /** Sites allowed to frame the service cards under /embed */
  embedAllowedOrigins: string[];
  /** SMS login codes: lifetime, tries, and how often a number or an address may ask for one */
  otp: {
    codeTtlMs: number;
    maxTries: number;
    resendAfterMs: number;
    perNumber: { count: number; windowMs: number };
    perAddress: { count: number; windowMs: number };
  };
  /** Guessing limits, counted in PostgreSQL so every web replica shares them */
  throttle: {
    track: { perCode: Limit; perAddress: Limit };
    staffLogin: { failuresPerAccount: number; lockoutMs: number; maxLockoutMs: number; perAddress: Limit };
  };
  /** Webhooks may be sent to loopback, private and link-local addresses (a test or an intranet subscriber) */
  webhookAllowPrivate: boolean;
  documentStore: DocumentStoreName;
  documentDir: string;
  /** S3-compatible object storage for documents (DOCUMENT_STORE=s3) */
  s3?: { endpoint: string; bucket: string; accessKey: string; secretKey: string; region: string };
  /** Who numbers incoming letters: the desk's own registry or the agency's correspondence system */
  letterRegistry: LetterRegistryName;
  externalRegistry?: { url: string; token?: string };
  holidays: string[];
  /** The agency's weekend (WEEKEND_DAYS): Friday by default, Thursday and Friday where the agency closes both */
  weekend: Weekday[];
  /** Official documents: the engine that prints them as PDF (none: HTML, saying so) and the letterhead on them */
  documents: {
    pdfEngine: 'chromium' | 'none';
    chromiumPath?: string;
    letterhead: { name: string; address: string; phone?: string; logoPath: string };
  };
  logLevel: string;
  /** The worker's own port for /healthz, /readyz and /metrics (0: any free port) */
  workerHttpPort: number;
  /** How many running requests the worker keeps in memory between their workflow tasks (the rest are replayed when they wake). */
  workflowCacheSize: number;
  /** Lets a scraper outside the private network read /metrics with `Authorization: Bearer …` */
  metricsToken?: string;
  /** Months a closed request keeps its personal data; 0 keeps it for ever */
  retentionMonths: number;
  /** `npm run admin:create`: the first admin's password (ADMIN_PASSWORD); absent, a random one is made and printed once */
  adminPassword?: string;
}

function otpSettings(env: Env): Config['otp'] {
  const DAY_S = 86400;
  return {
    codeTtlMs: bounded(env, 'OTP_CODE_TTL_SECONDS', 120, 1, DAY_S) * 1000,
    maxTries: bounded(env, 'OTP_MAX_TRIES', 5, 1, 100),
    resendAfterMs: bounded(env, 'OTP_RESEND_SECONDS', 60, 0, DAY_S) * 1000,
    perNumber: { count: bounded(env, 'OTP_PER_NUMBER_LIMIT', 3, 1, 1000), windowMs: bounded(env, 'OTP_PER_NUMBER_WINDOW_SECONDS', 600, 1, DAY_S) * 1000 },
    perAddress: { count: bounded(env, 'OTP_PER_ADDRESS_LIMIT', 20, 1, 100000), windowMs: bounded(env, 'OTP_PER_ADDRESS_WINDOW_SECONDS', 3600, 1, DAY_S) * 1000 },
  };
}

function throttleSettings(env: Env): Config['throttle'] {
  const WEEK_S = 7 * 86400;
  const trackWindowMs = bounded(env, 'TRACK_WINDOW_SECONDS', 900, 1, WEEK_S) * 1000;
  const lockoutMs = bounded(env, 'STAFF_LOCKOUT_SECONDS', 60, 1, WEEK_S) * 1000;
  const maxLockoutMs = bounded(env, 'STAFF_LOCKOUT_MAX_SECONDS', 3600, 1, WEEK_S) * 1000;
  if (maxLockoutMs < lockoutMs) throw new ConfigError('STAFF_LOCKOUT_MAX_SECONDS must not be shorter than STAFF_LOCKOUT_SECONDS');
  return {
    track: {
      perCode: { count: bounded(env, 'TRACK_PER_CODE_LIMIT', 5, 1, 1000), windowMs: trackWindowMs },
      perAddress: { count: bounded(env, 'TRACK_PER_ADDRESS_LIMIT', 30, 1, 100000), windowMs: trackWindowMs },
    },
    staffLogin: {
      failuresPerAccount: bounded(env, 'STAFF_LOGIN_FAILURES', 5, 1, 100),
      lockoutMs,
      maxLockoutMs,
      perAddress: {
        count: bounded(env, 'STAFF_LOGIN_PER_ADDRESS_LIMIT', 20, 1, 100000),
        windowMs: bounded(env, 'STAFF_LOGIN_ADDRESS_WINDOW_SECONDS', 3600, 1, WEEK_S) * 1000,
      },
    },
  };
}

const PROXY_ALIASES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: unset trusts nobody; a number trusts that many hops; otherwise the proxies' addresses, CIDRs or aliases. */
function trustProxy(env: Env): Config['trustProxy'] {
  const raw = (env.TRUST_PROXY || '').trim();
  if (!raw || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return bounded(env, 'TRUST_PROXY', 0, 0, 10);
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = net.isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const goodBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (!PROXY_ALIASES.includes(entry) && !(family && goodBits && extra === undefined)) {
      throw new ConfigError(`TRUST_PROXY must be a hop count or a list of proxy addresses, CIDRs, loopback, linklocal or uniquelocal, got "${entry}"`);
    }
  }
  return entries.join(', ');
}

/** TEMPORAL_PAYLOAD_KEYS: `id:base64-of-32-bytes` separated by commas; the first encrypts, all decrypt (rotation). */
function payloadKeys(env: Env, production: boolean): PayloadKeys {
  const raw = (env.TEMPORAL_PAYLOAD_KEYS || '').trim();
  if (!raw) {
    if (production) throw new ConfigError('TEMPORAL_PAYLOAD_KEYS must be set in production (id:base64 of 32 random bytes; openssl rand -base64 32)');
    // Development and tests: a fixed key, so payloads are encrypted everywhere and histories stay readable across restarts.
    return { current: 'dev', keys: { dev: createHash('sha256').update('pishkhan-development-payload-key').digest() } };
  }
  const keys: Record<string, Buffer> = {};
  let current = '';
  for (const entry of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const match = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/.exec(entry);
    const key = match ? Buffer.from(match[2], 'base64') : Buffer.alloc(0);
    if (!match || key.length !== 32) throw new ConfigError('TEMPORAL_PAYLOAD_KEYS must list id:base64 pairs, each key 32 bytes (openssl rand -base64 32)');
    if (keys[match[1]]) throw new ConfigError(`TEMPORAL_PAYLOAD_KEYS names the key "${match[1]}" twice`);
    keys[match[1]] = key;
    current ||= match[1];
  }
  return { current, keys };
}

function weekend(env: Env): Weekday[] {
  const names = (env.WEEKEND_DAYS || 'friday').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = names.find((n) => !(WEEKDAY_NAMES as readonly string[]).includes(n));
  if (bad || !names.length || names.length > 3) throw new ConfigError(`WEEKEND_DAYS must name one to three weekdays, e.g. friday or thursday,friday, got "${env.WEEKEND_DAYS}"`);
  return [...weekendOf(names)];
}

function holidays(env: Env): string[] {
  const days = (env.HOLIDAYS || '').split(',').map((s) => s.trim()).filter(Boolean);
  const bad = days.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d));
  if (bad) throw new ConfigError(`HOLIDAYS must be comma-separated YYYY-MM-DD days, got "${bad}"`);
  return days;
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
  const tls = oneOf(env, 'TEMPORAL_TLS', ['true', 'false'] as const, 'false') === 'true';
  if (!env.TEMPORAL_TLS_CERT !== !env.TEMPORAL_TLS_KEY) throw new ConfigError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together');
  const smsProvider = oneOf(env, 'SMS_PROVIDER', ['sandbox', 'kavenegar', 'http'] as const, 'sandbox');
  if (smsProvider === 'kavenegar' && !env.KAVENEGAR_API_KEY) throw new ConfigError('KAVENEGAR_API_KEY must be set when SMS_PROVIDER=kavenegar');
  if (smsProvider === 'http' && !env.SMS_HTTP_URL) throw new ConfigError('SMS_HTTP_URL must be set when SMS_PROVIDER=http');
  const config: Config = {
    env: nodeEnv,
    trustProxy: trustProxy(env),
    devPages: flag(env, 'DEV_PAGES', nodeEnv !== 'production'),
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
      payloadKeys: payloadKeys(env, nodeEnv === 'production'),
      uiOrigin: origins(env, 'TEMPORAL_UI_ORIGIN')[0] ?? (nodeEnv === 'production' ? undefined : `http://localhost:${int(env, 'TEMPORAL_UI_PORT', 8233)}`),
    },
    sessionSecret,
    sandboxPort,
    sandboxUrl,
    sms: {
      provider: smsProvider,
      sandboxUrl: url(env, 'SMS_SANDBOX_URL', `${sandboxUrl}/sms`)!,
      kavenegarApiKey: env.KAVENEGAR_API_KEY || undefined,
      kavenegarUrl: url(env, 'KAVENEGAR_URL', 'https://api.kavenegar.com')!,
      kavenegarSender: env.KAVENEGAR_SENDER || undefined,
      httpUrl: url(env, 'SMS_HTTP_URL'),
      httpToken: env.SMS_HTTP_TOKEN || undefined,
    },
    agencies: agencies(env, sandboxUrl),
    paymentGatewayUrl: url(env, 'PAYMENT_GATEWAY_URL', `${sandboxUrl}/payment`)!,
    embedAllowedOrigins: origins(env, 'EMBED_ALLOWED_ORIGINS'),
    otp: otpSettings(env),
    throttle: throttleSettings(env),
    webhookAllowPrivate: flag(env, 'WEBHOOK_ALLOW_PRIVATE', false),
    documentStore: oneOf(env, 'DOCUMENT_STORE', ['local', 's3'] as const, 'local'),
    documentDir: path.resolve(env.DOCUMENT_DIR || path.join(dataDir, 'documents')),
    s3: s3Settings(env),
    ...letterRegistrySettings(env, sandboxUrl),
    holidays: holidays(env),
    weekend: weekend(env),
    documents: documentSettings(env),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, nodeEnv === 'test' ? 'silent' : 'info'),
    workerHttpPort: int(env, 'WORKER_HTTP_PORT', 3001),
    workflowCacheSize: int(env, 'WORKFLOW_CACHE_SIZE', 250),
    metricsToken: token(env, 'METRICS_TOKEN'),
    retentionMonths: bounded(env, 'RETENTION_MONTHS', 24, 0, 1200),
    adminPassword: env.ADMIN_PASSWORD || undefined,
  };
  refuseSandboxInProduction(config, env);
  return config;
}

/** The web app and the worker alone need real servers; `npm start` brings embedded ones. */
function requireServers(config: Config): void {
  const alone = '(needed to run the web app or the worker alone; npm start runs everything)';
  if (!config.databaseUrl) throw new ConfigError(`DATABASE_URL must be set ${alone}`);
  if (!config.temporal.address) throw new ConfigError(`TEMPORAL_ADDRESS must be set ${alone}`);
}

/** For entry points: one clear line naming the bad setting, then exit. */
export function loadConfigOrExit(env: Env = process.env, options: { servers?: boolean } = {}): Config {
  try {
    const config = loadConfig(env);
    if (options.servers) requireServers(config);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
