// What the cluster on this machine runs, and with which settings: the same services and variables as
// docker-compose.yml (test/compose.test.ts holds the two together).

/** compose service → the processes `npm run start:cluster` runs for it. */
export const CLUSTER_SERVICES = {
  postgres: ['postgres'],
  'temporal-schema': [],
  temporal: ['temporal-history', 'temporal-matching', 'temporal-frontend', 'temporal-worker'],
  'temporal-admin-tools': [],
  migrate: ['migrate'],
  web: ['web-1', 'web-2'],
  worker: ['worker-1', 'worker-2'],
  proxy: ['nginx'],
  sandbox: ['sandbox'],
} as const;

/**
 * compose services the cluster does by other means: the schema and namespace one-shots are steps of the
 * launcher (temporal-sql-tool, then the SDK's operator calls); the Web UI is left out (no UI server is built).
 */
export const DONE_AS_STEPS: Record<string, string> = {
  'temporal-schema': 'temporal-sql-tool create-database, setup-schema, update-schema before the server starts',
  'temporal-admin-tools': 'the default namespace and the search attributes, registered through the SDK once the frontend answers',
  'temporal-ui': 'not run: the cluster has no Web UI (npm start has one)',
};

export interface ClusterAddresses {
  frontUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  sandboxUrl: string;
  dataDir: string;
  documentDir: string;
  sessionSecret: string;
  payloadKeys: string;
}

/**
 * The environment of every web, worker, migrate and sandbox process: compose's `x-app-environment` with
 * this machine's addresses, in its demo form (the sandbox stands in for SMS, agencies and the bank, so
 * NODE_ENV is development, as `docker compose --profile demo` runs it).
 */
export function appEnvironment(a: ClusterAddresses): Record<string, string> {
  return {
    NODE_ENV: 'development',
    PORT: '3000',
    PUBLIC_URL: a.frontUrl,
    TEMPORAL_UI_ORIGIN: '',
    SESSION_SECRET: a.sessionSecret,
    DATABASE_URL: a.databaseUrl,
    TEMPORAL_ADDRESS: a.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'pishkhan',
    SANDBOX_URL: a.sandboxUrl,
    SMS_PROVIDER: 'sandbox',
    KAVENEGAR_API_KEY: '',
    KAVENEGAR_SENDER: '',
    AGENCY_CIVIL_REGISTRY_URL: '',
    AGENCY_POSTAL_COMPANY_URL: '',
    AGENCY_SHAHKAR_URL: '',
    PAYMENT_GATEWAY_URL: '',
    TEMPORAL_PAYLOAD_KEYS: a.payloadKeys,
    // nginx reaches the replicas from 127.0.0.1 here (compose: its fixed address 172.28.0.10).
    TRUST_PROXY: 'loopback',
    HOLIDAYS: '',
    WEEKEND_DAYS: 'friday',
    // Issued documents are printed to PDF by Debian's Chromium, as the image does (npm test installs it).
    PDF_ENGINE: 'chromium',
    ORG_NAME: '',
    ORG_ADDRESS: '',
    ORG_PHONE: '',
    LOG_LEVEL: 'info',
    DATA_DIR: a.dataDir,
    DOCUMENT_STORE: 'local',
    DOCUMENT_DIR: a.documentDir,
    S3_ENDPOINT: '',
    S3_BUCKET: '',
    S3_ACCESS_KEY: '',
    S3_SECRET_KEY: '',
    S3_REGION: 'us-east-1',
    LETTER_REGISTRY: 'builtin',
    EXTERNAL_REGISTRY_URL: '',
    EXTERNAL_REGISTRY_TOKEN: '',
  };
}

/**
 * Variables one service sets on top of the shared environment. In compose each container has its own
 * address, so every web listens on 3000 and every worker's probes on 3001; on one machine each replica
 * needs a port of its own.
 */
export const PER_SERVICE_ENVIRONMENT = {
  web: ['PORT'],
  worker: ['WORKER_HTTP_PORT'],
  sandbox: ['SANDBOX_PORT'],
} as const;

/** The probes compose's health checks call, per service: the cluster waits on the same ones. */
export const READINESS = {
  web: { port: 'PORT', path: '/readyz' },
  worker: { port: 'WORKER_HTTP_PORT', path: '/readyz' },
} as const;
