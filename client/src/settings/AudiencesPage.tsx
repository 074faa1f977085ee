import { useEffect, useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { ATTRIBUTE_OPERATORS, describeRules, newRow, rowsFromRules, rulesFromRows, STANDARD_ATTRIBUTES, type PredicateKind, type RuleRow, type RulesDraft } from './audience-rules-draft.ts';
import { createAudience, deleteAudience, listAttributeDefinitions, listAudiences, updateAudience, type AttributeDefinition, type Audience, type AudienceRules } from './settings-api.ts';
import { Field, FormError, FormActions, LoadError, Loading, RowActionCell, SettingsTableHead, useFailureMessage, useFormSave, useRowAction, useSettingsLoad, useUnsavedGuard } from './settings-common.tsx';
import './settings-pages.css';

interface Draft {
  name: string;
  description: string;
  // Builder rows, or JSON text for rules the rows cannot show (nested groups).
  rules: { mode: 'rows'; draft: RulesDraft } | { mode: 'json'; text: string };
}

type Editor = { audience: Audience | null; initial: Draft };

const emptyDraft = (): Draft => ({ name: '', description: '', rules: { mode: 'rows', draft: { match: 'all', rows: [newRow()] } } });
function draftOf(audience: Audience): Draft {
  const rows = rowsFromRules(audience.rules);
  return {
    name: audience.name,
    description: audience.description ?? '',
    rules: rows ? { mode: 'rows', draft: rows } : { mode: 'json', text: JSON.stringify(audience.rules, null, 2) },
  };
}

export function AudiencesPage({ me, onUnauthorized }: { me?: Me; onUnauthorized?(message: string): void }) {
  const canEdit = !me || me.role === 'admin';
  const fail = useFailureMessage(onUnauthorized);
  const baseId = useId();
  const [definitions, setDefinitions] = useState<AttributeDefinition[]>([]);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const { errors, setErrors, saving, formRef, submit } = useFormSave(fail, ['name', 'description', 'rules']);
  const [status, setStatus] = useState('');
  const [load, setLoad, reload] = useSettingsLoad(async (signal) => {
    const [list, defs] = await Promise.all([listAudiences(signal), listAttributeDefinitions(signal)]);
    setDefinitions(defs.data.filter((d) => d.target === 'contact'));
    return { audiences: list.data };
  }, fail);

  const dirty = editor !== null && draft !== null && JSON.stringify(draft) !== JSON.stringify(editor.initial);
  useUnsavedGuard(dirty, 'You have unsaved changes to this audience. Leave without saving?');

  useEffect(() => {
    if (editor) formRef.current?.querySelector<HTMLElement>('input')?.focus();
  }, [editor]);

  function open(audience: Audience | null) {
    if (dirty && !window.confirm('Discard the changes to this audience?')) return;
    const initial = audience ? draftOf(audience) : emptyDraft();
    setEditor({ audience, initial });
    setDraft(initial);
    setErrors({});
    setStatus('');
  }

  function close() {
    if (dirty && !window.confirm('Discard the changes to this audience?')) return;
    setEditor(null);
    setDraft(null);
    setErrors({});
  }

  const setRules = (update: (rules: RulesDraft) => RulesDraft) =>
    setDraft((d) => (d && d.rules.mode === 'rows' ? { ...d, rules: { mode: 'rows', draft: update(d.rules.draft) } } : d));
  const setRow = (index: number, patch: Partial<RuleRow>) => setRules((r) => ({ ...r, rows: r.rows.map((row, i) => (i === index ? { ...row, ...patch } : row)) }));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!editor || !draft || saving) return;
    let rules: AudienceRules;
    if (draft.rules.mode === 'json') {
      try {
        rules = JSON.parse(draft.rules.text) as AudienceRules;
      } catch (error) {
        setErrors({ rules: [`Not valid JSON: ${error instanceof Error ? error.message : String(error)}`] });
        return;
      }
    } else {
      rules = rulesFromRows(draft.rules.draft, definitions);
    }
    const body = { name: draft.name.trim(), description: draft.description.trim() || null, rules };
    // Errors of a rule row show next to it.
    const rowCount = draft.rules.mode === 'rows' ? draft.rules.draft.rows.length : 0;
    const match = draft.rules.mode === 'rows' ? draft.rules.draft.match : 'all';
    const rowFields = Array.from({ length: rowCount }, (_, i) => `rules.${match}.${i}`);
    await submit(async () => {
      const saved = editor.audience ? await updateAudience(editor.audience.id, body) : await createAudience(body);
      setLoad((current) => {
        const rest = current.status === 'ready' ? current.audiences.filter((a) => a.id !== saved.id) : [];
        return { status: 'ready', audiences: [...rest, saved].sort((a, b) => a.name.localeCompare(b.name)) };
      });
      setEditor(null);
      setDraft(null);
      setStatus(`Saved “${saved.name}”.`);
    }, ['name', 'description', ...rowFields, 'rules']);
  }

  const remove = useRowAction(async (audience: Audience) => {
    await deleteAudience(audience.id);
    setLoad((current) => (current.status === 'ready' ? { status: 'ready', audiences: current.audiences.filter((a) => a.id !== audience.id) } : current));
    setStatus(`Deleted “${audience.name}”.`);
    document.getElementById(`${baseId}-heading`)?.focus();
  }, fail);

  const attributeNames = [...STANDARD_ATTRIBUTES, ...definitions.map((d) => d.name).filter((n) => !(STANDARD_ATTRIBUTES as readonly string[]).includes(n))];

  return (
    <section className="settings-page" aria-labelledby={`${baseId}-heading`}>
      <div className="page-header">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          Audiences
        </h1>
        {canEdit && load.status === 'ready' && !editor && (
          <button type="button" className="primary" onClick={() => open(null)}>
            New audience
          </button>
        )}
      </div>
      <p className="hint">Reusable groups of customers. A data connector can be limited to one or more audiences: it then runs only for contacts who match.</p>
      {!canEdit && <p className="notice">Only admins can create or change audiences.</p>}

      <p className="settings-status" role="status">
        {status}
      </p>

      {editor && draft && (
        <form ref={formRef} className="settings-form" onSubmit={(e) => void save(e)} aria-labelledby={`${baseId}-form-heading`} data-testid="audience-form" noValidate>
          <h2 id={`${baseId}-form-heading`}>{editor.audience ? `Edit “${editor.audience.name}”` : 'New audience'}</h2>
          <FormError errors={errors['']} />
          <div className="settings-fields">
            <Field id={`${baseId}-name`} label="Name" field="name" errors={errors.name}>
              {(props) => <input {...props} value={draft.name} maxLength={255} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
            </Field>
            <Field id={`${baseId}-description`} label="Description (optional)" field="description" errors={errors.description}>
              {(props) => <input {...props} value={draft.description} onChange={(e) => setDraft({ ...draft, description: e.target.value })} />}
            </Field>
          </div>
          <fieldset className="settings-form-group" data-field="rules" tabIndex={-1}>
            <legend>Who is in it</legend>
            {errors.rules?.length ? <p className="field-error">{errors.rules.join(' ')}</p> : null}
            {draft.rules.mode === 'json' ? (
              <Field id={`${baseId}-rules-json`} label="Rules (JSON)" field="rules" hint="These rules have nested groups, which the row editor cannot show; edit them as JSON.">
                {(props) => (
                  <textarea
                    {...props}
                    rows={10}
                    spellCheck={false}
                    value={draft.rules.mode === 'json' ? draft.rules.text : ''}
                    onChange={(e) => setDraft({ ...draft, rules: { mode: 'json', text: e.target.value } })}
                  />
                )}
              </Field>
            ) : (
              <>
                <div className="field">
                  <label htmlFor={`${baseId}-match`}>Contacts who match</label>
                  <select id={`${baseId}-match`} value={draft.rules.draft.match} onChange={(e) => setRules((r) => ({ ...r, match: e.target.value as 'all' | 'any' }))}>
                    <option value="all">all of these rules</option>
                    <option value="any">any of these rules</option>
                  </select>
                </div>
                <ol className="rule-rows">
                  {draft.rules.draft.rows.map((row, index) => {
                    const rowField = `rules.${draft.rules.mode === 'rows' ? draft.rules.draft.match : 'all'}.${index}`;
                    const rowErrors = errors[rowField] ?? [];
                    const rowId = `${baseId}-rule-${index}`;
                    const invalid = rowErrors.length ? { 'aria-invalid': true as const, 'aria-describedby': `${rowId}-error` } : {};
                    return (
                      <li key={index} className="rule-row" data-testid={`audience-rule-${index}`}>
                        <div className="rule-controls" role="group" aria-label={`Rule ${index + 1}`}>
                          <select aria-label={`Rule ${index + 1}: what`} data-field={rowField} {...invalid} value={row.kind} onChange={(e) => setRow(index, ruleOfKind(e.target.value as PredicateKind, row))}>
                            <option value="attribute">Attribute</option>
                            <option value="role">Contact role</option>
                            <option value="email_verified">Email verified</option>
                            <option value="identity_verified">Identity verified</option>
                          </select>
                          {row.kind === 'attribute' && (
                            <>
                              <select aria-label={`Rule ${index + 1}: attribute`} value={row.attribute} onChange={(e) => setRow(index, { attribute: e.target.value })}>
                                {attributeNames.map((name) => (
                                  <option key={name} value={name}>
                                    {name}
                                  </option>
                                ))}
                                {!attributeNames.includes(row.attribute) && <option value={row.attribute}>{row.attribute} (not defined)</option>}
                              </select>
                              <select aria-label={`Rule ${index + 1}: operator`} value={row.operator} onChange={(e) => setRow(index, { operator: e.target.value })}>
                                {ATTRIBUTE_OPERATORS.map((op) => (
                                  <option key={op.value} value={op.value}>
                                    {op.label}
                                  </option>
                                ))}
                              </select>
                              {row.operator !== 'exists' && row.operator !== 'not_exists' && (
                                <input
                                  aria-label={`Rule ${index + 1}: value`}
                                  {...invalid}
                                  value={row.value}
                                  placeholder={row.operator === 'before' || row.operator === 'after' ? '2026-01-31 or 30 days ago' : ''}
                                  onChange={(e) => setRow(index, { value: e.target.value })}
                                />
                              )}
                            </>
                          )}
                          {row.kind === 'role' && (
                            <>
                              <select aria-label={`Rule ${index + 1}: operator`} value={row.operator} onChange={(e) => setRow(index, { operator: e.target.value })}>
                                <option value="equals">is</option>
                                <option value="not_equals">is not</option>
                              </select>
                              <select aria-label={`Rule ${index + 1}: role`} value={row.value} onChange={(e) => setRow(index, { value: e.target.value })}>
                                <option value="user">user</option>
                                <option value="lead">lead</option>
                                <option value="visitor">visitor</option>
                              </select>
                            </>
                          )}
                          {(row.kind === 'email_verified' || row.kind === 'identity_verified') && (
                            <select aria-label={`Rule ${index + 1}: value`} value={row.value} onChange={(e) => setRow(index, { value: e.target.value })}>
                              <option value="true">yes</option>
                              <option value="false">no</option>
                            </select>
                          )}
                          <button type="button" aria-label={`Remove rule ${index + 1}`} onClick={() => setRules((r) => ({ ...r, rows: r.rows.filter((_, i) => i !== index) }))}>
                            Remove
                          </button>
                        </div>
                        {rowErrors.length > 0 && (
                          <p id={`${rowId}-error`} className="field-error">
                            {rowErrors.join(' ')}
                          </p>
                        )}
                      </li>
                    );
                  })}
                </ol>
                <div>
                  <button type="button" onClick={() => setRules((r) => ({ ...r, rows: [...r.rows, newRow()] }))}>
                    Add rule
                  </button>
                </div>
              </>
            )}
          </fieldset>
          <FormActions saving={saving} label={'Save audience'} onCancel={close} />
        </form>
      )}

      {load.status === 'loading' && <Loading what="audiences" />}
      {load.status === 'error' && <LoadError what="the audiences" message={load.message} onRetry={() => void reload()} />}
      {load.status === 'ready' && load.audiences.length === 0 && (
        <div className="state empty-state">
          <h2>No audiences yet</h2>
          <p>Create one to limit data connectors to, say, paying customers with a verified email.</p>
        </div>
      )}
      {load.status === 'ready' && load.audiences.length > 0 && (
        <div className="table-scroll">
          <table className="settings-table" data-testid="audience-list">
            <caption className="sr-only">Audiences</caption>
            <SettingsTableHead columns={['Name', 'Who']} actions={canEdit} />
            <tbody>
              {load.audiences.map((a) => (
                <tr key={a.id}>
                  <td>
                    {a.name}
                    {a.description && <div className="muted">{a.description}</div>}
                  </td>
                  <td>{describeRules(a.rules)}</td>
                  {canEdit && (
                    <RowActionCell item={a} action={remove} verb="Delete" busyLabel="Deleting…" question={`Delete “${a.name}”? This cannot be undone.`}>
                      <button type="button" aria-label={`Edit ${a.name}`} onClick={() => open(a)}>
                        Edit
                      </button>
                    </RowActionCell>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function ruleOfKind(kind: PredicateKind, current: RuleRow): RuleRow {
  if (kind === current.kind) return current;
  if (kind === 'role') return { kind, attribute: '', operator: 'equals', value: 'user' };
  if (kind === 'attribute') return { kind, attribute: 'email', operator: 'exists', value: '' };
  return { kind, attribute: '', operator: 'equals', value: 'true' };
}

export default AudiencesPage;
