import { memo } from 'react';
import { clockTime, formatValue, fullTime, plainBody, rawValue } from './format.ts';
import type { ConversationPart } from './inbox-api.ts';
import { Menu } from './Menu.tsx';

interface PartItemProps {
  part: ConversationPart;
  contactName: string;
  onTriggerConnector(partId: string): void;
}

type Kind = 'customer' | 'teammate' | 'bot' | 'system' | 'note' | 'connector';

function kindOf(part: ConversationPart): Kind {
  if (part.part_type === 'connector_result') return 'connector';
  if (part.part_type === 'note') return 'note';
  if (part.author.type === 'customer') return 'customer';
  if (part.author.type === 'bot') return 'bot';
  if (part.author.type === 'system') return 'system';
  return 'teammate';
}

function authorLabel(part: ConversationPart, kind: Kind, contactName: string): string {
  if (kind === 'customer') return part.author.name || contactName;
  if (kind === 'bot') return part.author.name || 'Bot';
  if (kind === 'system') return 'Patchbay';
  return part.author.name || 'Teammate';
}

const KIND_LABEL: Record<Kind, string> = {
  customer: 'Customer',
  teammate: 'Teammate',
  bot: 'Bot',
  system: 'System',
  note: 'Internal note',
  connector: 'Data connector result',
};

export const PartItem = memo(function PartItem({ part, contactName, onTriggerConnector }: PartItemProps) {
  const kind = kindOf(part);
  const author = authorLabel(part, kind, contactName);
  return (
    <li className={`part part-${kind}`} data-testid={`part-${part.id}`}>
      <div className="part-bubble">
        <div className="part-head">
          {kind === 'note' && <span className="part-kind note-label">Internal note</span>}
          {kind === 'bot' && <span className="part-kind bot-label">Bot</span>}
          {(kind === 'customer' || kind === 'teammate' || kind === 'system') && <span className="sr-only">{KIND_LABEL[kind]}: </span>}
          <span className="part-author">{author}</span>
          <time className="part-time" dateTime={part.created_at} title={fullTime(part.created_at)}>
            {clockTime(part.created_at)}
          </time>
          <Menu
            label="Message actions"
            className="message-menu"
            testId={`message-menu-${part.id}`}
            items={[{ label: 'Trigger data connector', onSelect: () => onTriggerConnector(part.id) }]}
          >
            <span aria-hidden="true">…</span>
          </Menu>
        </div>
        {kind === 'connector' ? <ConnectorResultCard part={part} /> : <p className="part-body">{plainBody(part.body)}</p>}
      </div>
    </li>
  );
});

const MAX_FIELDS = 8;

function ConnectorResultCard({ part }: { part: ConversationPart }) {
  const result = part.connector_result;
  return (
    <div className="connector-card" data-testid="connector-result-card">
      <p className="connector-card-title">
        <span className="part-kind connector-label">Data connector</span> <strong>{result?.data_connector_name ?? 'Connector'}</strong>
      </p>
      {part.body && <p className="connector-summary">{plainBody(part.body)}</p>}
      {result && <DataPreview data={result.data} />}
    </div>
  );
}

function DataPreview({ data }: { data: unknown }) {
  if (data === null || data === undefined) return <p className="muted connector-empty">No data returned.</p>;
  const isObject = typeof data === 'object' && !Array.isArray(data);
  const entries = isObject ? Object.entries(data as Record<string, unknown>) : [];
  return (
    <>
      {isObject && entries.length > 0 && (
        <dl className="kv">
          {entries.slice(0, MAX_FIELDS).map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd title={rawValue(value)}>{compact(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {isObject && entries.length > MAX_FIELDS && <p className="muted kv-more">{entries.length - MAX_FIELDS} more fields in the JSON.</p>}
      {Array.isArray(data) && (
        <p className="kv-summary">
          {data.length} {data.length === 1 ? 'item' : 'items'}
        </p>
      )}
      {!isObject && !Array.isArray(data) && <p className="kv-summary">{formatValue(data)}</p>}
      {(isObject || Array.isArray(data)) && (
        <details className="json-details">
          <summary>Show JSON</summary>
          <pre>{JSON.stringify(data, null, 2)}</pre>
        </details>
      )}
    </>
  );
}

function compact(value: unknown): string {
  const text = formatValue(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
