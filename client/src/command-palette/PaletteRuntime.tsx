import { KBarProvider, Priority, useKBar, useRegisterActions, VisualState, type Action, type KBarOptions } from 'kbar';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  listConversationConnectors,
  updateConversation,
  type ConnectorRunResult,
  type ConversationConnector,
  type ConversationUpdate,
} from '../inbox/inbox-api.ts';
import { applyMacroFlow } from './apply-macro-flow.ts';
import { summarizeActions } from './macro-text.ts';
import { isInboxMacro, listAllMacros, type Macro } from './palette-api.ts';
import type { CommandPaletteContext, CommandPaletteControls, PaletteInternals } from './palette-context.ts';
import { PaletteUI, type LevelState } from './PaletteUI.tsx';
import { RunConnectorDialog } from './RunConnectorDialog.tsx';
import { usePaletteKeys } from './use-palette-keys.ts';
import './command-palette.css';

export const RUN_CONNECTOR = 'run-connector';
export const RUN_CONNECTOR_RETRY = 'run-connector/retry';
export const APPLY_MACRO = 'apply-macro';
export const APPLY_MACRO_RETRY = 'apply-macro/retry';
export const GO_TO_CONVERSATION = 'go-to-conversation';

const SECTION_CONVERSATION = { name: 'This conversation', priority: Priority.HIGH };
const SECTION_NAVIGATE = { name: 'Go to', priority: Priority.NORMAL };
const SECTION_SETTINGS = { name: 'Settings', priority: Priority.LOW };

interface ConnectorTarget {
  conversationId: string;
  partId: string | null;
  // Where focus was when the flow started (the message menu), for when the form closes.
  returnFocus: HTMLElement | null;
}

interface DialogRequest extends ConnectorTarget {
  connector: ConversationConnector;
}

type AsyncList<T> = { status: 'idle' } | { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; items: T[] };

export interface PaletteRuntimeProps {
  context: CommandPaletteContext;
  internals: PaletteInternals;
  // Hands the palette's controls to the provider once kbar is mounted (null on unmount).
  connect(controls: CommandPaletteControls | null): void;
}

// kbar and everything built on it: loaded on demand by CommandPaletteProvider
// so the first load of the inbox does not carry it.
export default function PaletteRuntime(props: PaletteRuntimeProps) {
  // No open/close animation: the palette is there the moment Cmd+K is pressed, and gone when a command runs.
  const options = useMemo<KBarOptions>(() => ({ animations: { enterMs: 0, exitMs: 0 } }), []);
  return (
    <KBarProvider options={options}>
      <PaletteLayer {...props} />
    </KBarProvider>
  );
}

