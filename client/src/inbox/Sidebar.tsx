import type { ReactNode } from 'react';
import { conversationPath, followLink } from '../router.ts';
import { formatValue, fullTime, rawValue, relativeTime, runSourceLabel } from './format.ts';
import type { ConnectorRunSummary, Contact, ConversationDetail } from './inbox-api.ts';
import type { Resource } from './use-resource.ts';

// `${target}:${name}` -> how many times it changed live; a new number replays the highlight.
export type Flashes = Record<string, number>;

interface SidebarProps {
  conversation: ConversationDetail | null;
  contact: Resource<Contact>;
  runs: Resource<{ data: ConnectorRunSummary[] }>;
  flashes: Flashes;
  now: number;
  onBack(): void;
}

export function Sidebar({ conversation, contact, runs, flashes, now, onBack }: SidebarProps) {
  const person = contact.data;
  return (
    <aside className="sidebar" data-testid="sidebar" aria-labelledby="sidebar-heading">
      <div className="sidebar-top narrow-only">
        <button type="button" className="back-button" onClick={onBack} aria-label="Back to the conversation">
          ← <span aria-hidden="true">Conversation</span>
        </button>
      </div>

      <section className="sidebar-section" aria-labelledby="sidebar-heading">
        <h2 id="sidebar-heading" className="sidebar-heading">
          Contact
        </h2>
        {contact.status === 'loading' && <SidebarSkeleton />}
        {contact.status === 'error' && (
          <div className="error sidebar-error" role="alert">
            <p>Could not load the contact: {contact.error}</p>
            <button type="button" onClick={() => contact.reload()}>
              Retry
            </button>
          </div>
        )}
        {person && (
          <>
            <p className="contact-name">{person.name || person.email || `Contact ${person.id}`}</p>
            <dl className="attrs">
              <AttrRow label="Email" testId={null} value={person.email}>
                {person.email ?? '—'}
                {person.email && person.email_verified && <span className="badge badge-live verified">Verified</span>}
                {person.email && !person.email_verified && <span className="badge badge-draft">Not verified</span>}
              </AttrRow>
              <AttrRow label="Role" testId={null} value={person.role}>
                {person.role === 'lead' ? 'Lead' : person.role === 'user' ? 'User' : person.role}
              </AttrRow>
              {person.external_id && (
                <AttrRow label="User ID" testId={null} value={person.external_id}>
                  {person.external_id}
                </AttrRow>
              )}
              <AttrRow label="Company" testId={null} value={person.company?.name ?? null}>
                {person.company?.name ?? '—'}
              </AttrRow>
            </dl>
          </>
        )}
      </section>

      {person && (
        <AttributeSection title="Contact attributes" target="contact" attributes={person.custom_attributes} flashes={flashes} empty="No contact attributes yet." />
      )}
      {conversation && (
        <AttributeSection
          title="Conversation attributes"
          target="conversation"
          attributes={conversation.custom_attributes}
          flashes={flashes}
          empty="No conversation attributes yet."
        />
      )}
      {person?.company && Object.keys(person.company.custom_attributes).length > 0 && (
        <section className="sidebar-section" aria-labelledby="sidebar-company">
          <h2 id="sidebar-company" className="sidebar-heading">
            {person.company.name}
          </h2>
          <dl className="attrs">
            {Object.entries(person.company.custom_attributes).map(([name, value]) => (
              <AttrRow key={name} label={name} testId={`sidebar-company-attr-${name}`} value={value}>
                {formatValue(value)}
              </AttrRow>
            ))}
          </dl>
        </section>
      )}

      {person && person.recent_conversations.length > 0 && (
        <section className="sidebar-section" aria-labelledby="sidebar-recent">
          <h2 id="sidebar-recent" className="sidebar-heading">
            Recent conversations
          </h2>
          <ul className="recent-list">
            {person.recent_conversations.map((recent) => (
              <li key={recent.id}>
                <a
                  href={conversationPath(recent.id)}
                  onClick={followLink}
                  aria-current={recent.id === conversation?.id ? 'page' : undefined}
                >
                  {recent.title || `Conversation ${recent.id}`}
                </a>
                <span className="muted recent-meta">
                  {' '}
                  {recent.state} · <time dateTime={recent.last_activity_at} title={fullTime(recent.last_activity_at)}>{relativeTime(recent.last_activity_at, now)}</time>
                  {recent.id === conversation?.id ? ' · this one' : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}

      <ConnectorRuns runs={runs} now={now} />
    </aside>
  );
}

function AttributeSection({
  title,
  target,
  attributes,
  flashes,
  empty,
}: {
  title: string;
  target: 'contact' | 'conversation';
  attributes: Record<string, unknown>;
  flashes: Flashes;
  empty: string;
}) {
  const entries = Object.entries(attributes);
  const headingId = `sidebar-${target}-attributes`;
  return (
    <section className="sidebar-section" aria-labelledby={headingId}>
      <h2 id={headingId} className="sidebar-heading">
        {title}
      </h2>
      {entries.length === 0 ? (
        <p className="muted sidebar-empty">{empty}</p>
      ) : (
        <dl className="attrs">
          {entries.map(([name, value]) => (
            <AttrRow key={name} label={name} testId={`sidebar-attr-${name}`} value={value} flash={flashes[`${target}:${name}`]}>
              {formatValue(value)}
            </AttrRow>
          ))}
        </dl>
      )}
    </section>
  );
}

function AttrRow({ label, testId, value, flash, children }: { label: string; testId: string | null; value: unknown; flash?: number | undefined; children: ReactNode }) {
  return (
    <div className="attr-row" data-testid={testId ?? undefined} data-changed={flash ? 'true' : undefined}>
      {/* An overlay with its own key replays the highlight without touching the row's layout. */}
      {flash ? <span key={flash} className="attr-flash" aria-hidden="true" /> : null}
      <dt>{label}</dt>
      <dd title={value === null || value === undefined ? undefined : rawValue(value)}>{children}</dd>
    </div>
  );
}

function ConnectorRuns({ runs, now }: { runs: Resource<{ data: ConnectorRunSummary[] }>; now: number }) {
  const items = runs.data?.data ?? [];
  return (
    <section className="sidebar-section" aria-labelledby="sidebar-runs">
      <div className="sidebar-heading-row">
        <h2 id="sidebar-runs" className="sidebar-heading">
          Connector runs
        </h2>
        <button type="button" className="link-button" onClick={() => runs.reload(true)} aria-label="Refresh connector runs">
          Refresh
        </button>
      </div>
      {runs.status === 'loading' && <SidebarSkeleton />}
      {runs.status === 'error' && (
        <div className="error sidebar-error" role="alert">
          <p>Could not load connector runs: {runs.error}</p>
          <button type="button" onClick={() => runs.reload()}>
            Retry
          </button>
        </div>
      )}
      <ol className="runs" data-testid="connector-runs" aria-label="Connector runs for this conversation">
        {items.map((run) => (
          <li key={run.id} className={`run run-${run.success ? 'ok' : 'failed'}`}>
            <div className="run-top">
              <span className="run-name">{run.data_connector_name}</span>
              <span className={`badge ${run.success ? 'badge-live' : 'badge-failed'}`}>{run.success ? 'ok' : 'failed'}</span>
            </div>
            {!run.success && (run.error_message || run.error_type) && (
              <p className="run-error">
                {run.error_type && <code>{run.error_type}</code>} {run.error_message}
              </p>
            )}
            <p className="run-meta muted">
              <span>{runSourceLabel(run)}</span>
              {' · '}
              <time dateTime={run.created_at} title={fullTime(run.created_at)}>
                {relativeTime(run.created_at, now)}
              </time>
              {run.http_status !== null && <> · HTTP {run.http_status}</>}
              {run.execution_time_ms !== null && <> · {run.execution_time_ms} ms</>}
            </p>
          </li>
        ))}
      </ol>
      {runs.status === 'ready' && items.length === 0 && <p className="muted sidebar-empty">No connector has run on this conversation yet.</p>}
    </section>
  );
}

function SidebarSkeleton() {
  return (
    <div className="sidebar-skeleton" aria-hidden="true">
      <span className="skeleton-line" />
      <span className="skeleton-line medium" />
      <span className="skeleton-line short" />
    </div>
  );
}
