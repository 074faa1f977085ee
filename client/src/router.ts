// A pushState router: the app has a handful of paths, so a library would be
// more code than the routes themselves.
import { useSyncExternalStore, type MouseEvent } from 'react';
import { moreSettingsSlug, type MoreSettingsSlug } from './settings/more-settings-paths.ts';

export type Route =
  | { name: 'inbox'; conversationId: string | null }
  | { name: 'connectors' }
  | { name: 'connector-editor'; connectorId: string | null }
  | { name: 'connector-logs'; connectorId: string }
  | { name: 'macros' }
  | { name: 'more-settings'; slug: MoreSettingsSlug }
  | { name: 'not-found'; path: string };

// Pages pushed by the app carry this, so "Back" buttons can use history.back()
// (keeping the browser's history linear) only when there is an in-app page to return to.
interface AppHistoryState {
  patchbay: true;
}

const LOCATION_CHANGED = 'patchbay:locationchange';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === currentPath()) return;
  const state: AppHistoryState = { patchbay: true };
  if (options.replace) window.history.replaceState(window.history.state ?? state, '', path);
  else window.history.pushState(state, '', path);
  shownPath = currentPath();
  window.dispatchEvent(new Event(LOCATION_CHANGED));
}

// Back to `fallback`, through history when the previous entry is ours.
export function goBack(fallback: string): void {
  const state = window.history.state as Partial<AppHistoryState> | null;
  if (state?.patchbay) window.history.back();
  else navigate(fallback);
}

const currentPath = () => window.location.pathname + window.location.search;

// A page with unsaved work may veto Back/Forward (setLeaveGuard): the path it
// showed is put back before anything re-renders, so the page and its edits stay.
let shownPath = currentPath();
let leaveGuard: (() => boolean) | null = null;

export function setLeaveGuard(guard: (() => boolean) | null): void {
  leaveGuard = guard;
}

window.addEventListener('popstate', () => {
  if (leaveGuard && currentPath() !== shownPath && !leaveGuard()) {
    window.history.pushState({ patchbay: true } satisfies AppHistoryState, '', shownPath);
    return;
  }
  shownPath = currentPath();
  window.dispatchEvent(new Event(LOCATION_CHANGED));
});

function subscribe(onChange: () => void) {
  window.addEventListener(LOCATION_CHANGED, onChange);
  return () => window.removeEventListener(LOCATION_CHANGED, onChange);
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function parseRoute(pathname: string): Route {
  const trimmed = pathname.replace(/\/+$/, '') || '/';
  if (trimmed === '/' || trimmed === '/inbox') return { name: 'inbox', conversationId: null };
  const conversation = /^\/inbox\/conversations\/([^/]+)$/.exec(trimmed);
  if (conversation?.[1]) return { name: 'inbox', conversationId: decodeURIComponent(conversation[1]) };
  if (trimmed === '/settings/connectors' || trimmed === '/settings') return { name: 'connectors' };
  if (trimmed === '/settings/connectors/new') return { name: 'connector-editor', connectorId: null };
  const logs = /^\/settings\/connectors\/([^/]+)\/logs$/.exec(trimmed);
  if (logs?.[1]) return { name: 'connector-logs', connectorId: decodeURIComponent(logs[1]) };
  const connector = /^\/settings\/connectors\/([^/]+)$/.exec(trimmed);
  if (connector?.[1]) return { name: 'connector-editor', connectorId: decodeURIComponent(connector[1]) };
  if (trimmed === '/settings/macros') return { name: 'macros' };
  const more = moreSettingsSlug(trimmed);
  if (more) return { name: 'more-settings', slug: more };
  return { name: 'not-found', path: pathname };
}

export const conversationPath = (id: string) => `/inbox/conversations/${encodeURIComponent(id)}`;

// For <a href> elements: plain left clicks stay in the app; modified clicks
// (new tab, new window) are left to the browser.
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const href = event.currentTarget.getAttribute('href');
  if (!href || !href.startsWith('/')) return;
  event.preventDefault();
  navigate(href);
}