function PaletteLayer({ context, internals, connect }: PaletteRuntimeProps) {
  usePaletteKeys();
  const contextRef = useRef(context);
  contextRef.current = context;
  const { query, rootId, visualState } = useKBar((state) => ({
    rootId: state.currentRootActionId ?? null,
    visualState: state.visualState,
  }));
  const [target, setTarget] = useState<ConnectorTarget | null>(null);
  const targetRef = useRef(target);
  targetRef.current = target;
  const [connectors, setConnectors] = useState<AsyncList<ConversationConnector>>({ status: 'idle' });
  const [macros, setMacros] = useState<AsyncList<Macro>>({ status: 'idle' });
  const [pendingDialog, setPendingDialog] = useState<DialogRequest | null>(null);
  const [dialog, setDialog] = useState<DialogRequest | null>(null);
  const { announce, alert: raise } = internals;

  const conversation = context.conversation;
  const runTarget: ConnectorTarget | null = target ?? (conversation ? { conversationId: conversation.id, partId: null, returnFocus: null } : null);
  const runConversationId = runTarget?.conversationId ?? null;
  const runPartId = runTarget?.partId ?? null;
  const inRunLevel = rootId === RUN_CONNECTOR;
  const inMacroLevel = rootId === APPLY_MACRO;

  // The lists are fetched each time their level opens: connectors go live, macros change, audiences move.
  useEffect(() => {
    if (!inRunLevel || !runConversationId) return;
    const controller = new AbortController();
    setConnectors({ status: 'loading' });
    listConversationConnectors(runConversationId, { conversationPartId: runPartId ?? undefined, signal: controller.signal })
      .then((list) => setConnectors({ status: 'ready', items: list.data }))
      .catch((error: unknown) => {
        if (isAbort(error)) return;
        setConnectors({ status: 'error', message: messageOf(error) });
      });
    return () => controller.abort();
  }, [inRunLevel, runConversationId, runPartId]);

  useEffect(() => {
    if (!inMacroLevel) return;
    const controller = new AbortController();
    setMacros({ status: 'loading' });
    listAllMacros(controller.signal)
      .then((list) => setMacros({ status: 'ready', items: list.filter(isInboxMacro) }))
      .catch((error: unknown) => {
        if (isAbort(error)) return;
        setMacros({ status: 'error', message: messageOf(error) });
      });
    return () => controller.abort();
  }, [inMacroLevel]);

  // "Retry" entries are nested levels of their own; entering one goes back and loads again.
  useEffect(() => {
    if (rootId === RUN_CONNECTOR_RETRY) query.setCurrentRootAction(RUN_CONNECTOR);
    if (rootId === APPLY_MACRO_RETRY) query.setCurrentRootAction(APPLY_MACRO);
  }, [rootId, query]);

  // The form opens once the palette is gone, after kbar has put focus back where it was.
  useEffect(() => {
    if (visualState !== VisualState.hidden) return;
    if (pendingDialog) {
      setDialog(pendingDialog);
      setPendingDialog(null);
    }
    setTarget(null);
    setConnectors({ status: 'idle' });
    setMacros({ status: 'idle' });
  }, [visualState, pendingDialog]);

  // Cmd+K must not open a second layer over the form.
  useEffect(() => {
    query.disable(dialog !== null);
  }, [dialog, query]);

  const openPalette = useCallback(
    (root: string | null) => {
      query.setCurrentRootAction(root);
      query.setVisualState((state) => (state === VisualState.hidden || state === VisualState.animatingOut ? VisualState.animatingIn : state));
    },
    [query],
  );

  const controls = useMemo<CommandPaletteControls>(
    () => ({
      open: () => openPalette(null),
      runConnector: (conversationId: string, partId?: string) => {
        const active = document.activeElement;
        setTarget({ conversationId, partId: partId ?? null, returnFocus: active instanceof HTMLElement && active !== document.body ? active : null });
        openPalette(RUN_CONNECTOR);
      },
    }),
    [openPalette],
  );

  useEffect(() => {
    connect(controls);
    return () => connect(null);
  }, [connect, controls]);

  const actions = useMemo<Action[]>(() => {
    const list: Action[] = [];
    const ctx = { me: context.me, conversations: context.conversations };
    const conv = context.conversation;
    const runTarget: ConnectorTarget | null = target ?? (conv ? { conversationId: conv.id, partId: null, returnFocus: null } : null);

    if (runTarget) {
      list.push({
        id: RUN_CONNECTOR,
        name: 'Trigger data connector',
        keywords: 'run connector api call lookup data',
        section: SECTION_CONVERSATION,
        ...(runTarget.partId ? { subtitle: 'On the selected message' } : {}),
      });
      if (connectors.status === 'ready') {
        for (const connector of connectors.items) {
          list.push({
            id: `${RUN_CONNECTOR}/${connector.id}`,
            parent: RUN_CONNECTOR,
            name: connector.name,
            ...(connector.description ? { subtitle: connector.description } : {}),
            keywords: connector.data_inputs.map((input) => input.name).join(' '),
            perform: () => setPendingDialog({ ...runTarget, connector }),
          });
        }
      }
      if (connectors.status === 'error') list.push({ id: RUN_CONNECTOR_RETRY, parent: RUN_CONNECTOR, name: 'Retry loading data connectors' });
    }

    if (conv) {
      list.push({ id: APPLY_MACRO, name: 'Apply macro…', keywords: 'macro saved reply', section: SECTION_CONVERSATION });
      if (macros.status === 'ready') {
        for (const macro of macros.items) {
          list.push({
            id: `${APPLY_MACRO}/${macro.id}`,
            parent: APPLY_MACRO,
            name: macro.name,
            subtitle: summarizeActions(macro),
            keywords: macro.body_text ?? '',
            perform: () => {
              announce(`Applying “${macro.name}”…`);
              void applyMacroFlow(conv.id, macro, () => contextRef.current).then((outcome) => (outcome.ok ? announce(outcome.message) : raise(outcome.message)));
            },
          });
        }
      }
      if (macros.status === 'error') list.push({ id: APPLY_MACRO_RETRY, parent: APPLY_MACRO, name: 'Retry loading macros' });

      const change = (body: ConversationUpdate, done: string, failed: string) => () => {
        void updateConversation(conv.id, body)
          .then((detail) => {
            contextRef.current.onConversationChanged(detail);
            announce(done);
          })
          .catch((error: unknown) => raise(`${failed}: ${messageOf(error)}`));
      };
      if (conv.assignee?.id !== ctx.me.id) {
        list.push({
          id: 'assign-to-me',
          name: 'Assign to me',
          keywords: 'assign take mine',
          section: SECTION_CONVERSATION,
          perform: change({ assignee_id: ctx.me.id }, 'Assigned to you', 'Could not assign the conversation'),
        });
      }
      if (conv.assignee) {
        list.push({
          id: 'unassign',
          name: 'Unassign',
          subtitle: `Assigned to ${conv.assignee.id === ctx.me.id ? 'you' : conv.assignee.name}`,
          keywords: 'unassign remove assignee',
          section: SECTION_CONVERSATION,
          perform: change({ assignee_id: null }, 'Conversation unassigned', 'Could not unassign the conversation'),
        });
      }
      if (conv.state !== 'closed') {
        list.push({
          id: 'close-conversation',
          name: 'Close conversation',
          keywords: 'close done resolve',
          section: SECTION_CONVERSATION,
          perform: change({ state: 'closed' }, 'Conversation closed', 'Could not close the conversation'),
        });
        list.push({
          id: 'snooze-hour',
          name: 'Snooze 1 hour',
          keywords: 'snooze later remind',
          section: SECTION_CONVERSATION,
          perform: () => change({ state: 'snoozed', snoozed_until: new Date(Date.now() + 3_600_000).toISOString() }, 'Snoozed for 1 hour', 'Could not snooze the conversation')(),
        });
        list.push({
          id: 'snooze-tomorrow',
          name: 'Snooze until tomorrow',
          subtitle: 'Tomorrow at 9:00',
          keywords: 'snooze later remind',
          section: SECTION_CONVERSATION,
          perform: () => change({ state: 'snoozed', snoozed_until: tomorrowMorning().toISOString() }, 'Snoozed until tomorrow 9:00', 'Could not snooze the conversation')(),
        });
      }
      if (conv.state !== 'open') {
        list.push({
          id: 'reopen-conversation',
          name: 'Reopen',
          subtitle: conv.state === 'snoozed' ? 'Wake the snoozed conversation now' : 'Open the conversation again',
          keywords: 'reopen open unsnooze wake',
          section: SECTION_CONVERSATION,
          perform: change({ state: 'open' }, 'Conversation reopened', 'Could not reopen the conversation'),
        });
      }
    }

    if (ctx.conversations.length > 0) {
      list.push({ id: GO_TO_CONVERSATION, name: 'Go to conversation…', keywords: 'open switch find conversation', section: SECTION_NAVIGATE });
      for (const summary of ctx.conversations) {
        const who = summary.contact.name || summary.contact.email || 'Unknown contact';
        list.push({
          id: `${GO_TO_CONVERSATION}/${summary.id}`,
          parent: GO_TO_CONVERSATION,
          name: summary.title ? `${who} — ${summary.title}` : who,
          subtitle: summary.preview?.body ?? summary.contact.email ?? '',
          keywords: [summary.contact.email, summary.contact.name, summary.title, summary.state].filter(Boolean).join(' '),
          perform: () => contextRef.current.navigate(`/inbox/conversations/${encodeURIComponent(summary.id)}`),
        });
      }
    }

    if (ctx.me.role === 'admin') {
      list.push({
        id: 'settings-connectors',
        name: 'Open settings: Data connectors',
        keywords: 'settings admin connectors',
        section: SECTION_SETTINGS,
        perform: () => contextRef.current.navigate('/settings/connectors'),
      });
      list.push({
        id: 'settings-macros',
        name: 'Open settings: Macros',
        keywords: 'settings admin macros',
        section: SECTION_SETTINGS,
        perform: () => contextRef.current.navigate('/settings/macros'),
      });
    }
    return list;
    // Listed piece by piece: the inbox may hand over a new context object on every render.
  }, [context.me, context.conversation, context.conversations, target, connectors, macros, announce, raise]);

  useRegisterActions(actions, [actions]);

  const level: LevelState | null = inRunLevel
    ? levelFrom(connectors, {
        noun: 'data connectors',
        empty: 'No live data connectors are available for this contact. Connectors must be live and the contact in their audience.',
        retry: 'Retry loading data connectors',
      })
    : inMacroLevel
      ? levelFrom(macros, { noun: 'macros', empty: 'No macros yet. Admins create them in Settings → Macros.', retry: 'Retry loading macros' })
      : rootId === GO_TO_CONVERSATION && context.conversations.length === 0
        ? { kind: 'empty', message: 'No conversations in this list.' }
        : null;

  function onRan(request: DialogRequest, result: ConnectorRunResult) {
    setDialog(null);
    if (result.part) contextRef.current.onPartAdded(result.part);
    announce(`Ran ${request.connector.name}`);
  }

  return (
    <>
      <PaletteUI level={level} fallbackFocus={() => (targetRef.current ? returnFocusFor(targetRef.current) : null)} />
      {dialog && (
        <RunConnectorDialog
          key={`${dialog.conversationId}:${dialog.connector.id}`}
          conversationId={dialog.conversationId}
          partId={dialog.partId}
          connector={dialog.connector}
          returnFocus={() => returnFocusFor(dialog)}
          onClose={() => setDialog(null)}
          onRan={(result) => onRan(dialog, result)}
          onFailedAfterClose={raise}
        />
      )}
    </>
  );
}

