import { useCallback, useEffect, useRef, useState } from 'react';
import type { DataConnectorSummary, Me } from '../api.ts';
import { listAdmins, type Admin } from '../inbox/inbox-api.ts';
import { summarizeActions } from '../command-palette/macro-text.ts';
import { deleteMacro, listAllDataConnectors, listAllMacros, type Macro } from '../command-palette/palette-api.ts';
import { draftFromMacro, emptyDraft, type MacroDraft } from './macros/macro-draft.ts';
import { MacroEditor, type Loadable } from './macros/MacroEditor.tsx';
import { formatTime, LoadError, Loading, useFailureMessage, useSettingsLoad, useUnsavedGuard } from './settings-common.tsx';
import './settings-pages.css';
import './macros/macros-page.css';

interface MacrosPageProps {
  // Without it the page assumes an admin and lets the server refuse what is not allowed.
  me?: Me;
  // The session ended (expired, signed out elsewhere).
  onUnauthorized?(message: string): void;
}

type View = { mode: 'list' } | { mode: 'edit'; macro: Macro | null; draft: MacroDraft };

export function MacrosPage({ me, onUnauthorized }: MacrosPageProps) {
  const canEdit = !me || me.role === 'admin';
  const fail = useFailureMessage(onUnauthorized);
  const [load, setLoad, loadMacros] = useSettingsLoad(async (signal) => ({ macros: await listAllMacros(signal) }), fail);
  const [view, setView] = useState<View>({ mode: 'list' });
  const [dirty, setDirty] = useState(false);
  const [status, setStatus] = useState('');
  const [confirmingDelete, setConfirmingDelete] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<{ id: string; message: string } | null>(null);
  const [connectors, setConnectors] = useState<Loadable<DataConnectorSummary> | null>(null);
  const [admins, setAdmins] = useState<Loadable<Admin> | null>(null);
  const [focusId, setFocusId] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const loadLists = useCallback(() => {
    setConnectors({ status: 'loading' });
    listAllDataConnectors()
      .then((items) => setConnectors({ status: 'ready', items }))
      .catch((error: unknown) => setConnectors({ status: 'error', message: fail(error) ?? 'Signed out.' }));
    setAdmins({ status: 'loading' });
    listAdmins()
      .then((list) => setAdmins({ status: 'ready', items: list.data }))
      .catch((error: unknown) => setAdmins({ status: 'error', message: fail(error) ?? 'Signed out.' }));
  }, [fail]);

  // Connectors and teammates are only needed once someone edits.
  useEffect(() => {
    if (view.mode === 'edit' && connectors === null) loadLists();
  }, [view.mode, connectors, loadLists]);

  useEffect(() => {
    if (view.mode === 'list') headingRef.current?.focus();
  }, [view.mode]);

  useEffect(() => {
    if (!focusId || view.mode !== 'list' || load.status !== 'ready') return;
    document.getElementById(focusId)?.focus();
    setFocusId(null);
  }, [focusId, view.mode, load]);

  useUnsavedGuard(dirty && view.mode === 'edit', 'You have unsaved changes to this macro. Leave without saving?');

  const onDirtyChange = useCallback((value: boolean) => setDirty(value), []);

  function edit(macro: Macro | null) {
    if (view.mode === 'edit' && dirty && !window.confirm('Discard the changes to this macro?')) return;
    setStatus('');
    setConfirmingDelete(null);
    setDirty(false);
    setView({ mode: 'edit', macro, draft: macro ? draftFromMacro(macro) : emptyDraft() });
  }

  function saved(macro: Macro) {
    setDirty(false);
    setView({ mode: 'list' });
    setLoad((current) => {
      const rest = current.status === 'ready' ? current.macros.filter((m) => m.id !== macro.id) : [];
      return { status: 'ready', macros: [macro, ...rest] };
    });
    setStatus(`Saved “${macro.name}”.`);
    setFocusId(macroHeadingId(macro.id));
  }

  async function confirmDelete(macro: Macro) {
    if (deleting) return;
    setDeleting(macro.id);
    setDeleteError(null);
    try {
      await deleteMacro(macro.id);
      const before = load.status === 'ready' ? load.macros : [];
      const index = before.findIndex((m) => m.id === macro.id);
      const after = before.filter((m) => m.id !== macro.id);
      const next = after[index] ?? after[index - 1];
      setLoad((current) => (current.status === 'ready' ? { status: 'ready', macros: current.macros.filter((m) => m.id !== macro.id) } : current));
      setConfirmingDelete(null);
      setStatus(`Deleted “${macro.name}”.`);
      setFocusId(next ? macroHeadingId(next.id) : 'macros-heading');
    } catch (error) {
      const message = fail(error);
      if (message !== null) setDeleteError({ id: macro.id, message });
    } finally {
      setDeleting(null);
    }
  }

  if (view.mode === 'edit') {
    return (
      <MacroEditor
        key={view.macro?.id ?? 'new'}
        macroId={view.macro?.id ?? null}
        initial={view.draft}
        connectors={connectors ?? { status: 'loading' }}
        admins={admins ?? { status: 'loading' }}
        onRetryLists={loadLists}
        onSaved={saved}
        onCancel={() => {
          setDirty(false);
          setView({ mode: 'list' });
          if (view.macro) setFocusId(macroHeadingId(view.macro.id));
        }}
        onDirtyChange={onDirtyChange}
        {...(onUnauthorized ? { onUnauthorized } : {})}
      />
    );
  }

  return (
    <section className="settings-page macros-page" aria-labelledby="macros-heading">
      <div className="page-header">
        <h1 id="macros-heading" ref={headingRef} tabIndex={-1}>
          Macros
        </h1>
        {canEdit && load.status === 'ready' && load.macros.length > 0 && (
          <button type="button" className="primary" onClick={() => edit(null)}>
            New macro
          </button>
        )}
      </div>
      <p className="hint">
        Macros are saved sets of steps (replies, notes, tags, assignment, snoozing, data connector runs) that agents apply to a conversation from the
        composer or with <kbd>Ctrl</kbd>/<kbd>⌘</kbd>+<kbd>K</kbd>.
      </p>
      {!canEdit && <p className="notice">Only admins can create or change macros. You can see the macros visible to you.</p>}

      <p className="settings-status" role="status">
        {status}
      </p>

      {load.status === 'loading' && <Loading what="macros" />}

      {load.status === 'error' && <LoadError what="the macros" message={load.message} onRetry={() => void loadMacros()} />}

      {load.status === 'ready' && load.macros.length === 0 && (
        <div className="state empty-state">
          <h2>No macros yet</h2>
          <p>
            A macro bundles the steps agents repeat: a reply with the customer’s name filled in, a tag, a data connector lookup, closing the conversation.
          </p>
          {canEdit && (
            <button type="button" className="primary empty-action" onClick={() => edit(null)}>
              Create the first macro
            </button>
          )}
        </div>
      )}

      {load.status === 'ready' && load.macros.length > 0 && (
        <ul className="macro-list">
          {load.macros.map((macro) => (
            <li key={macro.id} className="macro-item">
              <div className="macro-item-main">
                <div className="connector-title">
                  <h2 id={macroHeadingId(macro.id)} tabIndex={-1}>
                    {macro.name || 'Untitled macro'}
                  </h2>
                  <span className={`badge ${macro.visible_to === 'me' ? 'badge-draft' : 'badge-live'}`}>{visibilityLabel(macro.visible_to)}</span>
                </div>
                <p className="description">{summarizeActions(macro)}</p>
                <p className="macro-updated">
                  Updated <time dateTime={macro.updated_at}>{formatTime(macro.updated_at)}</time>
                </p>
              </div>
              {canEdit && (
                <div className="macro-item-actions">
                  {confirmingDelete === macro.id ? (
                    <div className="macro-confirm" role="group" aria-label={`Delete ${macro.name}?`}>
                      <span>Delete this macro? This cannot be undone.</span>
                      <button
                        type="button"
                        className="danger"
                        autoFocus
                        aria-disabled={deleting === macro.id || undefined}
                        onClick={() => void confirmDelete(macro)}
                      >
                        {deleting === macro.id ? 'Deleting…' : 'Delete'}
                      </button>
                      <button
                        type="button"
                        onClick={() => {
                          setConfirmingDelete(null);
                          setDeleteError(null);
                          setFocusId(`macro-delete-${macro.id}`);
                        }}
                      >
                        Keep
                      </button>
                    </div>
                  ) : (
                    <>
                      <button type="button" onClick={() => edit(macro)} aria-label={`Edit ${macro.name}`}>
                        Edit
                      </button>
                      <button
                        id={`macro-delete-${macro.id}`}
                        type="button"
                        onClick={() => {
                          setDeleteError(null);
                          setConfirmingDelete(macro.id);
                        }}
                        aria-label={`Delete ${macro.name}`}
                      >
                        Delete
                      </button>
                    </>
                  )}
                  {deleteError?.id === macro.id && (
                    <p className="error" role="alert">
                      Could not delete: {deleteError.message}
                    </p>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default MacrosPage;

const macroHeadingId = (id: string) => `macro-${id}`;

function visibilityLabel(visibleTo: string): string {
  if (visibleTo === 'me') return 'Only me';
  if (visibleTo === 'everyone') return 'Everyone';
  return visibleTo.replace(/_/g, ' ');
}
