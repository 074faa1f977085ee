import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { Me } from '../api.ts';
import { ConversationActions } from './ConversationActions.tsx';
import { Composer, type Draft } from './Composer.tsx';
import { contactLabel, conversationLabel, isMac } from './format.ts';
import type { AdminSummary, ConversationDetail, ConversationPart } from './inbox-api.ts';
import { PartItem } from './PartItem.tsx';
import type { Fail, Resource } from './use-resource.ts';

export interface ConversationViewProps {
  conversationId: string;
  detail: Resource<ConversationDetail>;
  me: Me;
  admins: AdminSummary[] | null;
  // The server acknowledged joining this conversation's room.
  live: boolean;
  fail: Fail;
  draft: Draft;
  onDraftChange(draft: Draft): void;
  onChanged(detail: ConversationDetail): void;
  onPartAdded(part: ConversationPart): void;
  onTriggerConnector(partId: string): void;
  onBack(): void;
  onShowDetails(): void;
  onOpenPalette(): void;
  // Focus the heading when the view replaced the list (one pane at a time).
  focusOnOpen: boolean;
  macroPicker: ReactNode;
}

// How close to the end counts as "reading the latest message".
const BOTTOM_SLACK_PX = 48;

export function ConversationView(props: ConversationViewProps) {
  const { conversationId, detail, me, admins, live, fail, draft, onDraftChange, onChanged, onPartAdded, onTriggerConnector, onBack, onShowDetails, onOpenPalette, focusOnOpen, macroPicker } = props;
  const conversation = detail.data;
  const scrollRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const atBottom = useRef(true);
  const forceBottom = useRef(false);
  const seenCount = useRef(0);
  const [unseen, setUnseen] = useState(0);

  const partCount = conversation?.parts.length ?? 0;
  const loadedId = conversation?.id ?? null;

  // A newly opened conversation starts at its latest message.
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller || !loadedId) return;
    scroller.scrollTop = scroller.scrollHeight;
    atBottom.current = true;
    seenCount.current = partCount;
    setUnseen(0);
    // Only when another conversation loads; new parts are handled below.
  }, [loadedId]);

  // New parts follow the reader only when they were already at the end (or
  // sent the part); otherwise the position stays and a button offers to jump.
  useLayoutEffect(() => {
    const scroller = scrollRef.current;
    if (!scroller || !loadedId) return;
    const added = partCount - seenCount.current;
    if (added <= 0) {
      seenCount.current = partCount;
      return;
    }
    if (atBottom.current || forceBottom.current) {
      scroller.scrollTop = scroller.scrollHeight;
      atBottom.current = true;
      forceBottom.current = false;
      seenCount.current = partCount;
      setUnseen(0);
    } else {
      setUnseen(partCount - seenCount.current);
    }
  }, [partCount, loadedId]);

  useEffect(() => {
    if (focusOnOpen && loadedId) headingRef.current?.focus();
  }, [focusOnOpen, loadedId]);

  const onScroll = useCallback(() => {
    const scroller = scrollRef.current;
    if (!scroller) return;
    atBottom.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < BOTTOM_SLACK_PX;
    if (atBottom.current) {
      seenCount.current = scroller.querySelectorAll('.part').length;
      setUnseen(0);
    }
  }, []);

  function jumpToLatest() {
    const scroller = scrollRef.current;
    if (!scroller) return;
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
  }

  const sent = useCallback(
    (part: ConversationPart) => {
      forceBottom.current = true;
      onPartAdded(part);
    },
    [onPartAdded],
  );

  const contactName = conversation ? contactLabel(conversation.contact) : '';

  return (
    <section className="conversation-view" data-testid="conversation-view" data-conversation-id={conversationId} data-live={live ? 'true' : 'false'} aria-labelledby="conversation-heading">
      <header className="view-header">
        <div className="view-title-row">
          <button type="button" className="narrow-only back-button" onClick={onBack} aria-label="Back to conversations">
            ← <span aria-hidden="true">Back</span>
          </button>
          <div className="view-title">
            <h2 id="conversation-heading" ref={headingRef} tabIndex={-1}>
              {conversation ? conversationLabel(conversation) : detail.status === 'error' ? 'Conversation' : 'Loading conversation…'}
            </h2>
            {conversation && (
              <p className="view-subtitle">
                {contactName}
                {conversation.contact.email && conversation.contact.email !== contactName ? ` · ${conversation.contact.email}` : ''}
                {' · '}
                <span className={`state-badge state-${conversation.state}`}>{stateLabel(conversation.state)}</span>
              </p>
            )}
          </div>
          <button type="button" className="palette-button" onClick={onOpenPalette} aria-label="Open command palette" title="Run a connector, apply a macro… (Ctrl+K / ⌘K)">
            <kbd aria-hidden="true">{isMac ? '⌘' : 'Ctrl'} K</kbd>
          </button>
          <button type="button" className="sidebar-toggle narrow-only" onClick={onShowDetails} aria-label="Show contact details">
            Details
          </button>
        </div>
        {conversation && <ConversationActions key={conversation.id} conversation={conversation} me={me} admins={admins} onChanged={onChanged} fail={fail} />}
      </header>

      <div className="parts-area">
        <div className="parts-scroll" ref={scrollRef} onScroll={onScroll}>
          {detail.status === 'loading' && <PartsSkeleton />}
          {detail.status === 'error' && (
            <div className="state error-state view-message" role="alert">
              <p>
                <strong>Could not load this conversation.</strong> {detail.error}
              </p>
              <button type="button" onClick={() => detail.reload()}>
                Retry
              </button>
            </div>
          )}
          {conversation && conversation.parts.length === 0 && <p className="muted view-message">No messages in this conversation yet.</p>}
          {conversation && conversation.parts.length > 0 && (
            <ol className="parts" role="log" aria-label="Messages">
              {conversation.parts.map((part) => (
                <PartItem key={part.id} part={part} contactName={contactName} onTriggerConnector={onTriggerConnector} />
              ))}
            </ol>
          )}
        </div>
        {unseen > 0 && (
          <button type="button" className="new-messages" onClick={jumpToLatest}>
            {unseen} new {unseen === 1 ? 'message' : 'messages'} ↓
          </button>
        )}
      </div>

      {conversation && (
        <Composer
          key={conversation.id}
          conversationId={conversation.id}
          initialDraft={draft}
          onDraftChange={onDraftChange}
          onSent={sent}
          fail={fail}
          macros={macroPicker}
        />
      )}
    </section>
  );
}

function stateLabel(state: ConversationDetail['state']): string {
  return state === 'open' ? 'Open' : state === 'snoozed' ? 'Snoozed' : 'Closed';
}

function PartsSkeleton() {
  return (
    <div className="parts-skeleton">
      <p className="sr-only" role="status">
        Loading conversation…
      </p>
      {[60, 40, 70].map((width, i) => (
        <div key={i} className={`skeleton-bubble${i % 2 ? ' right' : ''}`} style={{ width: `${width}%` }} aria-hidden="true" />
      ))}
    </div>
  );
}
