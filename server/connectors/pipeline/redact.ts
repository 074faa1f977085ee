import type { ResponseField } from '../connector-input.ts';
import { cloneJson, defineOwn } from './own-json.ts';
import { ARRAY_INDEX, isForbiddenSegment, splitPath } from './read-path.ts';
import { formEncode, wellFormed } from './render-request.ts';
import { shapedKeyPath } from './shape-response.ts';

// What execution logs may keep of a request and its response.

export const REDACTED = '[REDACTED]';

// Userinfo becomes "***", every query value "***" (names stay, so a log still
// shows which parameters were sent; a bare "?token" part has no name and
// becomes "***" whole), and the fragment goes. The path is kept.
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[invalid url]';
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  if (parsed.search) {
    parsed.search = parsed.search
      .slice(1)
      .split('&')
      .map((part) => {
        if (part === '') return part;
        const eq = part.indexOf('=');
        return eq === -1 ? '***' : `${part.slice(0, eq)}=***`;
      })
      .join('&');
  }
  parsed.hash = '';
  return parsed.href;
}

export type RedactField = Pick<ResponseField, 'path'> & Partial<Pick<ResponseField, 'label' | 'redacted' | 'selected'>>;
// raw: the response as the API sent it, keyed by path. shaped: the output of
// shapeResponse in redacted_access mode, keyed by label (or path when a field
// has no label); only selected fields are there. A full_access body is raw.
export type LoggedBodyForm = 'raw' | 'shaped';

// Replaces the value at `keys` inside `root` (in place) when it exists.
function redactAt(root: unknown, keys: string[]) {
  let current = root;
  for (const [i, key] of keys.entries()) {
    if (isForbiddenSegment(key)) return;
    const last = i === keys.length - 1;
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(key) || Number(key) >= current.length) return;
      if (last) current[Number(key)] = REDACTED;
      else current = current[Number(key)];
    } else if (typeof current === 'object' && current !== null) {
      const record = current as Record<string, unknown>;
      if (!Object.hasOwn(record, key)) return;
      if (last) defineOwn(record, key, REDACTED);
      else current = record[key];
    } else return;
  }
}

// A deep copy of a logged body with the values of fields marked redacted
// replaced by "[REDACTED]". Keys that are not there are not added.
export function redactLoggedBody(data: unknown, fields: RedactField[], form: LoggedBodyForm = 'raw'): unknown {
  const copy = cloneJson(data);
  for (const field of fields) {
    if (!field.redacted) continue;
    if (form === 'shaped' && !field.selected) continue;
    const keys = form === 'raw' ? splitPath(field.path) : shapedKeyPath(field);
    if (keys.length === 0) return REDACTED;
    redactAt(copy, keys);
  }
  return copy;
}

// ---------- secrets in free text ----------

const MIN_SECRET_LENGTH = 4;
// Base64 fragments shorter than this are left alone: too likely to match by chance.
const MIN_BASE64_CORE = 6;
const MAX_PAIRED_SECRETS = 32;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const toBase64Url = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

// The stretches of base64 that depend only on the secret's own bytes, for each
// of the three alignments it can have inside a longer encoded text (as in
// base64("user:password")): they are found whatever surrounds the secret.
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
    if (core.length >= MIN_BASE64_CORE) cores.push(core, toBase64Url(core));
  }
  return cores;
}

function base64Forms(text: string): string[] {
  const full = Buffer.from(text, 'utf8').toString('base64');
  return [full, full.replace(/=+$/, ''), toBase64Url(full)];
}

// Every way a secret commonly shows up in a log line.
export function secretForms(secret: string): string[] {
  const text = wellFormed(secret);
  const percent = encodeURIComponent(text);
  const json = JSON.stringify(text).slice(1, -1);
  return [
    secret,
    percent,
    percent.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    formEncode(text),
    json,
    json.replace(/\//g, '\\/'),
    ...base64Forms(text),
    ...base64Cores(Buffer.from(text, 'utf8')),
  ];
}

// Replaces every occurrence of each secret (at least 4 characters long) and of
// its URL-encoded, form-encoded, JSON-escaped and base64 forms with
// "[REDACTED]", longest first, in one pass (a replacement is never re-matched).
// base64 also covers Basic auth: base64("user:password") loses the password
// wherever it sits, and for every pair of given secrets base64("a:b") is
// matched whole.
export function redactSecrets(text: string, secrets: string[]): string {
  const usable = [...new Set(secrets.filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))];
  const forms = new Set<string>();
  for (const secret of usable) for (const form of secretForms(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  if (usable.length <= MAX_PAIRED_SECRETS) {
    for (const user of usable) for (const password of usable) if (user !== password) for (const form of base64Forms(`${user}:${password}`)) forms.add(form);
  }
  if (forms.size === 0) return text;
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return text.replace(pattern, REDACTED);
}
