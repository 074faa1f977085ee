import { KBarContext, type KBarState } from 'kbar';
import { useCallback, useContext, useSyncExternalStore } from 'react';

const versions = new WeakMap<object, number>();
let lastVersion = 0;
function versionOf(actions: object): number {
  let version = versions.get(actions);
  if (version === undefined) {
    lastVersion += 1;
    version = lastVersion;
    versions.set(actions, version);
  }
  return version;
}

// kbar's useKBar re-renders its readers from a state update made inside an
// effect, which React runs a task later: keys pressed in between reach a
// palette that is not on screen yet (the first letters typed after Cmd+K were
// lost). A store subscription through useSyncExternalStore re-renders at once.
export function useKBarSync<T>(select: (state: KBarState) => T): T {
  const { getState, subscribe } = useContext(KBarContext);
  const onStoreChange = useCallback(
    (notify: () => void) => {
      // Primitives only: kbar compares what the collector returns deeply, and the action tree is cyclic.
      const collect = (state: KBarState) => [state.searchQuery, state.visualState, state.currentRootActionId ?? null, state.activeIndex, state.disabled, versionOf(state.actions)];
      const unsubscribe = (subscribe as unknown as (collector: (state: KBarState) => unknown, cb: () => void) => (() => void) | undefined)(collect, notify);
      return () => unsubscribe?.();
    },
    [subscribe],
  );
  return select(useSyncExternalStore(onStoreChange, getState));
}
