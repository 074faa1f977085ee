import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { conversationPath, followLink } from '../../router.ts';
import { useFailureMessage } from '../settings-common.tsx';
import {
  ERROR_TYPES,
  getConnectorDetail,
  getExecutionResult,
  listExecutionResults,
  SOURCE_TYPES,
  type ExecutionResult,
  type ExecutionResultFilters,
  type ResponseLogging,
} from './logs-api.ts';
import './connector-list-and-logs.css';

interface ConnectorLogsProps {
  connectorId: string;
  // The session ended (expired, signed out elsewhere).
  onUnauthorized?(message: string): void;
}

const RANGES = [
  { value: '1', label: 'Last hour' },
  { value: '24', label: 'Last 24 hours' },
  { value: '168', label: 'Last 7 days' },
  { value: '720', label: 'Last 30 days' },
] as const;

interface FilterState {
  status: '' | 'true' | 'false';
  errorType: string;
  sourceType: string;
  conversationId: string;
  rangeHours: string;
}

const INITIAL_FILTERS: FilterState = { status: '', errorType: '', sourceType: '', conversationId: '', rangeHours: '24' };

function filters(state: FilterState): ExecutionResultFilters {
  return {
    success: state.status || undefined,
    errorType: state.errorType || undefined,
    sourceType: state.sourceType || undefined,
    conversationId: state.conversationId || undefined,
    startTs: Math.floor(Date.now() / 1000) - Number(state.rangeHours) * 3600,
  };
}

type ListLoad = { status: 'loading' } | { status: 'error'; message: string; field: string | null } | { status: 'ready'; results: ExecutionResult[]; next: string | null };
type DetailLoad = { status: 'loading'; id: string } | { status: 'error'; id: string; message: string } | { status: 'ready'; id: string; result: ExecutionResult };

