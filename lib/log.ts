// Structured JSON logs; personal data (mobile numbers, national codes, codes, answers) never reaches them.
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'mobile', '*.mobile', 'nationalCode', '*.nationalCode', 'national_code', '*.national_code', 'code', '*.code',
  'answers', '*.answers', 'password', '*.password', 'req.headers.cookie', 'res.headers["set-cookie"]', 'body', '*.body',
];

export function createLogger(level: string, name = 'pishkhan'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
