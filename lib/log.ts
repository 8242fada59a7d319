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
