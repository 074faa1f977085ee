import { useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { isMac } from './format.ts';
import { replyToConversation, type ConversationPart } from './inbox-api.ts';
import type { Fail } from './use-resource.ts';

export type ComposerMode = 'comment' | 'note';

export interface Draft {
  text: string;
  mode: ComposerMode;
}

interface ComposerProps {
  conversationId: string;
  initialDraft: Draft;
  // Drafts outlive switching conversations.
  onDraftChange(draft: Draft): void;
  onSent(part: ConversationPart): void;
  fail: Fail;
  // The macro picker, from the command palette.
  macros?: ReactNode;
}

export function Composer({ conversationId, initialDraft, onDraftChange, onSent, fail, macros }: ComposerProps) {
  const [text, setText] = useState(initialDraft.text);
  const [mode, setMode] = useState<ComposerMode>(initialDraft.mode);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const ids = { text: useId(), hint: useId(), error: useId() };

  function change(next: Draft) {
    setText(next.text);
    setMode(next.mode);
    onDraftChange(next);
  }

  async function send(event?: FormEvent) {
    event?.preventDefault();
    if (sending) return;
    const body = text.trim();
    if (!body) {
      setError(mode === 'note' ? 'Write a note first.' : 'Write a reply first.');
      textareaRef.current?.focus();
      return;
    }
    setSending(true);
    setError(null);
    try {
      const part = await replyToConversation(conversationId, { message_type: mode, body });
      change({ text: '', mode });
      onSent(part);
    } catch (caught) {
      // The text stays in the box so nothing typed is lost.
      const message = fail(caught);
      if (message !== null) setError(message);
    } finally {
      setSending(false);
      textareaRef.current?.focus();
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
      event.preventDefault();
      void send();
    }
  }

  const note = mode === 'note';
  return (
    <form className={`composer${note ? ' composer-note' : ''}`} data-testid="composer" onSubmit={(event) => void send(event)} aria-label="Reply composer">
      <div className="composer-top">
        <div className="composer-modes" role="group" aria-label="Message type">
          <button type="button" className="tab" aria-pressed={!note} onClick={() => change({ text, mode: 'comment' })}>
            Reply
          </button>
          <button type="button" className="tab" aria-pressed={note} onClick={() => change({ text, mode: 'note' })}>
            Internal note
          </button>
        </div>
        {macros}
      </div>
      <label htmlFor={ids.text} className="sr-only">
        {note ? 'Internal note, only teammates see it' : 'Reply to the customer'}
      </label>
      <textarea
        id={ids.text}
        ref={textareaRef}
        rows={3}
        value={text}
        placeholder={note ? 'Write an internal note (only teammates see it)…' : 'Write a reply…'}
        onChange={(event) => change({ text: event.target.value, mode })}
        onKeyDown={onKeyDown}
        aria-describedby={`${ids.hint}${error ? ` ${ids.error}` : ''}`}
        aria-invalid={error ? true : undefined}
        readOnly={sending}
      />
      {error && (
        <p className="error composer-error" id={ids.error} role="alert">
          Not sent: {error}
        </p>
      )}
      <div className="composer-bottom">
        <span className="hint composer-hint" id={ids.hint}>
          {isMac ? '⌘' : 'Ctrl'}+Enter to send
        </span>
        <button type="submit" className="primary" aria-disabled={sending || undefined}>
          {sending ? 'Sending…' : note ? 'Add note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}
