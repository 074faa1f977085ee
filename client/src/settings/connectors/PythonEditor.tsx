// A Python code editor (CodeMirror 6). CodeMirror is imported on first use so it
// stays out of the inbox bundle; until it has loaded, a plain textarea does the job.
import { useEffect, useRef, useState } from 'react';
import type { EditorView } from '@codemirror/view';
import type { StateEffectType } from '@codemirror/state';

interface PythonEditorProps {
  id: string;
  labelId: string;
  describedBy?: string;
  value: string;
  onChange(value: string): void;
  // 1-based line to highlight (the line a test run failed on), or null.
  errorLine: number | null;
  invalid: boolean;
}

type Loaded = { view: EditorView; setErrorLine: StateEffectType<number | null> };

async function loadCodeMirror() {
  const [view, state, python, language, commands] = await Promise.all([
    import('@codemirror/view'),
    import('@codemirror/state'),
    import('@codemirror/lang-python'),
    import('@codemirror/language'),
    import('@codemirror/commands'),
  ]);
  return { view, state, python, language, commands };
}

export function PythonEditor({ id, labelId, describedBy, value, onChange, errorLine, invalid }: PythonEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const loaded = useRef<Loaded | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const valueRef = useRef(value);
  valueRef.current = value;
  const errorLineRef = useRef(errorLine);
  errorLineRef.current = errorLine;
  const [status, setStatus] = useState<'loading' | 'ready' | 'failed'>('loading');

  useEffect(() => {
    let cancelled = false;
    loadCodeMirror()
      .then(({ view: cm, state: st, python, language, commands }) => {
        if (cancelled || !host.current) return;
        const setErrorLine = st.StateEffect.define<number | null>();
        const errorLineField = st.StateField.define({
          create: () => cm.Decoration.none,
          update(decorations, tr) {
            let next = decorations.map(tr.changes);
            for (const effect of tr.effects) {
              if (!effect.is(setErrorLine)) continue;
              const line = effect.value;
              next = line !== null && line >= 1 && line <= tr.state.doc.lines ? cm.Decoration.set([cm.Decoration.line({ class: 'cm-error-line' }).range(tr.state.doc.line(line).from)]) : cm.Decoration.none;
            }
            return next;
          },
          provide: (field) => cm.EditorView.decorations.from(field),
        });
        const view = new cm.EditorView({
          parent: host.current,
          state: st.EditorState.create({
            doc: valueRef.current,
            extensions: [
              cm.lineNumbers(),
              cm.highlightActiveLineGutter(),
              cm.drawSelection(),
              commands.history(),
              // Undo/redo and the usual editing keys; Tab is left alone so keyboard users can leave the editor.
              cm.keymap.of([...commands.defaultKeymap, ...commands.historyKeymap]),
              python.python(),
              language.syntaxHighlighting(language.defaultHighlightStyle),
              language.indentOnInput(),
              st.EditorState.tabSize.of(4),
              errorLineField,
              cm.EditorView.contentAttributes.of({ 'aria-labelledby': labelId, 'aria-multiline': 'true', role: 'textbox', id, ...(describedBy && { 'aria-describedby': describedBy }) }),
              cm.EditorView.updateListener.of((update) => {
                if (update.docChanged) onChangeRef.current(update.state.doc.toString());
              }),
            ],
          }),
        });
        view.dispatch({ effects: setErrorLine.of(errorLineRef.current) });
        loaded.current = { view, setErrorLine };
        setStatus('ready');
      })
      .catch(() => !cancelled && setStatus('failed'));
    return () => {
      cancelled = true;
      loaded.current?.view.destroy();
      loaded.current = null;
    };
    // The editor is created once; later values arrive through the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Text set from outside (an accepted suggestion) replaces the document.
  useEffect(() => {
    const view = loaded.current?.view;
    if (view && view.state.doc.toString() !== value) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
  }, [value, status]);

  useEffect(() => {
    const current = loaded.current;
    if (current) current.view.dispatch({ effects: current.setErrorLine.of(errorLine) });
  }, [errorLine, status]);

  return (
    <div className={`python-editor${invalid ? ' is-invalid' : ''}`} data-testid="code-editor">
      <div ref={host} hidden={status !== 'ready'} />
      {status !== 'ready' && (
        <textarea
          id={id}
          aria-labelledby={labelId}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          rows={14}
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-busy={status === 'loading' || undefined}
        />
      )}
      {status === 'failed' && <p className="hint">The code editor could not load; this plain text box works the same.</p>}
    </div>
  );
}
