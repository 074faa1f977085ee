// The browser side of the REST API and of sign-in. The session lives in an
// httpOnly cookie the browser sends by itself (this code never sees it); every
// write also carries the session's CSRF token, which /auth/login and /auth/me
// hand out and which is kept in memory only.

let csrfToken: string | null = null;

export type Role = 'admin' | 'agent';

// GET /auth/me and POST /auth/login.
export interface Me {
  type: 'admin';
  id: string;
  email: string;
  name: string;
  role: Role;
  workspace: { id: string; name: string };
  csrf_token: string;
  session_expires_at: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  // 0 when the server could not be reached at all.
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  // For 429: how long to wait, from Retry-After.
  readonly retryAfterSeconds: number | null;
  // Each problem the server named, with the field at fault when it said (forms show it next to that field).
  readonly errors: { code: string; message: string; field?: string }[];

  constructor(
    status: number,
    code: string,
    message: string,
    requestId: string | null = null,
    retryAfterSeconds: number | null = null,
    errors: { code: string; message: string; field?: string }[] = [],
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    this.retryAfterSeconds = retryAfterSeconds;
    this.errors = errors;
  }
}

export const isUnauthorized = (error: unknown) => error instanceof ApiError && error.status === 401;

interface ErrorItem {
  code?: unknown;
  message?: unknown;
  field?: unknown;
}

// { type: "error.list", request_id, errors: [{ code, message, field? }] }
function errorFromResponse(response: Response, body: unknown): ApiError {
  const retryAfter = Number(response.headers.get('Retry-After'));
  const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null;
  if (body && typeof body === 'object' && (body as { type?: unknown }).type === 'error.list') {
    const { errors, request_id } = body as { errors?: unknown; request_id?: unknown };
    const items = Array.isArray(errors) ? (errors as ErrorItem[]) : [];
    const code = typeof items[0]?.code === 'string' ? items[0].code : 'error';
    const named = items
      .filter((e) => typeof e.message === 'string' && e.message)
      .map((e) => ({
        code: typeof e.code === 'string' ? e.code : 'error',
        message: e.message as string,
        ...(typeof e.field === 'string' ? { field: e.field } : {}),
      }));
    if (named.length > 0) return new ApiError(response.status, code, named.map((e) => e.message).join('; '), typeof request_id === 'string' ? request_id : null, wait, named);
  }
  return new ApiError(response.status, 'http_error', fallbackMessage(response.status), null, wait);
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'Your session has ended. Sign in again.';
  if (status === 500 || status === 502 || status === 503 || status === 504) return `The Patchbay server is not answering (HTTP ${status}). Is it running?`;
  return `The request failed (HTTP ${status}).`;
}

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function send(url: string, options: RequestOptions): Promise<{ response: Response; body: unknown }> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'Could not reach the Patchbay server. Check your connection and that the server is running.');
  }

  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) throw errorFromResponse(response, body);
  return { response, body };
}

async function sendJson<T>(url: string, options: RequestOptions): Promise<T> {
  const { response, body } = await send(url, options);
  if (body === null) throw new ApiError(response.status, 'invalid_response', 'The server sent a response that is not JSON.');
  return body as T;
}

export function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return sendJson<T>(`/api${path}${search ? `?${search}` : ''}`, options);
}

// Who is signed in, or null when nobody is (or the session has ended).
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    const me = await sendJson<Me>('/auth/me', { signal });
    csrfToken = me.csrf_token;
    return me;
  } catch (error) {
    if (isUnauthorized(error)) {
      csrfToken = null;
      return null;
    }
    throw error;
  }
}

export async function signIn(email: string, password: string): Promise<Me> {
  const me = await sendJson<Me>('/auth/login', { method: 'POST', body: { email, password } });
  csrfToken = me.csrf_token;
  return me;
}

export async function signOut(): Promise<void> {
  await send('/auth/logout', { method: 'POST' });
  csrfToken = null;
}

// The session ended on the server (expired, or signed out in another tab).
export function forgetSession(): void {
  csrfToken = null;
}

export type ConnectorState = 'draft' | 'live';

// The list endpoint's summaries, with Patchbay's extension fields (url,
// has_unpublished_changes, last_run, run_stats: live runs only).
export interface DataConnectorSummary {
  type: 'data_connector';
  id: string;
  name: string;
  description: string | null;
  state: ConnectorState;
  http_method: string;
  direct_fin_usage: boolean;
  created_at: string;
  updated_at: string;
  url?: string | null;
  has_unpublished_changes?: boolean;
  last_run?: { execution_result_id: string; success: boolean; error_type: string | null; created_at: string } | null;
  run_stats?: { window_hours: number; total: number; failures: number; error_rate: number | null };
}

export interface ListPage<T> {
  type: 'list';
  data: T[];
  pages: { type: 'pages'; per_page: number; next?: { starting_after: string } | null };
}

export function listDataConnectors(options: { perPage?: number; startingAfter?: string; signal?: AbortSignal } = {}) {
  return apiRequest<ListPage<DataConnectorSummary>>('/data_connectors', {
    query: { per_page: options.perPage, starting_after: options.startingAfter },
    signal: options.signal,
  });
}
