// The Fin tab: whether the AI agent may trigger the connector on its own, who
// it is for (everyone, reusable audiences, custom rules), and a preview of
// what the AI agent would see for one contact.
import { useEffect, useState, type Dispatch, type FormEvent, type SetStateAction } from 'react';
import { FieldErrors } from './ApiTab.tsx';
import type { ConnectorDetail, TestResult } from './connector-api.ts';
import type { ConnectorDraft } from './connector-draft.ts';
import { AgentDecisionPreview } from './AgentDecisionPreview.tsx';
import { checkAudience, listAudiences, previewConnector, searchContacts, type Audience, type AudienceMode, type ContactRole, type ContactSummary } from './fin-api.ts';
import {
  ATTRIBUTE_OPERATORS,
  childPath,
  newAttributeRule,
  newGroup,
  newRoleRule,
  newVerifiedRule,
  updateNode,
  type FinDraft,
  type GroupNode,
  type RuleNode,
} from './fin-draft.ts';
import './fin-tab.css';

interface FinTabProps {
  draft: ConnectorDraft;
  setDraft: Dispatch<SetStateAction<ConnectorDraft>>;
  errorsFor(field: string): string[];
  clearErrors(prefix: string): void;
  saved: ConnectorDetail | null;
  dirty: boolean;
  save(): Promise<ConnectorDetail | null>;
  fail(error: unknown): string | null;
}

const MAX_DEPTH = 5;
const STANDARD_ATTRIBUTES = ['email', 'name', 'user_id'];

type AudienceList = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; audiences: Audience[] };