// The element that was focused before the palette (kbar puts focus back there
// before the form opens), else the message's menu button, else the conversation.
function returnFocusFor(request: ConnectorTarget): HTMLElement | null {
  if (request.returnFocus?.isConnected) return request.returnFocus;
  if (request.partId) {
    const menu = document.querySelector<HTMLElement>(`[data-testid="message-menu-${CSS.escape(request.partId)}"]`);
    if (menu) return menu;
  }
  return document.querySelector<HTMLElement>('[data-testid="composer"] textarea, [data-testid="conversation-view"]');
}

function levelFrom<T>(list: AsyncList<T>, words: { noun: string; empty: string; retry: string }): LevelState | null {
  switch (list.status) {
    case 'idle':
    case 'loading':
      return { kind: 'loading', message: `Loading ${words.noun}…` };
    case 'error':
      return { kind: 'error', message: `Could not load ${words.noun}: ${list.message} Choose “${words.retry}” to try again.` };
    case 'ready':
      return list.items.length === 0 ? { kind: 'empty', message: words.empty } : null;
  }
}

function tomorrowMorning(): Date {
  const date = new Date();
  date.setDate(date.getDate() + 1);
  date.setHours(9, 0, 0, 0);
  return date;
}

const isAbort = (error: unknown) => error instanceof DOMException && error.name === 'AbortError';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
