import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { listDataConnectors, type DataConnectorSummary } from '../api.ts';
import { followLink } from '../router.ts';
import { duplicateRequest } from './connectors/duplicate-connector.ts';
import { createConnector, getConnectorDetail } from './connectors/logs-api.ts';
import { useFailureMessage } from './settings-common.tsx';
import './connectors/connector-list-and-logs.css';

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
  // Search filters the pages already loaded (name and description); "Load more" widens it.
  const [search, setSearch] = useState('');
  const [duplicating, setDuplicating] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'status' | 'error'; text: string } | null>(null);

  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    if (!needle) return connectors;
    return connectors.filter((c) => c.name.toLowerCase().includes(needle) || (c.description ?? '').toLowerCase().includes(needle));
  }, [connectors, search]);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  useEffect(() => {
    if (focusId) document.getElementById(connectorHeadingId(focusId))?.focus();
  }, [focusId]);

  const fail = useFailureMessage(onUnauthorized);

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

  async function duplicate(connector: DataConnectorSummary) {
    if (duplicating) return;
    setDuplicating(connector.id);
    setNotice(null);
    try {
      const source = await getConnectorDetail(connector.id, { stateVersion: 'draft' });
      const { body, blankedHeaders } = duplicateRequest(source);
      const created = await createConnector(body);
      await loadFirstPage();
      setSearch('');
      setFocusId(created.id);
      setNotice({
        kind: 'status',
        text:
          `Created "${created.name}" as a draft.` +
          (blankedHeaders.length > 0 ? ` Header values are secret and were not copied: enter ${blankedHeaders.join(', ')} in the copy before setting it live.` : ''),
      });
    } catch (error) {
      const message = fail(error);
      if (message !== null) setNotice({ kind: 'error', text: `Could not duplicate "${connector.name}": ${message}` });
    } finally {
      setDuplicating(null);
    }
  }

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
        <a className="button primary" href="/settings/connectors/new" onClick={followLink}>
          New connector
        </a>
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
            Data connectors are the API calls your team and the AI agent run from conversations.{' '}
            <a href="/settings/connectors/new" onClick={followLink}>
              Create your first connector
            </a>{' '}
            here or through the REST API with <code>POST /api/data_connectors</code>. With <code>PATCHBAY_DEMO_DATA=true</code>{' '}
            an empty database is seeded with examples.
          </p>
        </div>
      )}

      {load.status === 'ready' && connectors.length > 0 && (
        <>
          <div className="connector-search">
            <label htmlFor="connector-search">Search connectors</label>
            <input
              id="connector-search"
              type="search"
              value={search}
              placeholder="Name or description"
              onChange={(event) => setSearch(event.target.value)}
              aria-describedby="connector-search-hint"
              data-testid="connector-search"
            />
            <span id="connector-search-hint" className="muted" aria-live="polite">
              {search.trim()
                ? `${shown.length} of ${connectors.length} ${next ? 'loaded ' : ''}connectors match${next ? '; load more to search further' : ''}`
                : 'Searches the names and descriptions of the connectors shown'}
            </span>
          </div>
          <p className={`connector-notice${notice?.kind === 'error' ? ' error' : ''}`} role={notice?.kind === 'error' ? 'alert' : 'status'}>
            {notice?.text}
          </p>
          {shown.length === 0 && <p className="state">No loaded connector matches “{search.trim()}”.</p>}
          <ul className="connector-list" data-testid="connector-list">
            {shown.map((connector) => (
              <ConnectorItem key={connector.id} connector={connector} duplicating={duplicating === connector.id} onDuplicate={() => void duplicate(connector)} />
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

function ConnectorItem({ connector, duplicating, onDuplicate }: { connector: DataConnectorSummary; duplicating: boolean; onDuplicate(): void }) {
  const name = connector.name || 'Untitled connector';
  return (
    <li className="connector" data-testid={`connector-row-${connector.id}`}>
      <div className="connector-title">
        <h2 id={connectorHeadingId(connector.id)} tabIndex={-1}>
          <a href={`/settings/connectors/${encodeURIComponent(connector.id)}`} onClick={followLink}>
            {name}
          </a>
        </h2>
        <span className={`badge badge-${connector.state}`} data-testid="connector-state">{connector.state === 'live' ? 'Live' : 'Draft'}</span>
        {connector.has_unpublished_changes && connector.state === 'live' && <span className="badge badge-changes">Unpublished changes</span>}
        <span className="connector-actions">
          <a href={connectorLogsPath(connector.id)} onClick={followLink} aria-label={`Logs of ${name}`}>
            Logs
          </a>
          <button type="button" onClick={onDuplicate} aria-disabled={duplicating || undefined} aria-label={`Duplicate ${name}`}>
            {duplicating ? 'Duplicating…' : 'Duplicate'}
          </button>
        </span>
      </div>
      <p className="request">
        <span className="method">{connector.http_method.toUpperCase()}</span>{' '}
        {connector.url ? <code className="url">{connector.url}</code> : connector.url === null ? <span className="muted">No URL set</span> : null}
      </p>
      {connector.description && <p className="description">{connector.description}</p>}
      <dl className="meta">
        <div>
          <dt>Direct AI use</dt>
          <dd data-testid="connector-direct-use" title={connector.direct_fin_usage ? 'The AI agent may run it by itself' : 'Only workflows, macros and Cmd+K run it'}>
            {connector.direct_fin_usage ? 'Direct' : 'Manual'}
          </dd>
        </div>
        <div>
          <dt>Last run</dt>
          <dd data-testid="connector-last-run">
            <LastRun run={connector.last_run ?? null} />
          </dd>
        </div>
        <div>
          <dt title="Live runs in the last 24 hours; test runs of the draft are not counted">Error rate (24 h)</dt>
          <dd data-testid="connector-error-rate">{errorRateText(connector.run_stats)}</dd>
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

function LastRun({ run }: { run: NonNullable<DataConnectorSummary['last_run']> | null }) {
  if (!run) return <span className="muted">Never run</span>;
  return (
    <>
      <span className={run.success ? 'run-ok' : 'run-failed'}>{run.success ? 'Succeeded' : `Failed${run.error_type ? ` (${run.error_type})` : ''}`}</span>{' '}
      <time dateTime={run.created_at} title={run.created_at}>
        {formatTime(run.created_at)}
      </time>
    </>
  );
}

function errorRateText(stats: DataConnectorSummary['run_stats']): string {
  if (!stats || stats.total === 0 || stats.error_rate === null) return 'No runs';
  const percent = Math.round(stats.error_rate * 1000) / 10;
  return `${percent}% (${stats.failures} of ${stats.total} ${stats.total === 1 ? 'run' : 'runs'} failed)`;
}

export const connectorLogsPath = (id: string) => `/settings/connectors/${encodeURIComponent(id)}/logs`;

const connectorHeadingId = (id: string) => `connector-${id}`;

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}
