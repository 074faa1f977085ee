import { replacePlaceholders } from '../template-variables.ts';

// Fills a connector's {{placeholders}} so that a value can only ever be data in
// the slot the admin put it in: it cannot add a path segment, query parameter,
// fragment, header line or JSON member, and it is never expanded again.
//
// URL rules (positions are decided on the template, before any value is seen):
// - scheme and "://" must be written out, and the scheme must be http or https;
// - userinfo, path, query and fragment: the value is percent-encoded with
//   encodeURIComponent; a path segment that would become "." or ".." is refused;
// - host: a placeholder may only fill part of a domain below a written-out
//   domain of at least two labels ("{{tenant}}.example.com",
//   "api-{{region}}.example.com"), and its value must be letters, digits and
//   hyphens (one DNS label, no dots). So no value can choose another domain. A
//   template whose host is only a placeholder, or "{{x}}.com", is refused;
// - port, IPv6 literal: no placeholders.
// Headers: values with CR, LF or NUL are refused, and so are characters above
// U+00FF, which an HTTP header cannot carry.
// Bodies: JSON (Content-Type application/json or *+json, or no Content-Type
// and a template that is JSON), form (application/x-www-form-urlencoded) or
// text (anything else: values inserted as they are).
// Missing values (lookup returns undefined or null) are "" everywhere except a
// standalone JSON value, which becomes null; a host placeholder needs a value.

export interface RequestTemplate {
  method: string;
  url: string;
  headers: { name: string; value: string }[];
  body: string | null;
}

export type BodyKind = 'json' | 'form' | 'text';

export interface RenderedRequest {
  method: string;
  url: string;
  headers: { name: string; value: string }[];
  body: string | null;
  bodyKind: BodyKind | null;
}

export type RenderErrorCode = 'template_invalid' | 'value_invalid';
export type RenderPart = 'url' | 'headers' | 'body';

// template_invalid: the connector's configuration cannot be rendered safely;
// value_invalid: this run's value for `variable` cannot go where it is used.
export class RenderError extends Error {
  override name = 'RenderError';
  constructor(
    readonly code: RenderErrorCode,
    readonly part: RenderPart,
    message: string,
    readonly variable?: string,
  ) {
    super(message);
  }
}

type Lookup = (name: string) => unknown;

interface Tokens {
  // literals.length === names.length + 1; placeholder i sits between literals i and i + 1.
  literals: string[];
  names: string[];
  // The template with each placeholder replaced by `mark`, a character the template does not contain.
  marked: string;
  mark: string;
}

function tokenize(template: string): Tokens {
  let code = 0xe000;
  while (template.includes(String.fromCharCode(code))) code++;
  const mark = String.fromCharCode(code);
  const names: string[] = [];
  const marked = replacePlaceholders(template, (name) => {
    names.push(name);
    return mark;
  });
  return { literals: marked.split(mark), names, marked, mark };
}

function interleave(tokens: Tokens, render: (name: string, index: number) => string): string {
  let out = tokens.literals[0] ?? '';
  tokens.names.forEach((name, i) => {
    out += render(name, i) + (tokens.literals[i + 1] ?? '');
  });
  return out;
}

// Lone surrogates would make encodeURIComponent throw; replace them as a UTF-8 encoder would.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD');

// A value as text: what it looks like in a URL, a header, a JSON string or a form.
export function valueAsText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return '';
    }
  }
  return '';
}

// ---------- URL ----------

type UrlComponent = 'userinfo' | 'host' | 'port' | 'path' | 'query' | 'fragment';

const DNS_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const HOST_VALUE = /^[A-Za-z0-9-]{1,63}$/;
// After the last placeholder in a host: the rest of its label, then at least two written-out labels.
const HOST_SUFFIX = /^[A-Za-z0-9-]*(\.[A-Za-z0-9-]+){2,}\.?$/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

function urlError(message: string, variable?: string): RenderError {
  return new RenderError(variable === undefined ? 'template_invalid' : 'value_invalid', 'url', message, variable);
}

