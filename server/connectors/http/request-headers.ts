import { SendError } from './send-error.ts';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[\r\n\0]/;

// Framing and routing headers belong to the HTTP client: letting a connector
// set Host would aim an allowed connection at another virtual host.
const CLIENT_MANAGED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);

/** Lower-cases and validates caller headers. Messages name the header, never its value. */
export function normaliseRequestHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) throw new SendError('request_configuration_error', `"${name}" is not a valid header name`);
    if (typeof value !== 'string' || INVALID_VALUE.test(value)) {
      throw new SendError('request_configuration_error', `header ${name} has an invalid value (line breaks are not allowed)`);
    }
    if (CLIENT_MANAGED.has(lower)) throw new SendError('request_configuration_error', `header ${name} is set by the HTTP client and cannot be configured`);
    if (Object.hasOwn(result, lower)) throw new SendError('request_configuration_error', `header ${name} is given more than once`);
    result[lower] = value;
  }
  return result;
}

/** Response headers for the result: lower-case names, repeated ones joined, set-cookie removed. */
export function publicResponseHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'set-cookie' || value === undefined) continue;
    result[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
