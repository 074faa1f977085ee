import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Logs go to stderr so that CLI commands can keep stdout for their result
// (tests may pass a destination to read what was logged).
export function createLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret', 'apiKey', '*.apiKey', '*.*.apiKey', 'auth_tokens', '*.auth_tokens', 'userTokens', '*.userTokens'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
