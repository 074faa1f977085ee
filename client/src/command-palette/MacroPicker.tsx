import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { applyMacroFlow } from './apply-macro-flow.ts';
import { isInboxMacro, listAllMacros, type Macro, type MacroApplication } from './palette-api.ts';
import { usePaletteInternals } from './palette-context.ts';
import { matchesQuery, summarizeActions } from './macro-text.ts';
import './command-palette.css';

interface MacroPickerProps {
  conversationId: string;
  // Called with the server's answer whenever the macro ran (fully, or up to a failed step).
  onApplied?(result: MacroApplication): void;
}

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; macros: Macro[] };
type Feedback = { kind: 'ok' | 'error'; message: string };

export function MacroPicker({ conversationId, onApplied }: MacroPickerProps) {
  const internals = usePaletteInternals();
  const baseId = useId();
  const popoverId = `${baseId}-popover`;
  const listId = `${baseId}-list`;
  const inputId = `${baseId}-search`;
  const [open, setOpen] = useState(false);
  const [placement, setPlacement] = useState<{ above: boolean; alignRight: boolean }>({ above: false, alignRight: false });
  const [query, setQuery] = useState('');
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [active, setActive] = useState(0);
  const [applying, setApplying] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [reload, setReload] = useState(0);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    listAllMacros(controller.signal)
      .then((macros) => setLoad({ status: 'ready', macros: macros.filter(isInboxMacro) }))
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        setLoad({ status: 'error', message: error instanceof Error ? error.message : String(error) });
      });
    return () => controller.abort();
  }, [open, reload]);

  const matches = useMemo(() => (load.status === 'ready' ? load.macros.filter((macro) => matchesQuery(macro, query)) : []), [load, query]);

  useEffect(() => setActive(0), [query, load]);

  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    setQuery('');
    if (returnFocus) buttonRef.current?.focus();
  }, []);

  // A click or focus move outside closes the popover, as any menu would.
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!wrapperRef.current?.contains(event.target as Node)) close(false);
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [open, close]);

  useEffect(() => {
    if (feedback?.kind !== 'ok') return;
    const timer = setTimeout(() => setFeedback(null), 6000);
    return () => clearTimeout(timer);
  }, [feedback]);

  function toggle() {
    if (applying) return;
    if (open) {
      close(true);
      return;
    }
    const rect = buttonRef.current?.getBoundingClientRect();
    if (rect) setPlacement({ above: rect.top > window.innerHeight / 2, alignRight: rect.left > window.innerWidth / 2 });
    setFeedback(null);
    setOpen(true);
  }

  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  async function apply(macro: Macro) {
    if (applying) return;
    close(true);
    setApplying(macro.name);
    setFeedback(null);
    const outcome = await applyMacroFlow(conversationId, macro, internals.context);
    setApplying(null);
    setFeedback({ kind: outcome.ok ? 'ok' : 'error', message: outcome.message });
    if (outcome.result) onApplied?.(outcome.result);
  }

  function onInputKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const last = matches.length - 1;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setActive((index) => Math.min(index + 1, last));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setActive((index) => Math.max(index - 1, 0));
        break;
      case 'Home':
        if (matches.length) {
          event.preventDefault();
          setActive(0);
        }
        break;
      case 'End':
        if (matches.length) {
          event.preventDefault();
          setActive(last);
        }
        break;
      case 'Enter': {
        event.preventDefault();
        const macro = matches[active];
        if (macro) void apply(macro);
        break;
      }
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        close(true);
        break;
      case 'Tab':
        close(false);
        break;
    }
  }

  const activeId = matches[active] ? `${listId}-${active}` : undefined;

  return (
    <div
      className={`macro-picker${placement.above ? ' macro-picker-above' : ''}${placement.alignRight ? ' macro-picker-right' : ''}`}
      ref={wrapperRef}
      data-testid="macro-picker"
    >
      <button
        ref={buttonRef}
        type="button"
        className="macro-picker-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        aria-disabled={applying ? true : undefined}
        onClick={toggle}
      >
        {applying ? (
          <>
            <span className="spinner" aria-hidden="true" /> Applying…
          </>
        ) : (
          'Apply macro'
        )}
      </button>

      {open && (
        <div
          id={popoverId}
          className={`macro-popover${placement.above ? ' above' : ''}${placement.alignRight ? ' align-right' : ''}`}
          role="dialog"
          aria-label="Apply a macro"
        >
          <label htmlFor={inputId} className="visually-hidden">
            Search macros
          </label>
          <input
            ref={inputRef}
            id={inputId}
            type="text"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={activeId}
            placeholder="Search macros…"
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onInputKeyDown}
          />
          {load.status === 'loading' && (
            <p className="popover-state" role="status">
              <span className="spinner" aria-hidden="true" /> Loading macros…
            </p>
          )}
          {load.status === 'error' && (
            <div className="popover-state" role="alert">
              <p>Could not load macros: {load.message}</p>
              <button type="button" onClick={() => setReload((n) => n + 1)}>
                Retry
              </button>
            </div>
          )}
          {load.status === 'ready' && load.macros.length === 0 && <p className="popover-state">No macros yet. Admins create them in Settings → Macros.</p>}
          {load.status === 'ready' && load.macros.length > 0 && matches.length === 0 && (
            <p className="popover-state" role="status">
              No macro matches “{query}”.
            </p>
          )}
          <ul ref={listRef} id={listId} role="listbox" aria-label="Macros" className="macro-options" hidden={matches.length === 0}>
            {matches.map((macro, index) => (
              <li
                key={macro.id}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === active}
                className={index === active ? 'active' : undefined}
                // Keep focus in the search field so typing and arrows keep working.
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => index !== active && setActive(index)}
                onClick={() => void apply(macro)}
              >
                <span className="option-name">{macro.name}</span>
                <span className="option-detail">{summarizeActions(macro)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}

      {/* Always on the page so screen readers announce its changes. */}
      <div className="macro-feedback" role="status" aria-live="polite">
        {applying ? (
          <>
            <span className="spinner" aria-hidden="true" /> Applying “{applying}”…
          </>
        ) : feedback?.kind === 'ok' ? (
          feedback.message
        ) : null}
      </div>
      {!applying && feedback?.kind === 'error' && (
        <div className="macro-feedback error" role="alert">
          <span>{feedback.message}</span>
          <button type="button" className="dismiss-button" onClick={() => setFeedback(null)} aria-label="Dismiss message">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
