import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { ControlsContext, InternalsContext, type CommandPaletteContext, type CommandPaletteControls, type PaletteInternals } from './palette-context.ts';

// kbar and the palette's flows are a large part of the client: they load after
// the inbox is on screen (when the browser is idle, or at the first Cmd+K), so
// the first load of the inbox does not wait for them.
const PaletteRuntime = lazy(() => import('./PaletteRuntime.tsx'));

type Request = { kind: 'open' } | { kind: 'run'; conversationId: string; partId: string | undefined };

interface Notice {
  id: number;
  text: string;
}

export function CommandPaletteProvider({ context, children }: { context: CommandPaletteContext; children: ReactNode }) {
  const contextRef = useRef(context);
  contextRef.current = context;
  const [wanted, setWanted] = useState(false);
  const runtime = useRef<CommandPaletteControls | null>(null);
  // What was asked for before the palette had loaded; carried out when it has.
  const pending = useRef<Request | null>(null);

  const [status, setStatus] = useState<Notice | null>(null);
  const [alert, setAlert] = useState<Notice | null>(null);
  const noticeId = useRef(0);
  const announce = useCallback((text: string) => {
    noticeId.current += 1;
    setStatus({ id: noticeId.current, text });
  }, []);
  const raise = useCallback((text: string) => {
    noticeId.current += 1;
    setAlert({ id: noticeId.current, text });
  }, []);
  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus((current) => (current?.id === status.id ? null : current)), 6000);
    return () => clearTimeout(timer);
  }, [status]);

  const carryOut = useCallback((request: Request) => {
    const controls = runtime.current;
    if (!controls) {
      pending.current = request;
      setWanted(true);
      return;
    }
    if (request.kind === 'open') controls.open();
    else controls.runConnector(request.conversationId, request.partId);
  }, []);

  const connect = useCallback((controls: CommandPaletteControls | null) => {
    runtime.current = controls;
    const request = pending.current;
    pending.current = null;
    if (controls && request) carryOut(request);
  }, [carryOut]);

  // Load once the inbox has painted and the browser has a moment.
  useEffect(() => {
    const load = () => setWanted(true);
    if ('requestIdleCallback' in window) {
      const handle = window.requestIdleCallback(load, { timeout: 2000 });
      return () => window.cancelIdleCallback(handle);
    }
    const timer = setTimeout(load, 500);
    return () => clearTimeout(timer);
  }, []);

  // Cmd/Ctrl+K before kbar is there (kbar listens for it itself once loaded).
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (runtime.current || event.key.toLowerCase() !== 'k' || !(event.metaKey || event.ctrlKey) || event.altKey || event.shiftKey) return;
      event.preventDefault();
      carryOut({ kind: 'open' });
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [carryOut]);

  const controls = useMemo<CommandPaletteControls>(
    () => ({
      open: () => carryOut({ kind: 'open' }),
      runConnector: (conversationId, partId) => carryOut({ kind: 'run', conversationId, partId }),
    }),
    [carryOut],
  );
  const internals = useMemo<PaletteInternals>(() => ({ context: () => contextRef.current, announce, alert: raise }), [announce, raise]);

  return (
    <ControlsContext.Provider value={controls}>
      <InternalsContext.Provider value={internals}>
        {children}
        {wanted && (
          <Suspense fallback={null}>
            <PaletteRuntime context={context} internals={internals} connect={connect} />
          </Suspense>
        )}
        <Notices status={status} alert={alert} onDismissAlert={() => setAlert(null)} />
      </InternalsContext.Provider>
    </ControlsContext.Provider>
  );
}

function Notices({ status, alert, onDismissAlert }: { status: Notice | null; alert: Notice | null; onDismissAlert(): void }) {
  const hostRef = useRef<HTMLDivElement | null>(null);
  if (hostRef.current === null && typeof document !== 'undefined') {
    hostRef.current = document.createElement('div');
    hostRef.current.className = 'palette-notices';
    // A modal dialog leaves this outside its inert area, so results are still announced.
    hostRef.current.setAttribute('data-keep-live', '');
  }
  useLayoutEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    document.body.appendChild(host);
    return () => host.remove();
  }, []);
  if (!hostRef.current) return null;
  return createPortal(
    <>
      <div role="status" aria-live="polite" className="palette-toast-region">
        {status && (
          <p key={status.id} className="palette-toast">
            {status.text}
          </p>
        )}
      </div>
      <div role="alert" className="palette-toast-region">
        {alert && (
          <div key={alert.id} className="palette-toast palette-toast-error">
            <span>{alert.text}</span>
            <button type="button" className="dismiss-button" onClick={onDismissAlert} aria-label="Dismiss message">
              ×
            </button>
          </div>
        )}
      </div>
    </>,
    hostRef.current,
  );
}