export function FinTab({ draft, setDraft, errorsFor, clearErrors, saved, dirty, save, fail }: FinTabProps) {
  const fin = draft.fin;
  const setFin = (change: (fin: FinDraft) => FinDraft) => setDraft((d) => ({ ...d, fin: change(d.fin) }));
  const [audiences, setAudiences] = useState<AudienceList>({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    listAudiences(controller.signal)
      .then((list) => setAudiences({ status: 'ready', audiences: list.data }))
      .catch((error: unknown) => {
        const message = fail(error);
        if (message !== null) setAudiences({ status: 'error', message });
      });
    return () => controller.abort();
  }, [fail]);

  function setMode(mode: AudienceMode) {
    clearErrors('audience');
    setFin((f) => ({ ...f, mode }));
  }
  function setRules(rules: GroupNode) {
    setFin((f) => ({ ...f, rules }));
  }
  // Server errors name rules by position; they go stale once rules are added or removed.
  function changeStructure(rules: GroupNode) {
    clearErrors('audience_rules');
    setRules(rules);
  }

  const writes = draft.method !== 'get';
  return (
    <div className="connector-tab fin-tab">
      <section aria-labelledby="fin-usage">
        <h2 id="fin-usage">How should the AI agent use this connector?</h2>
        <fieldset className="choice-list">
          <legend className="sr-only">Use</legend>
          <label className="choice">
            <input type="radio" name="fin-direct" checked={fin.direct} onChange={() => setFin((f) => ({ ...f, direct: true }))} />
            <span>
              <strong>Direct</strong>: the AI agent may trigger it on its own, based on the customer's question. Best for read-only lookups such as
              "Check order status".
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="fin-direct" checked={!fin.direct} onChange={() => setFin((f) => ({ ...f, direct: false }))} />
            <span>
              <strong>Manual</strong>: it never runs on its own; only workflows, macros and teammates (Cmd+K) run it. Best for sensitive or
              write connectors that need oversight.
            </span>
          </label>
        </fieldset>
        <FieldErrors errors={errorsFor('direct_fin_usage')} />
        {fin.direct && writes && (
          <p className="notice" data-testid="fin-write-warning">
            This connector sends a {draft.method.toUpperCase()} request: with direct use the AI agent can change data in that system without a teammate.
            The security check flags it.
          </p>
        )}
      </section>

      <section aria-labelledby="fin-audience">
        <h2 id="fin-audience">Audience</h2>
        <p className="hint">Who the connector is available for. Reusable audiences and custom rules cannot be combined.</p>
        <fieldset className="choice-list">
          <legend className="sr-only">Audience</legend>
          {(
            [
              ['everyone', 'Everyone'],
              ['audiences', 'Reusable audiences'],
              ['custom', 'Custom rules'],
            ] as const
          ).map(([mode, label]) => (
            <label className="choice" key={mode}>
              <input type="radio" name="fin-audience-mode" checked={fin.mode === mode} onChange={() => setMode(mode)} /> <span>{label}</span>
            </label>
          ))}
        </fieldset>
        <FieldErrors errors={errorsFor('audience_mode')} />

        {fin.mode === 'audiences' && (
          <fieldset className="audience-picker" aria-invalid={errorsFor('audience_ids').length > 0 || undefined}>
            <legend>Reusable audiences (the contact must be in at least one)</legend>
            {audiences.status === 'loading' && <p className="hint">Loading audiences…</p>}
            {audiences.status === 'error' && (
              <p className="error" role="alert">
                Could not load the audiences: {audiences.message}
              </p>
            )}
            {audiences.status === 'ready' && audiences.audiences.length === 0 && <p className="hint">This workspace has no reusable audiences yet; create one in settings, or use custom rules.</p>}
            {audiences.status === 'ready' && audiences.audiences.length > 0 && (
              <ul>
                {audiences.audiences.map((audience) => (
                  <li key={audience.id}>
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={fin.audienceIds.includes(audience.id)}
                        onChange={(e) => {
                          clearErrors('audience_ids');
                          setFin((f) => ({ ...f, audienceIds: e.target.checked ? [...f.audienceIds, audience.id] : f.audienceIds.filter((id) => id !== audience.id) }));
                        }}
                      />{' '}
                      {audience.name}
                      {audience.description && <span className="hint"> · {audience.description}</span>}
                    </label>
                  </li>
                ))}
              </ul>
            )}
            {/* Ids the list does not show (deleted meanwhile) stay visible so they can be removed. */}
            {audiences.status === 'ready' &&
              fin.audienceIds
                .filter((id) => !audiences.audiences.some((a) => a.id === id))
                .map((id) => (
                  <p key={id} className="hint">
                    Unknown audience #{id}{' '}
                    <button type="button" onClick={() => setFin((f) => ({ ...f, audienceIds: f.audienceIds.filter((x) => x !== id) }))}>
                      Remove
                    </button>
                  </p>
                ))}
            <FieldErrors errors={[...errorsFor('audience_ids'), ...fin.audienceIds.flatMap((_, i) => errorsFor(`audience_ids.${i}`))]} />
          </fieldset>
        )}

        {fin.mode === 'custom' && (
          <div className="rule-builder" data-testid="rule-builder">
            <FieldErrors errors={errorsFor('audience_rules')} />
            <RuleGroup group={fin.rules} path="audience_rules" depth={1} errorsFor={errorsFor} onChange={setRules} onStructure={changeStructure} root={fin.rules} onRemove={null} />
          </div>
        )}
      </section>

      <FinPreview draft={draft} saved={saved} dirty={dirty} save={save} fail={fail} />
    </div>
  );
}

interface RuleGroupProps {
  group: GroupNode;
  root: GroupNode;
  path: string;
  depth: number;
  errorsFor(field: string): string[];
  onChange(root: GroupNode): void;
  onStructure(root: GroupNode): void;
  onRemove: (() => void) | null;
}

