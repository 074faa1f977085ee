import { useEffect, useRef, useState } from 'react';
import { isUnauthorized } from '../api.ts';
import { followLink } from '../router.ts';
import { ConnectorLogs } from './connectors/ConnectorLogs.tsx';
import { getConnectorDetail } from './connectors/logs-api.ts';

interface ConnectorLogsPageProps {
  connectorId: string;
  onUnauthorized(message: string): void;
}

// /settings/connectors/:id/logs: the Logs view on a page of its own, reached from the connector list.
export default function ConnectorLogsPage({ connectorId, onUnauthorized }: ConnectorLogsPageProps) {
  const [name, setName] = useState<string | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
    const controller = new AbortController();
    getConnectorDetail(connectorId, { signal: controller.signal })
      .then((connector) => {
        setName(connector.name);
        document.title = `Logs · ${connector.name} · Patchbay`;
      })
      .catch((error: unknown) => {
        if (error instanceof DOMException && error.name === 'AbortError') return;
        const message = error instanceof Error ? error.message : String(error);
        if (isUnauthorized(error)) onUnauthorized(message);
        else setMissing(message);
      });
    return () => controller.abort();
  }, [connectorId, onUnauthorized]);

  return (
    <section className="connectors" aria-labelledby="connector-logs-heading">
      <p>
        <a href="/settings/connectors" onClick={followLink}>
          ← Data connectors
        </a>
      </p>
      <div className="page-header">
        <h1 id="connector-logs-heading" ref={headingRef} tabIndex={-1}>
          Logs{name ? `: ${name}` : ''}
        </h1>
      </div>
      {missing ? (
        <div className="state error-state" role="alert">
          <p>
            <strong>Could not load this connector.</strong> {missing}
          </p>
        </div>
      ) : (
        <ConnectorLogs connectorId={connectorId} onUnauthorized={onUnauthorized} />
      )}
    </section>
  );
}
