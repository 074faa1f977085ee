// The browser side of the REST API: a fetch wrapper that authenticates with the
// API token and turns Patchbay's error.list bodies into readable messages.

const TOKEN_KEY = 'patchbay.apiToken';

// sessionStorage: the token lives as long as the tab, and is not shared with
// other tabs or kept after the browser closes. Storage can be unavailable
// (privacy modes), in which case the user simply signs in again.
export const tokenStore = {
  get(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // keep the token in memory only
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      // nothing stored
    }
  },
};

export class ApiError extends Error {
  override name = 'ApiError';
  // 0 when the server could not be reached at all.
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;

  constructor(status: number, code: string, message: string, requestId: string | null = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export const isUnauthorized = (error: unknown) => error instanceof ApiError && error.status === 401;

interface ErrorItem {
  code?: unknown;
  message?: unknown;
}

// { type: "error.list", request_id, errors: [{ code, message, field? }] }
function errorFromBody(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && (body as { type?: unknown }).type === 'error.list') {
    const { errors, request_id } = body as { errors?: unknown; request_id?: unknown };
    const items = Array.isArray(errors) ? (errors as ErrorItem[]) : [];
    const messages = items.map((e) => (typeof e.message === 'string' ? e.message : '')).filter(Boolean);
    const code = typeof items[0]?.code === 'string' ? items[0].code : 'error';
    if (messages.length > 0) return new ApiError(status, code, messages.join('; '), typeof request_id === 'string' ? request_id : null);
  }
  return new ApiError(status, 'http_error', fallbackMessage(status));
}

function fallbackMessage(status: number): string {
  if (status === 401) return 'The API token was not accepted.';
  if (status === 500 || status === 502 || status === 503 || status === 504) return `The Patchbay server is not answering (HTTP ${status}). Is it running?`;
  return `The request failed (HTTP ${status}).`;
}

export interface RequestOptions {
  token: string;
  method?: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

export async function apiRequest<T>(path: string, options: RequestOptions): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  const url = `/api${path}${search ? `?${search}` : ''}`;
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${options.token}` };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
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
  if (!response.ok) throw errorFromBody(response.status, body);
  if (body === null) throw new ApiError(response.status, 'invalid_response', 'The server sent a response that is not JSON.');
  return body as T;
}

export type ConnectorState = 'draft' | 'live';

// The list endpoint returns summaries; url and has_unpublished_changes are only
// part of the detail object today, so they are optional here.
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
}

export interface ListPage<T> {
  type: 'list';
  data: T[];
  pages: { type: 'pages'; per_page: number; next?: { starting_after: string } | null };
}

export function listDataConnectors(token: string, options: { perPage?: number; startingAfter?: string; signal?: AbortSignal } = {}) {
  return apiRequest<ListPage<DataConnectorSummary>>('/data_connectors', {
    token,
    query: { per_page: options.perPage, starting_after: options.startingAfter },
    signal: options.signal,
  });
}
