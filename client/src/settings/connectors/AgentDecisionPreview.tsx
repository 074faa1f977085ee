// The AI agent's decision for a sample customer message and the contact picked
// in the Fin tab's preview: which live connectors it considered and how they
// scored, the gate for each, the inputs and where they came from, the request
// and the reply. Nothing reaches a customer; the API is only called when the
// admin ticks "Run it live".
import { useId, useState, type FormEvent } from 'react';
import { previewAgentDecision, type AgentPreview, type AgentPreviewToolCall, type ContactSummary } from './fin-api.ts';

interface AgentDecisionPreviewProps {
  contact: ContactSummary | null;
  connectorId: string | null;
  sampleQuestion: string;
  fail(error: unknown): string | null;
}

const ACTIONS: Record<AgentPreview['action'], string> = {
  answer: 'Answer with the connector’s data',
  ask_for_inputs: 'Ask the customer for missing inputs',
  confirm_action: 'Ask the customer to confirm the action',
  verify_email: 'Ask the customer to verify their email (one-time code)',
  hand_off: 'Hand the conversation to the team',
};

const SOURCES: Record<AgentPreview['inputs'][number]['source'], string> = {
  context: 'contact / conversation',
  message: 'the message',
  earlier_message: 'an earlier message',
};

const CALL_STATUSES: Record<AgentPreviewToolCall['status'], string> = {
  would_run: 'would run (not sent: live run is off)',
  ran: 'ran',
  failed: 'failed',
  needs_confirmation: 'asks the customer to confirm first',
  invalid_arguments: 'wrong arguments, sent back to the model',
  refused: 'refused',
  otp_required: 'needs a one-time code first',
  unknown_tool: 'unknown tool',
  handoff: 'hands off to the team',
  not_run: 'not run',
};

type State = { status: 'idle' } | { status: 'running' } | { status: 'error'; message: string } | { status: 'done'; result: AgentPreview };

export function AgentDecisionPreview({ contact, connectorId, sampleQuestion, fail }: AgentDecisionPreviewProps) {
  const id = useId();
  const [message, setMessage] = useState(sampleQuestion);
  const [verified, setVerified] = useState(false);
  const [live, setLive] = useState(false);
  const [state, setState] = useState<State>({ status: 'idle' });

  async function run(event: FormEvent) {
    event.preventDefault();
    if (!contact || state.status === 'running') return;
    if (!message.trim()) {
      setState({ status: 'error', message: 'Type the customer’s message first.' });
      return;
    }
    setState({ status: 'running' });
    try {
      setState({ status: 'done', result: await previewAgentDecision({ message: message.trim(), contact_id: contact.id, run_live: live, identity_verified: verified }) });
    } catch (error) {
      const text = fail(error);
      setState(text === null ? { status: 'idle' } : { status: 'error', message: text });
    }
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="fin-preview agent-decision-preview">
      <h2 id={`${id}-heading`}>Preview the AI agent’s decision</h2>
      <p className="hint">
        What the agent would do with a customer message from the contact above, among all <strong>live</strong> connectors it may use (set this one live to include your
        latest changes). Nothing is sent to a customer.
      </p>
      <form onSubmit={(event) => void run(event)} data-testid="agent-preview-form">
        <div className="field">
          <label htmlFor={`${id}-message`}>Customer message</label>
          <textarea id={`${id}-message`} rows={2} value={message} onChange={(event) => setMessage(event.target.value)} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={verified} onChange={(event) => setVerified(event.target.checked)} /> The customer’s identity is verified (signed messenger JWT)
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={live} onChange={(event) => setLive(event.target.checked)} /> Run the chosen connector live (calls the real API)
        </label>
        <button type="submit" aria-disabled={!contact || state.status === 'running' || undefined}>
          {state.status === 'running' ? 'Previewing…' : 'Preview decision'}
        </button>
        {!contact && <p className="hint">Search and pick a contact first.</p>}
      </form>
      <div aria-live="polite" data-testid="agent-preview-result" className="test-result">
        {state.status === 'error' && (
          <p className="error" role="alert">
            {state.message}
          </p>
        )}
        {state.status === 'done' && <DecisionTrace result={state.result} connectorId={connectorId} />}
      </div>
    </section>
  );
}