function renderUrl(template: string, lookup: Lookup): string {
  // The URL parser drops tabs and newlines anywhere and trims control characters
  // and spaces at the ends; do the same first so the structure seen here is its.
  const tokens = tokenize(template.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, ''));
  const { marked, mark } = tokens;

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(marked);
  if (!scheme) throw urlError('url: must start with http:// or https:// written out; a {{variable}} cannot supply the scheme or the host');
  const protocol = (scheme[1] ?? '').toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') throw urlError(`url: scheme "${protocol}" is not allowed; use https or http`);

  const authorityStart = scheme[0].length;
  const authorityEnd = indexOfAny(marked, '/?#\\', authorityStart);
  const at = marked.lastIndexOf('@', authorityEnd - 1);
  const hostStart = at >= authorityStart ? at + 1 : authorityStart;
  let hostEnd: number;
  if (marked[hostStart] === '[') {
    const close = marked.indexOf(']', hostStart);
    hostEnd = close === -1 || close >= authorityEnd ? authorityEnd : close + 1;
  } else {
    const colon = marked.indexOf(':', hostStart);
    hostEnd = colon === -1 || colon >= authorityEnd ? authorityEnd : colon;
  }
  const fragmentStart = indexOfAny(marked, '#', authorityEnd);
  const queryStart = Math.min(indexOfAny(marked, '?', authorityEnd), fragmentStart);

  const componentAt = (position: number): UrlComponent =>
    position < hostStart ? 'userinfo'
    : position < hostEnd ? 'host'
    : position < authorityEnd ? 'port'
    : position < queryStart ? 'path'
    : position < fragmentStart ? 'query'
    : 'fragment';

  const host = marked.slice(hostStart, hostEnd);
  if (host.includes(mark)) checkHostTemplate(host, mark);

  const positions: number[] = [];
  for (let i = marked.indexOf(mark); i !== -1; i = marked.indexOf(mark, i + 1)) positions.push(i);

  const rendered: string[] = tokens.names.map((name, i) => {
    const component = componentAt(positions[i] ?? 0);
    const text = valueAsText(lookup(name));
    if (component === 'port') throw urlError(`url: {{${name}}} cannot be used in the port`);
    if (component === 'host') {
      if (!HOST_VALUE.test(text)) {
        throw urlError(`url: {{${name}}} is used in the host, so it must be letters, digits and hyphens only (one domain label), got ${describe(text)}`, name);
      }
      return text.toLowerCase();
    }
    return encodeURIComponent(wellFormed(text));
  });

  // Host labels and path segments are judged on the marked template, so only
  // the pieces a value touched are checked and a literal is never blamed.
  checkHostLabels(marked, mark, hostStart, hostEnd, tokens.names, rendered);
  checkPathSegments(marked, mark, authorityEnd, queryStart, tokens.names, rendered);
  const built = interleave(tokens, (_name, i) => rendered[i] ?? '');

  let parsed: URL;
  try {
    parsed = new URL(built);
  } catch {
    throw urlError('url: the rendered URL is not a valid absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw urlError('url: the rendered URL is not http or https');
  return parsed.href;
}

function indexOfAny(text: string, chars: string, from: number): number {
  for (let i = from; i < text.length; i++) if (chars.includes(text[i] ?? '')) return i;
  return text.length;
}

function countMarks(text: string, mark: string): number {
  let n = 0;
  for (const ch of text) if (ch === mark) n++;
  return n;
}

function checkHostTemplate(host: string, mark: string) {
  if (host.startsWith('[')) throw urlError('url: a {{variable}} cannot be used in an IPv6 address');
  const suffix = host.slice(host.lastIndexOf(mark) + 1);
  if (!HOST_SUFFIX.test(suffix)) {
    throw urlError('url: a {{variable}} in the host must be followed by a written-out domain of at least two labels, like {{tenant}}.example.com');
  }
}

// Walks the marked template between `start` and `end`, splitting it on
// `separators`, and hands each piece that holds a placeholder to `check` with
// its rendered text and the variables in it.
function eachFilledPiece(
  marked: string,
  mark: string,
  start: number,
  end: number,
  separators: string,
  names: string[],
  rendered: string[],
  check: (text: string, variables: string[]) => void,
) {
  let index = countMarks(marked.slice(0, start), mark);
  let text = '';
  let variables: string[] = [];
  const flush = () => {
    if (variables.length > 0) check(text, variables);
    text = '';
    variables = [];
  };
  for (let i = start; i < end; i++) {
    const ch = marked[i] ?? '';
    if (separators.includes(ch)) flush();
    else if (ch === mark) {
      variables.push(names[index] ?? '');
      text += rendered[index] ?? '';
      index++;
    } else text += ch;
  }
  flush();
}

function checkHostLabels(marked: string, mark: string, start: number, end: number, names: string[], rendered: string[]) {
  eachFilledPiece(marked, mark, start, end, '.', names, rendered, (label, variables) => {
    if (!DNS_LABEL.test(label)) {
      const list = variables.map((v) => `{{${v}}}`).join(', ');
      throw urlError(`url: ${list} made the host label ${describe(label)}, which is not a valid domain label`, variables[0]);
    }
  });
}

function checkPathSegments(marked: string, mark: string, start: number, end: number, names: string[], rendered: string[]) {
  eachFilledPiece(marked, mark, start, end, '/\\', names, rendered, (segment, variables) => {
    if (DOT_SEGMENT.test(segment)) {
      throw urlError(`url: {{${variables[0]}}} would make the path segment "${segment}", which moves to another path`, variables[0]);
    }
  });
}

function describe(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return JSON.stringify(shown);
}

// ---------- headers ----------

const HEADER_BREAKING = /[\r\n\0]/;
const NOT_LATIN1 = /[^\u0000-\u00ff]/;

function renderHeaders(headers: RequestTemplate['headers'], lookup: Lookup): RenderedRequest['headers'] {
  return headers.map(({ name, value }) => {
    if (HEADER_BREAKING.test(value)) {
      throw new RenderError('template_invalid', 'headers', `headers: the value of ${name} contains a line break or NUL`);
    }
    const rendered = replacePlaceholders(value, (variable) => {
      const text = valueAsText(lookup(variable));
      if (HEADER_BREAKING.test(text)) {
        throw new RenderError('value_invalid', 'headers', `headers: {{${variable}}} contains a line break or NUL, which cannot go into the ${name} header`, variable);
      }
      if (NOT_LATIN1.test(text)) {
        throw new RenderError('value_invalid', 'headers', `headers: {{${variable}}} contains characters an HTTP header cannot carry (the ${name} header)`, variable);
      }
      return text;
    });
    return { name, value: rendered };
  });
}

// ---------- body ----------

function jsonLiteral(value: unknown, variable: string): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? 'null';
    } catch {
      throw new RenderError('value_invalid', 'body', `body: {{${variable}}} cannot be written as JSON`, variable);
    }
  }
  return 'null';
}

