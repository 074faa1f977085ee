import { KBarContext, VisualState, type ActionImpl, type KBarState } from 'kbar';
import { useContext, useEffect, useRef } from 'react';
import { computeMatches } from './use-palette-matches.ts';

// kbar renders the list from a store it publishes in an effect, so the list on
// screen can be a render behind the keyboard: ArrowDown then Enter at typing
// speed chose the entry above the one wanted. These keys are handled here from
// the store's current state instead, ahead of kbar's own window listener
// (registered earlier, on the same window and phase, so this one runs first).
export function usePaletteKeys(): void {
  const kbar = useContext(KBarContext);
  const kbarRef = useRef(kbar);
  kbarRef.current = kbar;
  // The query and level the last arrow press moved within.
  const moved = useRef<{ key: string } | null>(null);
  // kbar finishes opening on a timer that sets "showing" whatever happened
  // meanwhile; a choice made before that must still close the palette.
  const closing = useRef(false);

  useEffect(() => {
    const { subscribe, query, getState } = kbarRef.current;
    const unsubscribe = (subscribe as unknown as (collector: (state: KBarState) => unknown, cb: (visualState: unknown) => void) => (() => void) | undefined)(
      (state) => state.visualState,
      (visualState) => {
        if (visualState === VisualState.hidden) {
          closing.current = false;
          // kbar means to go back to the top level on close, but skips it when React defers its state update.
          if (getState().currentRootActionId) query.setCurrentRootAction(null);
        } else if (visualState === VisualState.showing && closing.current) {
          query.setVisualState(VisualState.animatingOut);
        }
      },
    );
    return () => unsubscribe?.();
  }, []);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const { getState, query, options } = kbarRef.current;
      const state = getState();
      if (state.visualState !== VisualState.showing && state.visualState !== VisualState.animatingIn) return;
      if (event.isComposing) return;
      const down = event.key === 'ArrowDown' || (event.ctrlKey && event.key === 'n');
      const up = event.key === 'ArrowUp' || (event.ctrlKey && event.key === 'p');
      const enter = event.key === 'Enter';
      if (!down && !up && !enter) return;
      event.preventDefault();
      event.stopImmediatePropagation();

      const rootId = state.currentRootActionId ?? null;
      // The field itself: kbar copies its text into the store an effect later.
      const search = currentSearch(query.getInput, state.searchQuery);
      const items = computeMatches(state.actions, rootId, search);
      const selectable = items.map((item, index) => (typeof item === 'string' ? -1 : index)).filter((index) => index >= 0);
      if (selectable.length === 0) return;
      const key = `${rootId ?? ''}\u0000${search}`;
      // After typing, the highlight belongs to the first result whatever the list showed a moment ago.
      const current = moved.current?.key === key && selectable.includes(state.activeIndex) ? state.activeIndex : (selectable[0] as number);

      if (down || up) {
        const at = selectable.indexOf(current);
        const next = selectable[Math.max(0, Math.min(selectable.length - 1, at + (down ? 1 : -1)))] as number;
        moved.current = { key };
        query.setActiveIndex(next);
        return;
      }

      const item = items[current] as ActionImpl | undefined;
      if (!item) return;
      moved.current = null;
      if (item.command) {
        item.command.perform();
        closing.current = true;
        query.setVisualState(VisualState.animatingOut);
      } else {
        query.setSearch('');
        query.setCurrentRootAction(item.id);
      }
      options.callbacks?.onSelectAction?.(item);
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, []);
}

function currentSearch(getInput: () => HTMLInputElement, fallback: string): string {
  try {
    return getInput().value;
  } catch {
    return fallback;
  }
}