function RuleGroup({ group, root, path, depth, errorsFor, onChange, onStructure, onRemove }: RuleGroupProps) {
  const replace = (next: GroupNode) => (group.key === root.key ? next : updateNode(root, group.key, next));
  const add = (node: RuleNode) => onStructure(replace({ ...group, children: [...group.children, node] }));
  const label = depth === 1 ? 'Custom audience rules' : `Rule group at level ${depth}`;
  return (
    <fieldset className="rule-group" aria-label={label}>
      <legend>
        <label>
          <span className="sr-only">{label}: </span>
          Match{' '}
          <select aria-label={`${label}: match`} value={group.match} onChange={(e) => onStructure(replace({ ...group, match: e.target.value as 'all' | 'any' }))}>
            <option value="all">all of these rules (AND)</option>
            <option value="any">any of these rules (OR)</option>
          </select>
        </label>
      </legend>
      {group.children.length === 0 && <p className="hint">No rules yet: add at least one.</p>}
      <FieldErrors errors={errorsFor(`${path}.${group.match}`)} />
      <ol className="rules">
        {group.children.map((child, index) => {
          const at = childPath(path, group, index);
          const remove = () => onStructure(updateNode(root, child.key, null));
          return (
            <li key={child.key}>
              {child.kind === 'group' ? (
                <RuleGroup group={child} root={root} path={at} depth={depth + 1} errorsFor={errorsFor} onChange={onChange} onStructure={onStructure} onRemove={remove} />
              ) : (
                <RuleRow rule={child} index={index + 1} path={at} errorsFor={errorsFor} onChange={(next) => onChange(updateNode(root, child.key, next))} onRemove={remove} />
              )}
            </li>
          );
        })}
      </ol>
      <div className="row-actions">
        <button type="button" onClick={() => add(newRoleRule())}>
          + Role rule
        </button>
        <button type="button" onClick={() => add(newAttributeRule())}>
          + Attribute rule
        </button>
        <button type="button" onClick={() => add(newVerifiedRule())}>
          + Verified rule
        </button>
        {depth < MAX_DEPTH && (
          <button type="button" onClick={() => add(newGroup(group.match === 'all' ? 'any' : 'all'))}>
            + Group
          </button>
        )}
        {onRemove && (
          <button type="button" onClick={onRemove}>
            Remove group
          </button>
        )}
      </div>
    </fieldset>
  );
}

