// The messenger session kept in the host page's localStorage, one per
// Patchbay server and workspace, so a reload resumes the same lead (and, for a
// user, the same session and its conversations) instead of starting over.

export interface StoredSession {
  token: string;
  anonymous_id: string | null;
  // Who the session is for: "anon", "v:<user_id>" (identity token) or
  // "u:<user_id>" (claimed). A boot for someone else, or for the same user
  // with a different kind of proof, never resumes it.
  user_key: string;
}

export interface BootOptions {
  workspace_id: string | number;
  user_jwt?: string;
  user_id?: string;
  email?: string;
  name?: string;
  auth_tokens?: Record<string, string>;
}

const keyOf = (origin: string, workspaceId: string | number) => `patchbay.messenger:${origin}:${workspaceId}`;

// The user_id a JWT claims, read without verifying (the server verifies): only
// used to tell whether a stored session belongs to the same person.
function jwtUserId(jwt: string): string | null {
  try {
    const payload = jwt.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='))) as { user_id?: unknown };
    return typeof json.user_id === 'string' || typeof json.user_id === 'number' ? String(json.user_id) : null;
  } catch {
    return null;
  }
}

export function userKeyOf(options: BootOptions): string {
  if (options.user_jwt) {
    const id = jwtUserId(options.user_jwt);
    // "v:": a session booted with a token is verified; one that only claimed the same user_id is not.
    return id === null ? `jwt:${options.user_jwt.slice(-24)}` : `v:${id}`;
  }
  return options.user_id ? `u:${options.user_id}` : 'anon';
}

export function loadSession(origin: string, workspaceId: string | number): StoredSession | null {
  try {
    const raw = window.localStorage.getItem(keyOf(origin, workspaceId));
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof value.token !== 'string' || typeof value.user_key !== 'string') return null;
    return { token: value.token, user_key: value.user_key, anonymous_id: typeof value.anonymous_id === 'string' ? value.anonymous_id : null };
  } catch {
    // Storage can be off (private modes, sandboxed frames): the widget works without resuming.
    return null;
  }
}

export function saveSession(origin: string, workspaceId: string | number, session: StoredSession): void {
  try {
    window.localStorage.setItem(keyOf(origin, workspaceId), JSON.stringify(session));
  } catch {
    // See loadSession.
  }
}

export function clearSession(origin: string, workspaceId: string | number): void {
  try {
    window.localStorage.removeItem(keyOf(origin, workspaceId));
  } catch {
    // See loadSession.
  }
}
