// A text field for a template with `{{variable}}` autocomplete (an ARIA
// combobox) and the unknown-variable check as you type.
import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { checkTemplate, variableSuggestions } from './connector-draft.ts';

interface TemplateFieldProps {
  id: string;
  label: string;
  value: string;
  inputNames: readonly string[];
  multiline?: boolean;
  hint?: string;
  serverErrors: string[];
  onChange(value: string): void;
}

export function TemplateField({ id, label, value, inputNames, multiline, hint, serverErrors, onChange }: TemplateFieldProps) {
  const listId = useId();
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  const problems = useMemo(() => checkTemplate(value, inputNames), [value, inputNames]);
  const suggestions = caret === null || dismissed ? null : variableSuggestions(value, caret, inputNames);
  const open = suggestions !== null;
  const activeIndex = open ? Math.min(active, suggestions.options.length - 1) : 0;

  function accept(option: string) {
    if (!suggestions) return;
    const after = value.slice(caret ?? value.length);
    const closing = after.trimStart().startsWith('}}') ? '' : '}}';
    const next = `${value.slice(0, suggestions.from)}{{${option}${closing}${after}`;
    const position = suggestions.from + 2 + option.length + (closing ? 2 : after.indexOf('}}') + 2);
    onChange(next);
    setDismissed(true);
    requestAnimationFrame(() => {
      ref.current?.setSelectionRange(position, position);
      setCaret(position);
    });
  }

  function onKeyDown(event: KeyboardEvent) {
    if (!open) return;
    if (event.key === 'ArrowDown') setActive((activeIndex + 1) % suggestions.options.length);
    else if (event.key === 'ArrowUp') setActive((activeIndex - 1 + suggestions.options.length) % suggestions.options.length);
    else if (event.key === 'Enter' || event.key === 'Tab') accept(suggestions.options[activeIndex]!);
    else if (event.key === 'Escape') setDismissed(true);
    else return;
    event.preventDefault();
  }

  const track = (target: HTMLInputElement | HTMLTextAreaElement) => setCaret(target.selectionStart);
  const errors = [...problems.filter((p) => p.severity === 'error').map((p) => p.message), ...serverErrors];
  const warnings = problems.filter((p) => p.severity === 'warning').map((p) => p.message);
  const describedBy = [`${id}-hint`, errors.length > 0 && `${id}-errors`, warnings.length > 0 && `${id}-warnings`].filter(Boolean).join(' ');
  const common = {
    id,
    ref,
    value,
    role: 'combobox',
    'aria-autocomplete': 'list' as const,
    'aria-expanded': open,
    'aria-controls': listId,
    'aria-activedescendant': open ? `${listId}-${activeIndex}` : undefined,
    'aria-invalid': errors.length > 0 || undefined,
    'aria-describedby': describedBy,
    spellCheck: false,
    autoComplete: 'off',
    onKeyDown,
    onBlur: () => setDismissed(true),
    onSelect: (event: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => track(event.currentTarget),
  };

  return (
    <div className="field template-field">
      <label htmlFor={id}>{label}</label>
      <div className="template-wrap">
        {multiline ? (
          <textarea
            {...common}
            rows={5}
            onChange={(event) => {
              setDismissed(false);
              onChange(event.target.value);
              track(event.target);
            }}
          />
        ) : (
          <input
            {...common}
            type="text"
            onChange={(event) => {
              setDismissed(false);
              onChange(event.target.value);
              track(event.target);
            }}
          />
        )}
        <ul id={listId} role="listbox" aria-label={`Variables for ${label}`} className="template-suggestions" hidden={!open}>
          {open &&
            suggestions.options.map((option, index) => (
              <li
                key={option}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === activeIndex}
                // mousedown keeps focus in the field, so the blur does not close the list first.
                onMouseDown={(event) => {
                  event.preventDefault();
                  accept(option);
                }}
              >
                {`{{${option}}}`}
              </li>
            ))}
        </ul>
      </div>
      <p id={`${id}-hint`} className="hint">
        {hint ?? 'Type {{ to insert a data input or an attribute (user.*, conversation.*, company.*, conversation_part.body).'}
      </p>
      {errors.length > 0 && (
        <ul id={`${id}-errors`} className="field-errors" role="alert">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {warnings.length > 0 && (
        <ul id={`${id}-warnings`} className="field-warnings">
          {warnings.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
