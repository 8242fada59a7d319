// The settings of what lies outside the desk: object storage, the correspondence system, the agencies, the
// PDF engine and letterhead, and production's refusal of the sandbox's stand-ins. Read by lib/config.ts.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import { ConfigError, oneOf, token, url, type Env } from './config-values';
import { projectRoot } from './paths';

/** Object storage: required as a whole when DOCUMENT_STORE=s3, ignored otherwise. */
export function s3Settings(env: Env): Config['s3'] {
  if (env.DOCUMENT_STORE !== 's3') return undefined;
  const missing = ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'].filter((name) => !env[name]);
  if (missing.length) throw new ConfigError(`${missing.join(', ')} must be set when DOCUMENT_STORE=s3`);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(env.S3_BUCKET!)) throw new ConfigError(`S3_BUCKET must be a valid bucket name, got "${env.S3_BUCKET}"`);
  return { endpoint: url(env, 'S3_ENDPOINT')!, bucket: env.S3_BUCKET!, accessKey: env.S3_ACCESS_KEY!, secretKey: env.S3_SECRET_KEY!, region: env.S3_REGION || 'us-east-1' };
}

/** LETTER_REGISTRY=http without EXTERNAL_REGISTRY_URL talks to the sandbox's stand-in, like the other adapters. */
export function letterRegistrySettings(env: Env, sandboxUrl: string): Pick<Config, 'letterRegistry' | 'externalRegistry'> {
  const letterRegistry = oneOf(env, 'LETTER_REGISTRY', ['builtin', 'http'] as const, 'builtin');
  if (letterRegistry === 'builtin') return { letterRegistry };
  return {
    letterRegistry,
    externalRegistry: { url: url(env, 'EXTERNAL_REGISTRY_URL', `${sandboxUrl}/external-registry`)!, token: token(env, 'EXTERNAL_REGISTRY_TOKEN') },
  };
}

/** Agencies are configured as AGENCY_<NAME>_URL, e.g. AGENCY_CIVIL_REGISTRY_URL → 'civil-registry'. */
export function agencies(env: Env, sandboxUrl: string): Record<string, string> {
  const found: Record<string, string> = {
    'civil-registry': `${sandboxUrl}/agencies/civil-registry`,
    'postal-company': `${sandboxUrl}/agencies/postal-company`,
    shahkar: `${sandboxUrl}/agencies/shahkar`,
  };
  for (const [key, value] of Object.entries(env)) {
    const match = /^AGENCY_([A-Z0-9_]+)_URL$/.exec(key);
    if (match && value) found[match[1].toLowerCase().replace(/_/g, '-')] = url(env, key)!;
  }
  return found;
}

/** Production talks to the real world only: no sandbox adapter, no development page. */
export function refuseSandboxInProduction(config: Config, env: Env): void {
  if (config.env !== 'production') return;
  const sandbox = (value: string | undefined) => !!value && value.startsWith(config.sandboxUrl);
  if (config.devPages) throw new ConfigError('DEV_PAGES must not be true in production (the development pages show every SMS)');
  if (config.sms.provider === 'sandbox') throw new ConfigError('SMS_PROVIDER must be kavenegar or http in production, not the sandbox (which shows every login code)');
  if (sandbox(config.sms.httpUrl)) throw new ConfigError('SMS_HTTP_URL must point at the real SMS provider in production, not the sandbox');
  if (!env.PAYMENT_GATEWAY_URL || sandbox(config.paymentGatewayUrl)) throw new ConfigError("PAYMENT_GATEWAY_URL must point at the bank's gateway in production, not the sandbox (where anyone can pay)");
  for (const [agency, address] of Object.entries(config.agencies)) {
    if (sandbox(address)) throw new ConfigError(`AGENCY_${agency.toUpperCase().replace(/-/g, '_')}_URL must point at the real agency in production, not the sandbox`);
  }
  if (config.letterRegistry === 'http' && (!env.EXTERNAL_REGISTRY_URL || sandbox(config.externalRegistry?.url))) {
    throw new ConfigError('EXTERNAL_REGISTRY_URL must point at the correspondence system in production when LETTER_REGISTRY=http, not the sandbox');
  }
}

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** PDF_ENGINE=chromium needs a Chromium; by default one is used when there is one (CHROMIUM_PATH or /usr/bin/chromium). */
export function documentSettings(env: Env): Config['documents'] {
  const chromiumPath = env.CHROMIUM_PATH || (fs.existsSync(DEFAULT_CHROMIUM) ? DEFAULT_CHROMIUM : undefined);
  const pdfEngine = oneOf(env, 'PDF_ENGINE', ['chromium', 'none'] as const, chromiumPath ? 'chromium' : 'none');
  if (pdfEngine === 'chromium' && (!chromiumPath || !fs.existsSync(chromiumPath))) {
    throw new ConfigError(`PDF_ENGINE=chromium needs a Chromium: set CHROMIUM_PATH (${chromiumPath ?? DEFAULT_CHROMIUM} does not exist) or PDF_ENGINE=none`);
  }
  const logoPath = path.resolve(env.ORG_LOGO || path.join(projectRoot, 'public', 'favicon.svg'));
  if (!/\.(svg|png|jpe?g)$/i.test(logoPath) || !fs.existsSync(logoPath)) throw new ConfigError(`ORG_LOGO must be an existing .svg, .png or .jpg file, got "${logoPath}"`);
  return {
    pdfEngine,
    chromiumPath: pdfEngine === 'chromium' ? chromiumPath : undefined,
    letterhead: {
      name: env.ORG_NAME || 'سازمان نمونه',
      address: env.ORG_ADDRESS || 'تهران، خیابان نمونه، پلاک ۱۲',
      phone: env.ORG_PHONE || undefined,
      logoPath,
    },
  };
}
