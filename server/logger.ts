import { pino, type Logger } from 'pino';

export type { Logger };

// Logs go to stderr so that CLI commands can keep stdout for their result.
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}
