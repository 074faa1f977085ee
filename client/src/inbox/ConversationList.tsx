import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { conversationPath, followLink } from '../router.ts';
import { contactLabel, fullTime, previewPrefix, relativeTime } from './format.ts';
import type { AssigneeFilter, ConversationState, ConversationSummary } from './inbox-api.ts';
import type { ListFilters, ListState } from './use-conversation-list.ts';

interface ConversationListProps {
  filters: ListFilters;
  onFiltersChange(filters: ListFilters): void;
  list: ListState;
  selectedId: string | null;
  now: number;
  onRetry(): void;
  onLoadMore(): void;
}

const STATE_TABS: { value: ConversationState; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'snoozed', label: 'Snoozed' },
  { value: 'closed', label: 'Closed' },
];

const SEARCH_DEBOUNCE_MS = 300;

export const rowId = (id: string) => `conversation-row-${id}`;

export function ConversationList({ filters, onFiltersChange, list, selectedId, now, onRetry, onLoadMore }: ConversationListProps) {
  const [search, setSearch] = useState(filters.q);
  const listRef = useRef<HTMLUListElement>(null);
  const searchId = useId();
  const assigneeId = useId();
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  // Typing is debounced so every keystroke does not become a request.
  useEffect(() => {
    if (search.trim() === filtersRef.current.q) return;
    const timer = setTimeout(() => onFiltersChange({ ...filtersRef.current, q: search.trim() }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search, onFiltersChange]);

  // j and k work from anywhere in the inbox that is not a text field or an open menu or dialog.
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if ((event.key !== 'j' && event.key !== 'k') || event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
      const active = document.activeElement;
      if (active instanceof HTMLElement && (active.closest('input, textarea, select, [contenteditable="true"], [role="menu"], [role="dialog"], [role="listbox"]') || listRef.current?.contains(active))) return;
      const rows = Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('a.conversation-row') ?? []);
      if (rows.length === 0) return;
      const current = rows.findIndex((row) => row.getAttribute('aria-current') === 'page');
      const target = current === -1 ? 0 : Math.max(0, Math.min(rows.length - 1, current + (event.key === 'j' ? 1 : -1)));
      event.preventDefault();
      rows[target]?.focus();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  // The row that takes Tab focus: the open conversation, else the first.
  const focusableId = list.items.some((item) => item.id === selectedId) ? selectedId : (list.items[0]?.id ?? null);

  function onListKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const rows = Array.from(listRef.current?.querySelectorAll<HTMLAnchorElement>('a.conversation-row') ?? []);
    if (rows.length === 0) return;
    const index = rows.indexOf(document.activeElement as HTMLAnchorElement);
    let target: number | null = null;
    if (event.key === 'ArrowDown' || event.key === 'j') target = index === -1 ? 0 : Math.min(rows.length - 1, index + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') target = index === -1 ? 0 : Math.max(0, index - 1);
    else if (event.key === 'Home') target = 0;
    else if (event.key === 'End') target = rows.length - 1;
    if (target === null) return;
    event.preventDefault();
    rows[target]?.focus();
  }

  const stateLabel = STATE_TABS.find((tab) => tab.value === filters.state)?.label.toLowerCase() ?? '';
  const countText =
    list.status === 'ready' ? `${list.total} ${stateLabel} ${list.total === 1 ? 'conversation' : 'conversations'}${filters.q ? ` matching “${filters.q}”` : ''}` : '';

  return (
    <section className="conversation-list-pane" aria-labelledby={`${searchId}-heading`}>
      <div className="list-controls">
        <h1 id={`${searchId}-heading`} className="sr-only">
          Conversations
        </h1>
        <div className="state-tabs" role="group" aria-label="Conversation status">
          {STATE_TABS.map((tab) => (
            <button
              key={tab.value}
              type="button"
              className="tab"
              aria-pressed={filters.state === tab.value}
              onClick={() => filters.state !== tab.value && onFiltersChange({ ...filters, state: tab.value })}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <div className="list-filter-row">
          <div className="field-inline">
            <label htmlFor={assigneeId} className="sr-only">
              Assignee
            </label>
            <select id={assigneeId} value={filters.assignee} onChange={(event) => onFiltersChange({ ...filters, assignee: event.target.value as AssigneeFilter })}>
              <option value="me">Assigned to me</option>
              <option value="unassigned">Unassigned</option>
              <option value="all">All</option>
            </select>
          </div>
          <div className="field-inline search-field">
            <label htmlFor={searchId} className="sr-only">
              Search conversations
            </label>
            <input
              id={searchId}
              type="search"
              placeholder="Search contact or text"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter') onFiltersChange({ ...filters, q: search.trim() });
                if (event.key === 'ArrowDown') {
                  event.preventDefault();
                  listRef.current?.querySelector<HTMLAnchorElement>('a.conversation-row')?.focus();
                }
              }}
            />
          </div>
        </div>
        <p className="list-count" aria-live="polite">
          {countText}
        </p>
      </div>

      <div className="list-scroll">
        {list.status === 'loading' && <ListSkeleton />}

        {list.status === 'error' && (
          <div className="state error-state list-message" role="alert">
            <p>
              <strong>Could not load conversations.</strong> {list.error}
            </p>
            <button type="button" onClick={onRetry}>
              Retry
            </button>
          </div>
        )}

        {list.status === 'ready' && list.items.length === 0 && (
          <div className="list-message empty-state" data-testid="conversation-list">
            <h2>{emptyTitle(filters)}</h2>
            <p>{emptyHint(filters)}</p>
          </div>
        )}

        {list.status === 'ready' && list.items.length > 0 && (
          <>
            <ul className="conversation-list" data-testid="conversation-list" aria-label="Conversations" ref={listRef} onKeyDown={onListKeyDown}>
              {list.items.map((conversation) => (
                <ConversationRow key={conversation.id} conversation={conversation} selected={conversation.id === selectedId} focusable={conversation.id === focusableId} now={now} />
              ))}
            </ul>
            {list.more.error && (
              <p className="error list-more-error" role="alert">
                Could not load more conversations: {list.more.error}
              </p>
            )}
            {list.next && (
              <button type="button" className="load-more" onClick={onLoadMore} aria-disabled={list.more.loading || undefined}>
                {list.more.loading ? 'Loading more…' : list.more.error ? 'Try loading more again' : 'Load more'}
              </button>
            )}
          </>
        )}
      </div>
    </section>
  );
}

function emptyTitle(filters: ListFilters): string {
  if (filters.q) return `No conversations match “${filters.q}”`;
  const state = filters.state === 'all' ? '' : `${filters.state} `;
  if (filters.assignee === 'me') return `No ${state}conversations assigned to you`;
  if (filters.assignee === 'unassigned') return `No unassigned ${state}conversations`;
  return `No ${state}conversations`;
}

function emptyHint(filters: ListFilters): string {
  if (filters.q) return 'Try another name, email address or phrase.';
  if (filters.state === 'snoozed') return 'Snoozed conversations wait here until their snooze ends.';
  if (filters.state === 'closed') return 'Closed conversations are kept here; reopen one to continue it.';
  return 'New conversations appear here as they arrive.';
}

function ConversationRow({ conversation, selected, focusable, now }: { conversation: ConversationSummary; selected: boolean; focusable: boolean; now: number }) {
  const { preview } = conversation;
  return (
    <li>
      <a
        id={rowId(conversation.id)}
        href={conversationPath(conversation.id)}
        className={`conversation-row${conversation.unread ? ' unread' : ''}`}
        data-testid={`conversation-row-${conversation.id}`}
        aria-current={selected ? 'page' : undefined}
        tabIndex={focusable ? 0 : -1}
        onClick={followLink}
      >
        <span className="row-top">
          <span className="row-name">
            {conversation.unread && (
              <>
                <span className="unread-dot" aria-hidden="true" />
                <span className="sr-only">unread, </span>
              </>
            )}
            {contactLabel(conversation.contact)}
          </span>
          <time className="row-time" dateTime={conversation.last_activity_at} title={fullTime(conversation.last_activity_at)}>
            {relativeTime(conversation.last_activity_at, now)}
          </time>
        </span>
        {conversation.title && <span className="row-title">{conversation.title}</span>}
        <span className="row-preview">{preview ? `${previewPrefix(preview)}${preview.body}` : 'No messages yet'}</span>
        {(conversation.assignee || conversation.state === 'snoozed' || conversation.tags.length > 0) && (
          <span className="row-meta">
            {conversation.state === 'snoozed' && conversation.snoozed_until && <span>Snoozed until {fullTime(conversation.snoozed_until)}</span>}
            {conversation.assignee && <span>{conversation.assignee.name}</span>}
            {conversation.tags.slice(0, 3).map((tag) => (
              <span key={tag} className="tag-chip small">
                {tag}
              </span>
            ))}
          </span>
        )}
      </a>
    </li>
  );
}

function ListSkeleton() {
  return (
    <div className="list-skeleton">
      <p className="sr-only" role="status">
        Loading conversations…
      </p>
      {Array.from({ length: 6 }, (_, i) => (
        <div key={i} className="skeleton-row" aria-hidden="true">
          <span className="skeleton-line short" />
          <span className="skeleton-line" />
          <span className="skeleton-line medium" />
        </div>
      ))}
    </div>
  );
}