function RuleRow({
  rule,
  index,
  path,
  errorsFor,
  onChange,
  onRemove,
}: {
  rule: Exclude<RuleNode, { kind: 'group' }>;
  index: number;
  path: string;
  errorsFor(field: string): string[];
  onChange(next: RuleNode): void;
  onRemove(): void;
}) {
  const errors = ['', '.type', '.attribute', '.operator', '.value', '.value.days_ago'].flatMap((suffix) => errorsFor(`${path}${suffix}`));
  const invalid = errors.length > 0 || undefined;
  const name = `Rule ${index}`;
  const id = `rule-${rule.key}`;
  return (
    <div className="rule" role="group" aria-label={name} data-testid="audience-rule">
      <div className="rule-fields">
        {rule.kind === 'role' && (
          <>
            <span>Role</span>
            <select aria-label={`${name}: role operator`} value={rule.operator} onChange={(e) => onChange({ ...rule, operator: e.target.value as 'equals' | 'not_equals' })}>
              <option value="equals">is</option>
              <option value="not_equals">is not</option>
            </select>
            <select aria-label={`${name}: role`} value={rule.value} aria-invalid={invalid} onChange={(e) => onChange({ ...rule, value: e.target.value as ContactRole })}>
              <option value="user">user</option>
              <option value="lead">lead</option>
              <option value="visitor">visitor</option>
            </select>
          </>
        )}
        {rule.kind === 'attribute' && (
          <>
            <span>Attribute</span>
            <input
              id={`${id}-attribute`}
              type="text"
              aria-label={`${name}: attribute name`}
              list="audience-standard-attributes"
              placeholder="plan"
              value={rule.attribute}
              aria-invalid={errorsFor(`${path}.attribute`).length > 0 || undefined}
              onChange={(e) => onChange({ ...rule, attribute: e.target.value })}
            />
            <datalist id="audience-standard-attributes">
              {STANDARD_ATTRIBUTES.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
            <select aria-label={`${name}: comparison`} value={rule.operator} onChange={(e) => onChange({ ...rule, operator: e.target.value as typeof rule.operator })}>
              {ATTRIBUTE_OPERATORS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            {ATTRIBUTE_OPERATORS.find((o) => o.value === rule.operator)?.needsValue && (
              <input
                type="text"
                aria-label={`${name}: value`}
                placeholder={rule.operator === 'before' || rule.operator === 'after' ? '2026-01-31 or 30 days ago' : rule.operator === 'greater_than' || rule.operator === 'less_than' ? 'a number' : 'pro'}
                value={rule.text}
                aria-invalid={errorsFor(`${path}.value`).length + errorsFor(`${path}.value.days_ago`).length > 0 || undefined}
                onChange={(e) => onChange({ ...rule, text: e.target.value })}
              />
            )}
          </>
        )}
        {(rule.kind === 'email_verified' || rule.kind === 'identity_verified') && (
          <>
            <select aria-label={`${name}: verification`} value={rule.kind} onChange={(e) => onChange({ ...rule, kind: e.target.value as 'email_verified' | 'identity_verified' })}>
              <option value="email_verified">Email verified (one-time code)</option>
              <option value="identity_verified">Identity verified (messenger JWT)</option>
            </select>
            <select aria-label={`${name}: verified value`} value={String(rule.value)} onChange={(e) => onChange({ ...rule, value: e.target.value === 'true' })}>
              <option value="true">is true</option>
              <option value="false">is false</option>
            </select>
          </>
        )}
        <button type="button" aria-label={`Remove rule ${index}`} onClick={onRemove}>
          Remove
        </button>
      </div>
      <FieldErrors errors={errors} />
    </div>
  );
}

type Preview =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'error'; message: string }
  | { status: 'outside'; contact: ContactSummary; reason: string }
  | { status: 'done'; contact: ContactSummary; result: TestResult };

const contactLabel = (c: ContactSummary) => `${c.name ?? c.email ?? c.external_id ?? `Contact ${c.id}`}${c.email && c.name ? ` <${c.email}>` : ''} · ${c.role} #${c.id}`;

function FinPreview({ draft, saved, dirty, save, fail }: Pick<FinTabProps, 'draft' | 'saved' | 'dirty' | 'save' | 'fail'>) {
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<{ searching: boolean; contacts: ContactSummary[] | null; error: string | null }>({ searching: false, contacts: null, error: null });
  const [contact, setContact] = useState<ContactSummary | null>(null);
  const [mode, setMode] = useState<'example' | 'live'>('example');
  const [values, setValues] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<Preview>({ status: 'idle' });

  async function search(event: FormEvent) {
    event.preventDefault();
    setFound({ searching: true, contacts: found.contacts, error: null });
    try {
      setFound({ searching: false, contacts: (await searchContacts(query.trim())).data, error: null });
    } catch (error) {
      setFound({ searching: false, contacts: null, error: fail(error) });
    }
  }

  async function run() {
    if (!contact || preview.status === 'running') return;
    setPreview({ status: 'running' });
    try {
      const detail = await save();
      if (!detail) {
        setPreview({ status: 'error', message: 'Fix the problems in the draft first.' });
        return;
      }
      const check = await checkAudience(detail.id, contact.id);
      if (!check.in_audience) {
        setPreview({ status: 'outside', contact, reason: check.reason ?? 'not in the audience' });
        return;
      }
      const inputs = Object.fromEntries(draft.inputs.map((i) => [i.name.trim(), values[i.key] ?? i.defaultValue]).filter(([name, value]) => name && value !== ''));
      setPreview({ status: 'done', contact, result: await previewConnector(detail.id, { mode, inputs, contact_id: contact.id }) });
    } catch (error) {
      const message = fail(error);
      setPreview(message === null ? { status: 'idle' } : { status: 'error', message });
    }
  }

  return (
    <section aria-labelledby="fin-preview" className="fin-preview">
      <h2 id="fin-preview">Preview: what the AI agent would see</h2>
      <p className="hint">Pick a contact to see whether the connector is available for them and the data the AI agent would get (after the Data tab's shaping).</p>
      <form className="contact-search" role="search" aria-label="Find a contact" onSubmit={(e) => void search(e)}>
        <label htmlFor="fin-contact-search">Contact (name, email, external id or id)</label>
        <div className="inline-row">
          <input id="fin-contact-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
          <button type="submit" aria-disabled={found.searching || undefined}>
            {found.searching ? 'Searching…' : 'Search'}
          </button>
        </div>
      </form>
      {found.error && (
        <p className="error" role="alert">
          {found.error}
        </p>
      )}
      {found.contacts && found.contacts.length === 0 && <p className="hint">No contact matches.</p>}
      {found.contacts && found.contacts.length > 0 && (
        <fieldset className="contact-results">
          <legend>Contacts found</legend>
          <ul>
            {found.contacts.map((c) => (
              <li key={c.id}>
                <label className="checkbox">
                  <input type="radio" name="fin-preview-contact" checked={contact?.id === c.id} onChange={() => setContact(c)} /> {contactLabel(c)}
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <fieldset className="test-mode">
        <legend>Data from</legend>
        <label className="checkbox">
          <input type="radio" name="fin-preview-mode" checked={mode === 'example'} onChange={() => setMode('example')} /> Example response (sends nothing)
        </label>
        <label className="checkbox">
          <input type="radio" name="fin-preview-mode" checked={mode === 'live'} onChange={() => setMode('live')} /> Live response (calls the real API)
        </label>
      </fieldset>
      {mode === 'live' && <p className="notice">A live preview makes a real API call for this contact: be careful if the request changes data.</p>}
      {draft.inputs.some((i) => i.name.trim()) && (
        <fieldset>
          <legend>Data inputs (what the AI agent would collect)</legend>
          {draft.inputs
            .filter((i) => i.name.trim())
            .map((input) => (
              <div className="field" key={input.key}>
                <label htmlFor={`fin-input-${input.key}`}>
                  {input.name}
                  {input.required ? ' (required)' : ''}
                </label>
                <input id={`fin-input-${input.key}`} type="text" value={values[input.key] ?? ''} placeholder={input.defaultValue} onChange={(e) => setValues({ ...values, [input.key]: e.target.value })} />
              </div>
            ))}
        </fieldset>
      )}
      <button type="button" className="primary" onClick={() => void run()} aria-disabled={!contact || preview.status === 'running' || undefined}>
        {preview.status === 'running' ? 'Previewing…' : dirty || !saved ? 'Save and preview' : 'Preview'}
      </button>
      {!contact && <p className="hint">Search and pick a contact first.</p>}
      <div aria-live="polite" data-testid="fin-preview-result" className="test-result">
        {preview.status === 'error' && (
          <p className="error" role="alert">
            {preview.message}
          </p>
        )}
        {preview.status === 'outside' && (
          <p className="notice" data-testid="fin-preview-outside">
            <strong>Not in the audience.</strong> {contactLabel(preview.contact)}: {preview.reason}. The AI agent would not see this connector for this contact.
          </p>
        )}
        {preview.status === 'done' && (
          <>
            <p>
              <strong>In the audience.</strong> {contactLabel(preview.contact)}.{' '}
              {draft.fin.direct ? 'The AI agent may use this connector for them.' : 'Manual use: the AI agent does not trigger it on its own; workflows, macros and teammates would get this data.'}
            </p>
            <p className="hint">{preview.result.notice}</p>
            {preview.result.success ? (
              <>
                <h3>Data the AI agent sees</h3>
                <pre data-testid="fin-preview-data">{JSON.stringify(preview.result.shaped_response, null, 2)}</pre>
              </>
            ) : (
              <p className="error" role="alert">
                The run failed ({preview.result.error_type}): {preview.result.error_message}
                {preview.result.input_errors.length > 0 && ` · ${preview.result.input_errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`}
              </p>
            )}
          </>
        )}
      </div>
      <AgentDecisionPreview contact={contact} connectorId={saved?.id ?? null} sampleQuestion={draft.exampleQuestions.find((q) => q.text.trim())?.text ?? ''} fail={fail} />
    </section>
  );
}
