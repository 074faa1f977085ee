// The inbox: conversation list | conversation | sidebar (one pane at a time on
// narrow screens). Holds what is on screen and keeps it current from three
// sources: REST answers, the command palette's callbacks and socket events.
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import type { Me } from '../api.ts';
import { CommandPaletteProvider, MacroPicker, useCommandPalette } from '../command-palette/index.ts';
import { goBack, navigate } from '../router.ts';
import { useFailureMessage } from '../settings/settings-common.tsx';
import type { Draft } from './Composer.tsx';
import { ConversationList, rowId } from './ConversationList.tsx';
import { ConversationView, type ConversationViewProps } from './ConversationView.tsx';
import { conversationLabel, useNow } from './format.ts';
import {
  getContact,
  getConversation,
  listAdmins,
  listConnectorRuns,
  markConversationRead,
  type AdminSummary,
  type AttributeUpdatedEvent,
  type ConnectorRunLoggedEvent,
  type ConversationDetail,
  type ConversationPart,
  type ConversationSummary,
  type ConversationUpdatedEvent,
  type PartCreatedEvent,
} from './inbox-api.ts';
import { Sidebar, type Flashes } from './Sidebar.tsx';
import './inbox.css';
import { useConversationList, type ListFilters } from './use-conversation-list.ts';
import { useConversationRoom } from './use-inbox-socket.ts';
import { useResource, type Fail, type Resource } from './use-resource.ts';

interface InboxPageProps {
  me: Me;
  conversationId: string | null;
  socket: Socket | null;
  // Moves on when the socket reconnected without replaying missed events.
  syncCount: number;
  onUnauthorized(message: string): void;
}

// Below this width the inbox shows one pane at a time (matches styles.css).
const NARROW_QUERY = '(max-width: 1023px)';
const RUNS_REFRESH_DELAY_MS = 250;

const isNarrow = () => window.matchMedia(NARROW_QUERY).matches;

function summaryOf(detail: ConversationDetail): ConversationSummary {
  const { custom_attributes: _attributes, parts: _parts, ...summary } = detail;
  return summary;
}

function withPart(detail: ConversationDetail, part: ConversationPart): ConversationDetail {
  // The palette and the socket can both deliver the same part.
  if (detail.parts.some((existing) => existing.id === part.id)) return detail;
  const parts = [...detail.parts, part];
  parts.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || Number(a.id) - Number(b.id));
  return { ...detail, parts };
}

