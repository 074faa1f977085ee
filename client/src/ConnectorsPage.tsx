import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthorized, listDataConnectors, type DataConnectorSummary } from './api.ts';

const PER_PAGE = 20;

interface ConnectorsPageProps {
  // The session ended (expired, signed out elsewhere, or the database was reset).
  onUnauthorized(message: string): void;
}

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' };

export function ConnectorsPage({ onUnauthorized }: ConnectorsPageProps) {
  const [connectors, setConnectors] = useState<DataConnectorSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [more, setMore] = useState<{ loading: boolean; error: string | null }>({ loading: false, error: null });
  const inFlight = useRef<AbortController | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // After "Load more", focus moves to the first new connector so keyboard and
  // screen-reader users continue where the list grew (the button may vanish).
  const [focusId, setFocusId] = useState<string | null>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  useEffect(() => {
    if (focusId) document.getElementById(connectorHeadingId(focusId))?.focus();
  }, [focusId]);

  const fail = useCallback(
    (error: unknown): string | null => {
      if (error instanceof DOMException && error.name === 'AbortError') return null;
      const message = error instanceof Error ? error.message : String(error);
      if (isUnauthorized(error)) {
        onUnauthorized(message);
        return null;
      }
      return message;
    },
    [onUnauthorized],
  );

  const loadFirstPage = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    setLoad({ status: 'loading' });
    setMore({ loading: false, error: null });
    try {
      const page = await listDataConnectors({ perPage: PER_PAGE, signal: controller.signal });
      setConnectors(page.data);
      setNext(page.pages.next?.starting_after ?? null);
      setLoad({ status: 'ready' });
    } catch (error) {
      const message = fail(error);
      if (message !== null) setLoad({ status: 'error', message });
    }
  }, [fail]);

  useEffect(() => {
    void loadFirstPage();
    return () => inFlight.current?.abort();
  }, [loadFirstPage]);

  async function loadMore() {
    if (!next || more.loading) return;
    const controller = new AbortController();
    inFlight.current = controller;
    setMore({ loading: true, error: null });
    try {
      const page = await listDataConnectors({ perPage: PER_PAGE, startingAfter: next, signal: controller.signal });
      // A connector updated between two page loads can show up twice; keep the first.
      const seen = new Set(connectors.map((c) => c.id));
      const added = page.data.filter((c) => !seen.has(c.id));
      setConnectors([...connectors, ...added]);
      setFocusId(added[0]?.id ?? null);
      setNext(page.pages.next?.starting_after ?? null);
      setMore({ loading: false, error: null });
    } catch (error) {
      const message = fail(error);
      setMore({ loading: false, error: message });
    }
  }

  return (
    <section className="connectors" aria-labelledby="connectors-heading">
      <div className="page-header">
        <h1 id="connectors-heading" ref={headingRef} tabIndex={-1}>
          Data connectors
        </h1>
        {load.status === 'ready' && connectors.length > 0 && (
          <p className="count" aria-live="polite">
            {connectors.length} {connectors.length === 1 ? 'connector' : 'connectors'}
            {next ? ' shown' : ''}
          </p>
        )}
      </div>

      {load.status === 'loading' && (
        <p className="state" role="status">
          <span className="spinner" aria-hidden="true" /> Loading data connectors…
        </p>
      )}

      {load.status === 'error' && (
        <div className="state error-state" role="alert">
          <p>
            <strong>Could not load the data connectors.</strong> {load.message}
          </p>
          <button type="button" onClick={() => void loadFirstPage()}>
            Retry
          </button>
        </div>
      )}

      {load.status === 'ready' && connectors.length === 0 && (
        <div className="state empty-state">
          <h2>No data connectors yet</h2>
          <p>
            Data connectors are the API calls your team and the AI agent run from conversations. Create one through the REST API with{' '}
            <code>POST /api/data_connectors</code>; the connector builder in this app is on its way. With <code>PATCHBAY_DEMO_DATA=true</code>{' '}
            an empty database is seeded with examples.
          </p>
        </div>
      )}

      {load.status === 'ready' && connectors.length > 0 && (
        <>
          <ul className="connector-list">
            {connectors.map((connector) => (
              <ConnectorItem key={connector.id} connector={connector} />
            ))}
          </ul>
          {more.error && (
            <p className="error" role="alert">
              Could not load more connectors: {more.error}
            </p>
          )}
          {next && (
            <button type="button" className="load-more" onClick={() => void loadMore()} aria-disabled={more.loading || undefined}>
              {more.loading ? 'Loading more…' : more.error ? 'Try loading more again' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function ConnectorItem({ connector }: { connector: DataConnectorSummary }) {
  return (
    <li className="connector">
      <div className="connector-title">
        <h2 id={connectorHeadingId(connector.id)} tabIndex={-1}>{connector.name || 'Untitled connector'}</h2>
        <span className={`badge badge-${connector.state}`}>{connector.state === 'live' ? 'Live' : 'Draft'}</span>
        {connector.has_unpublished_changes && connector.state === 'live' && <span className="badge badge-changes">Unpublished changes</span>}
      </div>
      <p className="request">
        <span className="method">{connector.http_method.toUpperCase()}</span>{' '}
        {connector.url ? <code className="url">{connector.url}</code> : connector.url === null ? <span className="muted">No URL set</span> : null}
      </p>
      {connector.description && <p className="description">{connector.description}</p>}
      <dl className="meta">
        <div>
          <dt>Direct AI use</dt>
          <dd>{connector.direct_fin_usage ? 'On' : 'Off'}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>
            <time dateTime={connector.updated_at} title={connector.updated_at}>
              {formatTime(connector.updated_at)}
            </time>
          </dd>
        </div>
      </dl>
    </li>
  );
}

const connectorHeadingId = (id: string) => `connector-${id}`;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}
