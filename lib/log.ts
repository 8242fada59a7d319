// Structured JSON logs; personal data (mobile numbers, national codes, codes, answers) never reaches them.
import pino, { type DestinationStream, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'mobile', '*.mobile', 'nationalCode', '*.nationalCode', 'national_code', '*.national_code', 'code', '*.code',
  'answers', '*.answers', 'password', '*.password', 'req.headers.cookie', 'res.headers["set-cookie"]', 'body', '*.body',
  'to', '*.to', 'lastFour', '*.lastFour', 'vars', '*.vars', 'query', '*.query', 'req.headers.authorization',
  // PostgreSQL puts the offending values in `detail` ("Key (mobile)=(0912…) already exists").
  'err.detail', '*.err.detail',
];

/** `destination` lets a caller (a test, a log shipper) receive the JSON lines instead of stdout. */
export function createLogger(level: string, name = 'pishkhan', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** Temporal's own logs (worker state, bundling, failed tasks) into the same JSON lines, at `level` and above. */
export function installTemporalLogging(log: Logger, level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' = 'WARN'): void {
  // Loaded here so the web app, which never runs a worker, does not load the worker's native runtime.
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const sink = log.child({ component: 'temporal' });
  try {
    Runtime.install({
      logger: new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
        const method = entryLevel === 'ERROR' ? 'error' : entryLevel === 'WARN' ? 'warn' : entryLevel === 'INFO' ? 'info' : 'debug';
        sink[method](meta ?? {}, message);
      }),
    });
  } catch (error) {
    // Something in this process made the runtime first (the SDK's own dev server download): keep its logger.
    sink.warn({ err: error }, 'Temporal logs keep their default destination');
  }
}