function DecisionTrace({ result, connectorId }: { result: AgentPreview; connectorId: string | null }) {
  const chosen = result.connectors.find((c) => c.data_connector_id === result.decision.data_connector_id);
  return (
    <>
      <p data-testid="agent-preview-action">
        <strong>{ACTIONS[result.action]}</strong>
        {chosen && <> with “{chosen.name}”</>}
        {result.decision.reason && <> — {result.decision.reason}</>}
      </p>
      <p className="hint">{result.notice}</p>
      {result.model_error && (
        <p className="error" role="alert">
          The language model failed: {result.model_error}
        </p>
      )}
      {result.tool_calls && <ToolCalls calls={result.tool_calls} />}
      <div className="table-scroll">
        <table>
          <caption>Connectors considered</caption>
          <thead>
            <tr>
              <th scope="col">Connector</th>
              <th scope="col">Score</th>
              <th scope="col">Matched</th>
              <th scope="col">Gate</th>
            </tr>
          </thead>
          <tbody>
            {result.connectors.length === 0 && (
              <tr>
                <td colSpan={4}>No live connector with direct AI use.</td>
              </tr>
            )}
            {result.connectors.map((c) => (
              <tr key={c.data_connector_id} aria-current={c.data_connector_id === connectorId ? 'true' : undefined}>
                <th scope="row">
                  {c.name}
                  {c.data_connector_id === connectorId && <span className="muted"> (this connector)</span>}
                </th>
                <td>{c.score ?? '—'}</td>
                <td>{c.matched_terms.join(', ') || '—'}</td>
                <td>{c.gate.allowed ? 'allowed' : `refused: ${c.gate.reason ?? 'not allowed'}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {(result.inputs.length > 0 || result.missing.length > 0 || result.invalid.length > 0) && (
        <>
          <h3>Inputs</h3>
          <ul data-testid="agent-preview-inputs">
            {result.inputs.map((input) => (
              <li key={input.name}>
                <code>{input.name}</code> = {JSON.stringify(input.value)} <span className="muted">from {SOURCES[input.source]}</span>
              </li>
            ))}
            {result.missing.map((name) => (
              <li key={`missing-${name}`}>
                <code>{name}</code> <span className="muted">missing: the agent asks for it</span>
              </li>
            ))}
            {result.invalid.map((input) => (
              <li key={`invalid-${input.name}`}>
                <code>{input.name}</code> <span className="muted">invalid: {input.reason}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {result.request && (
        <p>
          Request: <code>{result.request.method.toUpperCase()} {result.request.url}</code>
        </p>
      )}
      {result.request_error && <p className="error">The request could not be built: {result.request_error}</p>}
      {result.run && (
        <>
          <h3>Live run</h3>
          {result.run.success ? (
            <pre data-testid="agent-preview-data">{JSON.stringify(result.run.shaped_response, null, 2)}</pre>
          ) : (
            <p className="error">
              The run failed ({result.run.error_type}): {result.run.error_message}
            </p>
          )}
        </>
      )}
      {(result.question ?? result.reply) && (
        <>
          <h3>The customer would read</h3>
          <blockquote data-testid="agent-preview-reply">{result.question ?? result.reply}</blockquote>
        </>
      )}
    </>
  );
}

// Agent 'model': each tool call the language model made, in order.
function ToolCalls({ calls }: { calls: AgentPreviewToolCall[] }) {
  return (
    <>
      <h3>Tool calls</h3>
      {calls.length === 0 ? (
        <p className="hint">The model called no tool.</p>
      ) : (
        <ol data-testid="agent-preview-tool-calls">
          {calls.map((call) => (
            <li key={call.id}>
              <code>
                {call.tool}({JSON.stringify(call.arguments)})
              </code>{' '}
              <strong>{CALL_STATUSES[call.status]}</strong>
              {call.name && <span className="muted"> — “{call.name}”</span>}
              {call.gate && <span className="muted"> · gate: {call.gate.allowed ? 'allowed' : `refused: ${call.gate.reason ?? 'not allowed'}`}</span>}
              {call.validation && !call.validation.valid && (
                <span className="muted"> · {[...call.validation.missing.map((name) => `${name} missing`), ...call.validation.invalid.map((i) => `${i.name}: ${i.reason}`)].join('; ')}</span>
              )}
              {call.detail && <div className="hint">{call.detail}</div>}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
