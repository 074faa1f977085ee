import { createContext, useContext } from 'react';
import type { Me } from '../api.ts';
import type { ConversationDetail, ConversationPart, ConversationSummary } from '../inbox/inbox-api.ts';

// What the inbox tells the palette about the screen, and how the palette tells
// the inbox that something changed (so the inbox never waits for the socket).
export interface CommandPaletteContext {
  me: Me;
  conversation: ConversationDetail | null;
  conversations: ConversationSummary[];
  navigate(path: string): void;
  onConversationChanged(detail: ConversationDetail): void;
  onPartAdded(part: ConversationPart): void;
}

export interface CommandPaletteControls {
  open(): void;
  // From a message's "..." menu: choose a connector for this conversation, the message's text pre-filled.
  runConnector(conversationId: string, partId?: string): void;
}

export interface PaletteInternals {
  // Always the latest context, so long-running flows report to the current screen.
  context(): CommandPaletteContext;
  announce(message: string): void;
  alert(message: string): void;
}

export const ControlsContext = createContext<CommandPaletteControls | null>(null);
export const InternalsContext = createContext<PaletteInternals | null>(null);

export function useCommandPalette(): CommandPaletteControls {
  const controls = useContext(ControlsContext);
  if (!controls) throw new Error('useCommandPalette must be used inside <CommandPaletteProvider>');
  return controls;
}

export function usePaletteInternals(): PaletteInternals {
  const internals = useContext(InternalsContext);
  if (!internals) throw new Error('This component must be used inside <CommandPaletteProvider>');
  return internals;
}
