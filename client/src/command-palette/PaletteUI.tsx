import { KBarAnimator, KBarPositioner, KBarResults, KBarSearch, useKBar, VisualState, type ActionImpl } from 'kbar';
import { useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { useKBarSync } from './use-kbar-sync.ts';
import { usePaletteMatches } from './use-palette-matches.ts';

export type LevelState = { kind: 'loading' | 'empty' | 'error'; message: string };

const LEVEL_LABELS: Record<string, string> = {
  'run-connector': 'Search data connectors',
  'apply-macro': 'Search macros',
  'go-to-conversation': 'Search conversations',
};

// The palette itself: kbar's search and results, plus what kbar has no words
// for (a nested list still loading, empty, or failed) and Escape going back
// one level instead of closing everything.
export function PaletteUI({ level, fallbackFocus }: { level: LevelState | null; fallbackFocus(): HTMLElement | null }) {
  // Instead of KBarPortal, which appears a task after Cmd+K (see use-kbar-sync.ts).
  const shown = useKBarSync((state) => state.visualState !== VisualState.hidden);
  const fallbackRef = useRef(fallbackFocus);
  fallbackRef.current = fallbackFocus;
  // kbar's own focus return reads the focused element once its late re-render
  // happens, when that is already the search field; so it is taken here, in
  // the render that shows the palette, before the field exists.
  const previous = useRef<HTMLElement | null>(null);
  const wasShown = useRef(false);
  if (shown && !wasShown.current) {
    const active = document.activeElement;
    previous.current = active instanceof HTMLElement && active !== document.body ? active : null;
  }
  wasShown.current = shown;
  const opened = useRef(false);
  useLayoutEffect(() => {
    if (shown) {
      opened.current = true;
      return;
    }
    if (!opened.current) return;
    opened.current = false;
    const target = previous.current?.isConnected ? previous.current : fallbackRef.current();
    previous.current = null;
    const active = document.activeElement;
    if (target && (!active || active === document.body)) target.focus();
  }, [shown]);

  if (!shown) return null;
  return createPortal(
    <KBarPositioner className="palette-positioner">
      <KBarAnimator className="palette">
        <PaletteBody level={level} />
      </KBarAnimator>
    </KBarPositioner>,
    document.body,
  );
}

function PaletteBody({ level }: { level: LevelState | null }) {
  const { query } = useKBar();
  const { rootId, rootName, parentId, search } = useKBarSync((state) => {
    const root = state.currentRootActionId ? state.actions[state.currentRootActionId] : undefined;
    return {
      rootId: state.currentRootActionId ?? null,
      rootName: root?.name ?? null,
      parentId: root?.parent ?? null,
      search: state.searchQuery,
    };
  });
  const results = usePaletteMatches();

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Escape' || !rootId || event.nativeEvent.isComposing) return;
    // kbar closes the whole palette on Escape (a window listener); inside a
    // nested list, Escape goes back one level instead, so stop it here.
    event.preventDefault();
    event.stopPropagation();
    query.setSearch('');
    query.setCurrentRootAction(parentId);
  }

  const label = rootId ? (LEVEL_LABELS[rootId] ?? `Search: ${rootName ?? ''}`) : 'Search commands';
  const nothingFound = results.length === 0 && !level;
  const maxHeight = typeof window === 'undefined' ? 400 : Math.max(160, Math.min(400, window.innerHeight - 280));

  return (
    <div className="palette-body" role="dialog" aria-modal="true" aria-label="Command palette">
      {rootId && (
        <p className="palette-breadcrumb">
          <span>{rootName}</span>
          <span className="palette-key-hint">
            <kbd>Esc</kbd> back
          </span>
        </p>
      )}
      {/* Keyed by level: kbar keeps the old text in the field when a level opens. */}
      <KBarSearch
        key={rootId ?? 'root'}
        className="palette-input"
        data-testid="palette-input"
        aria-label={label}
        defaultPlaceholder="Type a command or search…"
        onKeyDown={onKeyDown}
      />
      <KBarResults items={results} maxHeight={maxHeight} onRender={({ item, active }) => <ResultRow item={item} active={active} rootId={rootId} />} />
      {level && (
        <p className={`palette-level-state ${level.kind}`} role={level.kind === 'error' ? 'alert' : 'status'}>
          {level.kind === 'loading' && <span className="spinner" aria-hidden="true" />} {level.message}
        </p>
      )}
      {nothingFound && (
        <p className="palette-level-state empty" role="status">
          {search ? `Nothing matches “${search}”.` : 'Nothing here.'}
        </p>
      )}
      <p className="palette-help" aria-hidden="true">
        <kbd>↑</kbd>
        <kbd>↓</kbd> move · <kbd>Enter</kbd> choose · <kbd>Esc</kbd> {rootId ? 'back' : 'close'}
      </p>
    </div>
  );
}

function ResultRow({ item, active, rootId }: { item: string | ActionImpl; active: boolean; rootId: string | null }) {
  if (typeof item === 'string') return <div className="palette-section">{item}</div>;
  // Found by a search from an upper level: say where the entry lives.
  const below = rootId ? item.ancestors.findIndex((ancestor) => ancestor.id === rootId) + 1 : 0;
  const path = item.ancestors.slice(below).map((ancestor) => ancestor.name.replace(/…$/, ''));
  const nested = !item.command && !item.id.endsWith('/retry');
  return (
    <div className={`palette-item${active ? ' active' : ''}`}>
      <span className="palette-item-name">
        {path.length > 0 && <span className="palette-item-path">{path.join(' › ')} › </span>}
        {item.name}
        {nested && (
          <span className="palette-item-more" aria-hidden="true">
            {' '}
            ›
          </span>
        )}
      </span>
      {item.subtitle && <span className="palette-item-subtitle">{item.subtitle}</span>}
    </div>
  );
}
