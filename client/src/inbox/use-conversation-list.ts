import { useCallback, useEffect, useRef, useState } from 'react';
import { listConversations, type AssigneeFilter, type ConversationSummary, type StateFilter } from './inbox-api.ts';
import type { Fail } from './use-resource.ts';

export const PER_PAGE = 25;

export interface ListFilters {
  state: StateFilter;
  assignee: AssigneeFilter;
  q: string;
}

export interface ListState {
  status: 'loading' | 'error' | 'ready';
  error: string | null;
  items: ConversationSummary[];
  next: string | null;
  total: number;
  more: { loading: boolean; error: string | null };
}

const initial: ListState = { status: 'loading', error: null, items: [], next: null, total: 0, more: { loading: false, error: null } };

// The server's order: last activity first, then the higher id.
export function compareConversations(a: ConversationSummary, b: ConversationSummary): number {
  const byTime = Date.parse(b.last_activity_at) - Date.parse(a.last_activity_at);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return Number(b.id) - Number(a.id) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

// Whether a live update belongs in the list. The server searches message
// bodies the client does not have, so a row already shown for a search stays
// unless its state or assignee rules it out, and a new row is added only when
// what the client can see matches.
export function matchesFilters(conversation: ConversationSummary, filters: ListFilters, meId: string, alreadyListed: boolean): boolean {
  if (filters.state !== 'all' && conversation.state !== filters.state) return false;
  if (filters.assignee === 'me' && conversation.assignee?.id !== meId) return false;
  if (filters.assignee === 'unassigned' && conversation.assignee) return false;
  const q = filters.q.trim().toLowerCase();
  if (!q || alreadyListed) return true;
  return [conversation.contact.name, conversation.contact.email, conversation.title, conversation.preview?.body].some((text) => text?.toLowerCase().includes(q));
}

export function applySummary(list: ListState, conversation: ConversationSummary, filters: ListFilters, meId: string): ListState {
  if (list.status !== 'ready') return list;
  const listed = list.items.some((item) => item.id === conversation.id);
  const rest = listed ? list.items.filter((item) => item.id !== conversation.id) : list.items;
  if (!matchesFilters(conversation, filters, meId, listed)) {
    return listed ? { ...list, items: rest, total: Math.max(0, list.total - 1) } : list;
  }
  // Rows past the last loaded one arrive with "Load more"; inserting them now would duplicate them then.
  const last = rest[rest.length - 1];
  if (list.next && last && compareConversations(conversation, last) > 0) return listed ? { ...list, items: rest } : list;
  const at = rest.findIndex((item) => compareConversations(conversation, item) < 0);
  const items = at === -1 ? [...rest, conversation] : [...rest.slice(0, at), conversation, ...rest.slice(at)];
  return { ...list, items, total: listed ? list.total : list.total + 1 };
}

export function useConversationList(filters: ListFilters, meId: string, fail: Fail) {
  const [list, setList] = useState<ListState>(initial);
  const inFlight = useRef<AbortController | null>(null);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const { state, assignee, q } = filters;

  const load = useCallback(
    async (silent: boolean) => {
      inFlight.current?.abort();
      const controller = new AbortController();
      inFlight.current = controller;
      if (!silent) setList(initial);
      try {
        const page = await listConversations({ state, assignee, q, perPage: PER_PAGE, signal: controller.signal });
        if (controller.signal.aborted) return;
        setList({ status: 'ready', error: null, items: page.data, next: page.pages.next?.starting_after ?? null, total: page.total_count, more: { loading: false, error: null } });
      } catch (error) {
        if (controller.signal.aborted) return;
        const message = fail(error);
        if (message === null) return;
        setList((current) => (silent && current.status === 'ready' ? current : { ...initial, status: 'error', error: message }));
      }
    },
    [state, assignee, q, fail],
  );

  useEffect(() => {
    void load(false);
    return () => inFlight.current?.abort();
  }, [load]);

  const loadMore = useCallback(async () => {
    if (list.status !== 'ready' || !list.next || list.more.loading) return;
    const controller = new AbortController();
    inFlight.current = controller;
    setList((current) => ({ ...current, more: { loading: true, error: null } }));
    try {
      const page = await listConversations({ state, assignee, q, perPage: PER_PAGE, startingAfter: list.next, signal: controller.signal });
      if (controller.signal.aborted) return;
      setList((current) => {
        // A row that moved while paging can come twice; keep the one already shown.
        const seen = new Set(current.items.map((item) => item.id));
        return {
          ...current,
          items: [...current.items, ...page.data.filter((item) => !seen.has(item.id))],
          next: page.pages.next?.starting_after ?? null,
          total: page.total_count,
          more: { loading: false, error: null },
        };
      });
    } catch (error) {
      // Aborted by a reload, which brings its own first page.
      const message = controller.signal.aborted ? null : fail(error);
      setList((current) => ({ ...current, more: { loading: false, error: message } }));
    }
  }, [list.status, list.next, list.more.loading, state, assignee, q, fail]);

  const apply = useCallback(
    (conversation: ConversationSummary) => setList((current) => applySummary(current, conversation, filtersRef.current, meId)),
    [meId],
  );

  const reload = useCallback((silent = false) => void load(silent), [load]);

  return { list, reload, loadMore, apply };
}