export function InboxPage(props: InboxPageProps) {
  const { me, conversationId, socket, syncCount, onUnauthorized } = props;
  const [filters, setFilters] = useState<ListFilters>({ state: 'open', assignee: 'all', q: '' });

  const fail = useFailureMessage(onUnauthorized);

  const { list, reload: reloadList, loadMore, apply: applyToList } = useConversationList(filters, me.id, fail);
  const detail = useResource(conversationId, getConversation, fail);
  const conversation = detail.data;
  const contactId = conversation?.contact.id ?? null;
  const contact = useResource(contactId, getContact, fail);
  const runs = useResource(conversationId, listConnectorRuns, fail);
  const admins = useResource('admins', (_key, signal) => listAdmins(signal), fail);
  const live = useConversationRoom(socket, conversationId);
  const [flashes, setFlashes] = useState<Flashes>({});
  const now = useNow();

  // Drafts per conversation, so switching away does not lose what was typed.
  const drafts = useRef(new Map<string, Draft>());
  const draft = (conversationId && drafts.current.get(conversationId)) || { text: '', mode: 'comment' as const };
  const saveDraft = useCallback(
    (next: Draft) => {
      if (conversationId) drafts.current.set(conversationId, next);
    },
    [conversationId],
  );

  const runsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshRuns = useCallback(() => {
    clearTimeout(runsTimer.current);
    runsTimer.current = setTimeout(() => runs.reload(true), RUNS_REFRESH_DELAY_MS);
  }, [runs.reload]);
  useEffect(() => () => clearTimeout(runsTimer.current), []);

  // Merges a list row's facts into the open conversation.
  const mergeSummary = useCallback(
    (summary: ConversationSummary) => {
      if (summary.id === conversationId) detail.update((current) => ({ ...current, ...summary }));
    },
    [conversationId, detail.update],
  );

  const reading = useRef<string | null>(null);
  const markRead = useCallback(
    (id: string) => {
      if (reading.current === id) return;
      reading.current = id;
      markConversationRead(id)
        .then((summary) => {
          applyToList(summary);
          mergeSummary(summary);
        })
        // Unread markers are a convenience: a failed read is retried the next time the conversation opens.
        .catch((error: unknown) => void fail(error))
        .finally(() => {
          if (reading.current === id) reading.current = null;
        });
    },
    [applyToList, mergeSummary, fail],
  );

  useEffect(() => {
    if (conversationId) markRead(conversationId);
  }, [conversationId, markRead]);

  const changed = useCallback(
    (next: ConversationDetail) => {
      applyToList(summaryOf(next));
      if (next.id === conversationId) detail.replace(next);
      // A macro may have run a connector or set contact attributes.
      refreshRuns();
      contact.reload(true);
    },
    [applyToList, conversationId, detail.replace, refreshRuns, contact.reload],
  );

  const partAdded = useCallback(
    (part: ConversationPart) => {
      detail.update((current) => withPart(current, part));
      if (part.part_type === 'connector_result') refreshRuns();
    },
    [detail.update, refreshRuns],
  );

  const flash = useCallback((target: 'contact' | 'conversation', names: string[]) => {
    setFlashes((current) => {
      const next = { ...current };
      for (const name of names) next[`${target}:${name}`] = (current[`${target}:${name}`] ?? 0) + 1;
      return next;
    });
  }, []);

  // Socket events, always handled with the latest state.
  const onConversationUpdated = useEffectEvent((event: ConversationUpdatedEvent) => {
    const summary = event.conversation;
    applyToList(summary);
    if (summary.id !== conversationId) return;
    mergeSummary(summary);
    if (summary.unread && document.visibilityState === 'visible') markRead(summary.id);
  });
  const onPartCreated = useEffectEvent((event: PartCreatedEvent) => {
    if (event.conversation_id === conversationId) partAdded(event.part);
  });
  const onAttributeUpdated = useEffectEvent((event: AttributeUpdatedEvent) => {
    const names = Object.keys(event.changes);
    let mine = event.conversation_id !== null && event.conversation_id === conversationId;
    if (event.target === 'conversation' && event.id === conversationId) {
      detail.update((current) => ({ ...current, custom_attributes: { ...current.custom_attributes, ...event.changes } }));
      flash('conversation', names);
      mine = true;
    }
    if (event.target === 'contact' && event.id === contactId) {
      contact.update((current) => ({ ...current, custom_attributes: { ...current.custom_attributes, ...event.changes } }));
      flash('contact', names);
      mine = true;
    }
    if (mine) refreshRuns();
  });
  // Every logged run on this conversation, failures included (they add no part and change no attribute).
  const onRunLogged = useEffectEvent((event: ConnectorRunLoggedEvent) => {
    if (event.conversation_id === conversationId) refreshRuns();
  });
  const resync = useEffectEvent(() => {
    reloadList(true);
    detail.reload(true);
    contact.reload(true);
    runs.reload(true);
  });

  useEffect(() => {
    if (!socket) return;
    const updated = (event: ConversationUpdatedEvent) => onConversationUpdated(event);
    const created = (event: PartCreatedEvent) => onPartCreated(event);
    const attributes = (event: AttributeUpdatedEvent) => onAttributeUpdated(event);
    socket.on('conversation.updated', updated);
    socket.on('conversation.part.created', created);
    socket.on('attribute.updated', attributes);
    const runLogged = (event: ConnectorRunLoggedEvent) => onRunLogged(event);
    socket.on('connector_run.logged', runLogged);
    return () => {
      socket.off('connector_run.logged', runLogged);
      socket.off('conversation.updated', updated);
      socket.off('conversation.part.created', created);
      socket.off('attribute.updated', attributes);
    };
  }, [socket]);

  // Missed events cannot be replayed: read everything on screen again.
  useEffect(() => {
    if (syncCount > 0) resync();
  }, [syncCount]);

  // Coming back to the tab marks the open conversation read if something arrived meanwhile.
  useEffect(() => {
    const visible = () => {
      if (document.visibilityState === 'visible' && conversationId && conversation?.unread) markRead(conversationId);
    };
    document.addEventListener('visibilitychange', visible);
    return () => document.removeEventListener('visibilitychange', visible);
  }, [conversationId, conversation?.unread, markRead]);

  // Flash highlights belong to the conversation they happened in.
  useEffect(() => setFlashes({}), [conversationId]);

  // One pane at a time: the sidebar is a pane of its own, opened from the view.
  const [showDetails, setShowDetails] = useState(false);
  useEffect(() => setShowDetails(false), [conversationId]);
  const pane = conversationId ? (showDetails ? 'sidebar' : 'view') : 'list';

  // Back on the list (narrow screens), focus returns to the row that was open.
  const lastOpen = useRef<string | null>(null);
  useEffect(() => {
    if (conversationId) {
      lastOpen.current = conversationId;
    } else if (lastOpen.current && isNarrow()) {
      document.getElementById(rowId(lastOpen.current))?.focus();
    }
  }, [conversationId]);

  useEffect(() => {
    const unread = list.items.filter((item) => item.unread).length;
    const prefix = unread > 0 ? `(${unread}) ` : '';
    document.title = `${prefix}${conversation ? `${conversationLabel(conversation)} · ` : ''}Inbox · Patchbay`;
  }, [list.items, conversation]);

  const paletteContext = useMemo(
    () => ({ me, conversation, conversations: list.items, navigate, onConversationChanged: changed, onPartAdded: partAdded }),
    [me, conversation, list.items, changed, partAdded],
  );

  return (
    <CommandPaletteProvider context={paletteContext}>
      <div className="inbox" data-pane={pane}>
        <div className="pane pane-list">
          <ConversationList
            filters={filters}
            onFiltersChange={setFilters}
            list={list}
            selectedId={conversationId}
            now={now}
            onRetry={() => reloadList()}
            onLoadMore={() => void loadMore()}
          />
        </div>
        <div className="pane pane-view">
          {conversationId ? (
            <OpenConversation
              conversationId={conversationId}
              detail={detail}
              me={me}
              admins={admins.data?.data ?? null}
              live={live}
              fail={fail}
              draft={draft}
              onDraftChange={saveDraft}
              onChanged={changed}
              onPartAdded={partAdded}
              onShowDetails={() => setShowDetails(true)}
              focusOnOpen={isNarrow()}
              onRunsChanged={refreshRuns}
            />
          ) : (
            <div className="no-conversation">
              <h2>No conversation open</h2>
              <p className="muted">Choose a conversation from the list. Use j and k (or the arrow keys) to move between conversations and Enter to open one.</p>
            </div>
          )}
        </div>
        <div className="pane pane-sidebar">
          {conversationId ? (
            <Sidebar conversation={conversation} contact={contact} runs={runs} flashes={flashes} now={now} onBack={() => setShowDetails(false)} />
          ) : (
            <aside className="sidebar sidebar-empty-pane" aria-label="Details">
              <p className="muted">Contact details and connector runs appear here when a conversation is open.</p>
            </aside>
          )}
        </div>
      </div>
    </CommandPaletteProvider>
  );
}

// The view's props, less those this wrapper fills in from the palette.
type OpenConversationProps = Omit<ConversationViewProps, 'onTriggerConnector' | 'onBack' | 'onOpenPalette' | 'macroPicker'> & {
  onRunsChanged(): void;
};

// Inside the palette provider, so the "..." menus and the macro picker can reach it.
function OpenConversation({ conversationId, onRunsChanged, ...rest }: OpenConversationProps) {
  const palette = useCommandPalette();
  const trigger = useCallback((partId: string) => palette.runConnector(conversationId, partId), [palette, conversationId]);
  return (
    <ConversationView
      conversationId={conversationId}
      {...rest}
      onTriggerConnector={trigger}
      onBack={() => goBack('/inbox')}
      onOpenPalette={palette.open}
      macroPicker={<MacroPicker conversationId={conversationId} onApplied={onRunsChanged} />}
    />
  );
}
