// Browser sign-in for integration tests: admins with real argon2id passwords,
// and the cookie + CSRF token a signed-in browser would hold.
import { createAdmin } from '../../server/identity/create-admin.ts';
import type { TestApp } from './start-test-app.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

let counter = 0;

export async function createTestAdmin(app: TestApp, options: { role?: 'admin' | 'agent'; email?: string; password?: string } = {}) {
  const email = options.email ?? `${options.role ?? 'admin'}-${++counter}-${app.workspaceId}@example.test`;
  const admin = await createAdmin(app.db, app.workspaceId, { email, password: options.password ?? TEST_PASSWORD, role: options.role ?? 'admin' });
  return { ...admin, password: options.password ?? TEST_PASSWORD };
}

export interface AuthResponse {
  status: number;
  body: any;
  headers: Headers;
  setCookie: string[];
}

export async function authFetch(app: TestApp, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<AuthResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
  const response = await fetch(`${app.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers, setCookie: response.headers.getSetCookie() };
}

export interface BrowserSession {
  // The Cookie request header: patchbay_session=<value>.
  cookie: string;
  cookieValue: string;
  csrfToken: string;
  me: any;
}

export async function signInAs(app: TestApp, email: string, password = TEST_PASSWORD, headers: Record<string, string> = {}): Promise<BrowserSession> {
  const res = await authFetch(app, 'POST', '/auth/login', { body: { email, password }, headers });
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = res.setCookie.find((c) => c.startsWith('patchbay_session='))!.split(';')[0]!;
  return { cookie, cookieValue: decodeURIComponent(cookie.slice('patchbay_session='.length)), csrfToken: res.body.csrf_token, me: res.body };
}

// Options for app.call that authenticate with the session instead of the API token.
export const withSession = (session: BrowserSession, csrf: string | null = session.csrfToken) => ({
  token: null,
  headers: { Cookie: session.cookie, ...(csrf !== null && { 'X-CSRF-Token': csrf }) },
});