// Whether each placeholder sits inside a JSON string literal, read from the
// template's own quotes and backslashes, never from values.
function jsonPlaceholderContexts(tokens: Tokens): ('string' | 'value')[] {
  const contexts: ('string' | 'value')[] = [];
  let inString = false;
  let escaped = false;
  let hexDigitsLeft = 0;
  tokens.literals.forEach((literal, i) => {
    for (const ch of literal) {
      if (!inString) {
        if (ch === '"') inString = true;
      } else if (hexDigitsLeft > 0) hexDigitsLeft--;
      else if (escaped) {
        escaped = false;
        if (ch === 'u') hexDigitsLeft = 4;
      } else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
    }
    if (i === tokens.names.length) return;
    if (inString && (escaped || hexDigitsLeft > 0)) {
      throw new RenderError('template_invalid', 'body', `body: {{${tokens.names[i]}}} directly follows an unfinished escape (\\) inside a JSON string`);
    }
    contexts.push(inString ? 'string' : 'value');
  });
  return contexts;
}

// Inside a string literal a value becomes string content; standing alone it
// becomes the JSON value of its own type (a missing value becomes null).
function renderJsonBody(tokens: Tokens, lookup: Lookup): string {
  const contexts = jsonPlaceholderContexts(tokens);
  return interleave(tokens, (name, i) => {
    const value = lookup(name);
    return contexts[i] === 'string' ? JSON.stringify(valueAsText(value)).slice(1, -1) : jsonLiteral(value, name);
  });
}

// True when the body template is JSON once every placeholder is replaced by a
// dummy: null where it stands alone, nothing inside a string literal. For such
// a template every rendered body is JSON too.
export function isJsonBodyTemplate(body: string): boolean {
  try {
    JSON.parse(renderJsonBody(tokenize(body), () => null));
    return true;
  } catch {
    return false;
  }
}

export function formEncode(text: string): string {
  return new URLSearchParams([['', text]]).toString().slice(1);
}

function bodyKindOf(headers: RenderedRequest['headers'], body: string): BodyKind {
  const contentType = headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
  if (contentType === undefined) return isJsonBodyTemplate(body) ? 'json' : 'text';
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  return 'text';
}

function renderBody(body: string, kind: BodyKind, lookup: Lookup): string {
  const tokens = tokenize(body);
  if (kind === 'json') {
    const rendered = renderJsonBody(tokens, lookup);
    // Guaranteed by construction; checked because a broken body must never be sent.
    if (isJsonBodyTemplate(body)) {
      try {
        JSON.parse(rendered);
      } catch {
        throw new RenderError('template_invalid', 'body', 'body: the rendered JSON body does not parse');
      }
    }
    return rendered;
  }
  if (kind === 'form') return interleave(tokens, (name) => formEncode(valueAsText(lookup(name))));
  return interleave(tokens, (name) => valueAsText(lookup(name)));
}

// ---------- request ----------

export function renderRequest(template: RequestTemplate, lookup: Lookup): RenderedRequest {
  const url = renderUrl(template.url, lookup);
  const headers = renderHeaders(template.headers, lookup);
  if (template.body === null) return { method: template.method.toUpperCase(), url, headers, body: null, bodyKind: null };
  const bodyKind = bodyKindOf(headers, template.body);
  return { method: template.method.toUpperCase(), url, headers, body: renderBody(template.body, bodyKind, lookup), bodyKind };
}