// The execution log of one connector: filters, the list of runs, and one run's details.
export function ConnectorLogs({ connectorId, onUnauthorized }: ConnectorLogsProps) {
  const [applied, setApplied] = useState<FilterState>(INITIAL_FILTERS);
  const [conversationInput, setConversationInput] = useState('');
  const [conversationError, setConversationError] = useState<string | null>(null);
  const [load, setLoad] = useState<ListLoad>({ status: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const [detail, setDetail] = useState<DetailLoad | null>(null);
  const [logging, setLogging] = useState<ResponseLogging | null>(null);
  const detailRef = useRef<HTMLElement>(null);
  const ids = useId();

  const fail = useFailureMessage(onUnauthorized);

  // Which response view applies is the live version's setting (the draft's before the first publication).
  useEffect(() => {
    const controller = new AbortController();
    getConnectorDetail(connectorId, { signal: controller.signal })
      .then((connector) => setLogging(connector.response_logging))
      .catch((error: unknown) => void fail(error));
    return () => controller.abort();
  }, [connectorId, fail]);

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    listExecutionResults(connectorId, filters(applied), { signal: controller.signal })
      .then((page) => setLoad({ status: 'ready', results: page.data, next: page.pages.next?.starting_after ?? null }))
      .catch((error: unknown) => {
        const message = fail(error);
        if (message === null) return;
        const field = error instanceof ApiError ? (error.errors.find((e) => e.field)?.field ?? null) : null;
        if (field === 'conversation_id') setConversationError(message);
        setLoad({ status: 'error', message, field });
      });
    return () => controller.abort();
  }, [connectorId, applied, fail]);

  async function loadMore() {
    if (load.status !== 'ready' || !load.next || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = await listExecutionResults(connectorId, filters(applied), { startingAfter: load.next });
      const seen = new Set(load.results.map((r) => r.id));
      setLoad({ status: 'ready', results: [...load.results, ...page.data.filter((r) => !seen.has(r.id))], next: page.pages.next?.starting_after ?? null });
    } catch (error) {
      const message = fail(error);
      if (message !== null) setLoad({ status: 'error', message, field: null });
    } finally {
      setLoadingMore(false);
    }
  }

  function change(patch: Partial<FilterState>) {
    setDetail(null);
    setApplied((current) => ({ ...current, ...patch }));
  }

  function applyConversation(event: FormEvent) {
    event.preventDefault();
    const value = conversationInput.trim();
    if (value !== '' && !/^[1-9]\d{0,9}$/.test(value)) {
      setConversationError('Conversation id must be a positive number');
      return;
    }
    setConversationError(null);
    change({ conversationId: value });
  }

  function reset() {
    setConversationInput('');
    setConversationError(null);
    setDetail(null);
    setApplied(INITIAL_FILTERS);
  }

  async function open(id: string) {
    setDetail({ status: 'loading', id });
    try {
      const result = await getExecutionResult(connectorId, id);
      setDetail({ status: 'ready', id, result });
    } catch (error) {
      const message = fail(error);
      if (message !== null) setDetail({ status: 'error', id, message });
    }
  }

  useEffect(() => {
    if (detail?.status === 'ready') detailRef.current?.focus();
  }, [detail?.status, detail?.id]);

  const conversationErrorId = `${ids}-conversation-error`;
  const filtered = JSON.stringify(applied) !== JSON.stringify(INITIAL_FILTERS);

  return (
    <div className="connector-logs" data-testid="connector-logs">
      <form className="logs-filters" onSubmit={applyConversation} aria-label="Filter execution results">
        <label>
          Status
          <select value={applied.status} onChange={(e) => change({ status: e.target.value as FilterState['status'] })} data-testid="logs-filter-status">
            <option value="">All</option>
            <option value="true">Success</option>
            <option value="false">Failure</option>
          </select>
        </label>
        <AnyOfSelect label="Error type" value={applied.errorType} options={ERROR_TYPES} onChange={(errorType) => change({ errorType })} testId="logs-filter-error-type" />
        <AnyOfSelect label="Source" value={applied.sourceType} options={SOURCE_TYPES} onChange={(sourceType) => change({ sourceType })} testId="logs-filter-source" />
        <label>
          Time range
          <select value={applied.rangeHours} onChange={(e) => change({ rangeHours: e.target.value })} data-testid="logs-filter-range">
            {RANGES.map((range) => (
              <option key={range.value} value={range.value}>
                {range.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Conversation id
          <input
            value={conversationInput}
            inputMode="numeric"
            onChange={(e) => setConversationInput(e.target.value)}
            aria-invalid={conversationError ? true : undefined}
            aria-describedby={conversationError ? conversationErrorId : undefined}
            data-testid="logs-filter-conversation"
          />
        </label>
        <button type="submit">Apply</button>
        {filtered && (
          <button type="button" onClick={reset}>
            Clear filters
          </button>
        )}
        {conversationError && (
          <p id={conversationErrorId} className="field-error" role="alert">
            {conversationError}
          </p>
        )}
      </form>

      {load.status === 'loading' && (
        <p className="state" role="status">
          <span className="spinner" aria-hidden="true" /> Loading execution results…
        </p>
      )}
      {load.status === 'error' && load.field !== 'conversation_id' && (
        <div className="state error-state" role="alert">
          <p>
            <strong>Could not load the execution results.</strong> {load.message}
          </p>
          <button type="button" onClick={() => setApplied({ ...applied })}>
            Retry
          </button>
        </div>
      )}
      {load.status === 'ready' && load.results.length === 0 && (
        <p className="state empty-state">{filtered ? 'No runs match these filters.' : 'This connector has not run in the last 24 hours.'}</p>
      )}
      {load.status === 'ready' && load.results.length > 0 && (
        <>
          <div className="logs-table-wrap">
            <table className="logs-table" data-testid="logs-list">
              <caption className="sr-only">Execution results, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Status</th>
                  <th scope="col">Error</th>
                  <th scope="col">Source</th>
                  <th scope="col">Conversation</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Request URL</th>
                </tr>
              </thead>
              <tbody>
                {load.results.map((result) => (
                  <tr key={result.id} data-testid={`log-row-${result.id}`} aria-selected={detail?.id === result.id ? true : undefined}>
                    <td>
                      <button type="button" className="link-button" onClick={() => void open(result.id)} aria-label={`Details of run ${result.id} at ${formatTime(result.created_at)}`}>
                        <time dateTime={result.created_at}>{formatTime(result.created_at)}</time>
                      </button>
                    </td>
                    <td>
                      <StatusText result={result} />
                    </td>
                    <td>{result.error_type ?? '—'}</td>
                    <td>{sourceText(result)}</td>
                    <td>{result.conversation_id ?? '—'}</td>
                    <td>{result.execution_time_ms === null ? '—' : `${result.execution_time_ms} ms`}</td>
                    <td className="url">{result.request_url ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {load.next && (
            <button type="button" className="load-more" onClick={() => void loadMore()} aria-disabled={loadingMore || undefined}>
              {loadingMore ? 'Loading more…' : 'Load more'}
            </button>
          )}
        </>
      )}

      {detail && (
        <section className="log-detail" data-testid="log-detail" aria-labelledby={`${ids}-detail-heading`} ref={detailRef} tabIndex={-1}>
          <h2 id={`${ids}-detail-heading`}>Run {detail.id}</h2>
          {detail.status === 'loading' && (
            <p className="state" role="status">
              <span className="spinner" aria-hidden="true" /> Loading…
            </p>
          )}
          {detail.status === 'error' && (
            <p className="error" role="alert">
              Could not load this run: {detail.message}
            </p>
          )}
          {detail.status === 'ready' && <ResultDetail result={detail.result} logging={logging} />}
          <button type="button" onClick={() => setDetail(null)}>
            Close details
          </button>
        </section>
      )}
    </div>
  );
}

function ResultDetail({ result, logging }: { result: ExecutionResult; logging: ResponseLogging | null }) {
  return (
    <>
      <dl>
        <dt>Status</dt>
        <dd>
          <StatusText result={result} />
        </dd>
        <dt>Time</dt>
        <dd>
          <time dateTime={result.created_at}>{formatTime(result.created_at)}</time>
        </dd>
        <dt>Duration</dt>
        <dd>{result.execution_time_ms === null ? '—' : `${result.execution_time_ms} ms`}</dd>
        <dt>Request</dt>
        <dd data-testid="log-detail-url">
          <span className="method">{result.http_method.toUpperCase()}</span> <code>{result.request_url ?? 'No request was sent'}</code>
        </dd>
        <dt>Source</dt>
        <dd>{sourceText(result)}</dd>
        <dt>Conversation</dt>
        <dd>
          {result.conversation_id ? (
            <a href={conversationPath(result.conversation_id)} onClick={followLink}>
              Conversation {result.conversation_id}
            </a>
          ) : (
            '—'
          )}
        </dd>
        {!result.success && (
          <>
            <dt>Error</dt>
            <dd data-testid="log-detail-error">
              {result.error_type ?? 'error'}
              {result.error_message ? `: ${result.error_message}` : ''}
            </dd>
          </>
        )}
      </dl>
      {result.request_body && (
        <>
          <h3>Request body</h3>
          <pre>{pretty(result.request_body)}</pre>
        </>
      )}
      <ResponseView result={result} logging={logging} />
    </>
  );
}

function ResponseView({ result, logging }: { result: ExecutionResult; logging: ResponseLogging | null }) {
  if (logging === null) return null;
  if (logging === 'none') {
    return (
      <>
        <h3>Response</h3>
        <p data-testid="log-detail-response">No response data is kept for this connector.</p>
      </>
    );
  }
  const full = logging === 'full';
  const body = full ? (result.raw_response_body ?? null) : (result.response_body ?? null);
  return (
    <>
      <h3>{full ? 'Entire response' : 'Redacted & formatted response'}</h3>
      {body === null ? (
        <p data-testid="log-detail-response" className="muted">
          {result.success ? 'No response data was kept for this run.' : 'No response data: the run failed before a usable response.'}
        </p>
      ) : (
        <pre data-testid="log-detail-response">{pretty(body)}</pre>
      )}
      {full && result.response_body && (
        <details>
          <summary>What callers received (shaped)</summary>
          <pre>{pretty(result.response_body)}</pre>
        </details>
      )}
    </>
  );
}

function StatusText({ result }: { result: ExecutionResult }) {
  const http = result.http_status === null ? '' : ` · HTTP ${result.http_status}`;
  return <span className={result.success ? 'run-ok' : 'run-failed'}>{result.success ? `Success${http}` : `Failure${http}`}</span>;
}

function sourceText(result: ExecutionResult): string {
  // Admin test runs carry no source.
  if (!result.source_type) return 'Test / API';
  return result.source_id ? `${result.source_type} (${result.source_id})` : result.source_type;
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

// A filter on one of a fixed list of values, or "Any".
function AnyOfSelect(props: { label: string; value: string; options: readonly string[]; onChange(value: string): void; testId: string }) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        <option value="">Any</option>
        {props.options.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </select>
    </label>
  );
}
