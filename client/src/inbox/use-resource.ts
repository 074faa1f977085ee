import { useCallback, useEffect, useRef, useState } from 'react';

// Turns an error into the message to show, or null when there is nothing to
// show (the request was aborted, or the session ended and the app signs out).
export type Fail = (error: unknown) => string | null;

export type ResourceStatus = 'idle' | 'loading' | 'error' | 'ready';

export interface Resource<T> {
  status: ResourceStatus;
  data: T | null;
  error: string | null;
  // Loads again; `silent` keeps what is shown until the new data arrives
  // (live resyncs must not flash a loading state).
  reload(silent?: boolean): void;
  // Applies a local change (a live event, a write's answer) to the loaded data.
  update(change: (data: T) => T): void;
  replace(data: T): void;
}

interface State<T> {
  key: string | null;
  status: ResourceStatus;
  data: T | null;
  error: string | null;
}

// One GET keyed by `key` (null: nothing to load). A new key aborts the
// request for the old one, so a slow answer never overwrites a newer view.
export function useResource<T>(key: string | null, fetcher: (key: string, signal: AbortSignal) => Promise<T>, fail: Fail): Resource<T> {
  const [state, setState] = useState<State<T>>({ key, status: key ? 'loading' : 'idle', data: null, error: null });
  const inFlight = useRef<AbortController | null>(null);
  const fetcherRef = useRef(fetcher);
  useEffect(() => {
    fetcherRef.current = fetcher;
  });

  const load = useCallback(
    async (silent: boolean) => {
      inFlight.current?.abort();
      if (!key) {
        setState({ key, status: 'idle', data: null, error: null });
        return;
      }
      const controller = new AbortController();
      inFlight.current = controller;
      if (!silent) setState({ key, status: 'loading', data: null, error: null });
      try {
        const data = await fetcherRef.current(key, controller.signal);
        if (controller.signal.aborted) return;
        setState({ key, status: 'ready', data, error: null });
      } catch (error) {
        if (controller.signal.aborted) return;
        const message = fail(error);
        if (message === null) return;
        // A failed background refresh keeps the data already on screen.
        setState((current) => (silent && current.key === key && current.data !== null ? current : { key, status: 'error', data: null, error: message }));
      }
    },
    [key, fail],
  );

  useEffect(() => {
    void load(false);
    return () => inFlight.current?.abort();
  }, [load]);

  const reload = useCallback((silent = false) => void load(silent), [load]);
  const update = useCallback(
    (change: (data: T) => T) => setState((current) => (current.key === key && current.data !== null ? { ...current, data: change(current.data) } : current)),
    [key],
  );
  const replace = useCallback((data: T) => setState({ key, status: 'ready', data, error: null }), [key]);

  // Between a key change and the effect that loads it, the old data must not show under the new key.
  const current = state.key === key ? state : { key, status: key ? ('loading' as const) : ('idle' as const), data: null, error: null };
  return { status: current.status, data: current.data, error: current.error, reload, update, replace };
}
