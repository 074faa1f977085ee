// The macro form's editable state and its conversion to and from the API's
// Macro object. Every action keeps all of its type's fields as text, so
// switching a step's type back and forth does not lose what was typed.
import type { Macro, MacroAction, MacroActionType, MacroInput, MacroVisibility } from '../../command-palette/palette-api.ts';

export interface InputRow {
  key: string;
  name: string;
  value: string;
}

export interface DraftAction {
  key: string;
  type: MacroActionType;
  body: string;
  tag: string;
  target: 'contact' | 'conversation';
  name: string;
  value: string;
  // 'me' (whoever applies the macro), '' (unassign) or an admin id.
  assignee: string;
  minutes: string;
  connectorId: string;
  inputs: InputRow[];
}

export interface MacroDraft {
  name: string;
  visibleTo: MacroVisibility;
  availableOn: string[];
  actions: DraftAction[];
}

export const ACTION_TYPES: { type: MacroActionType; label: string }[] = [
  { type: 'reply', label: 'Send a reply' },
  { type: 'note', label: 'Add an internal note' },
  { type: 'add_tag', label: 'Add a tag' },
  { type: 'remove_tag', label: 'Remove a tag' },
  { type: 'set_attribute', label: 'Set an attribute' },
  { type: 'assign', label: 'Assign' },
  { type: 'snooze', label: 'Snooze' },
  { type: 'close', label: 'Close the conversation' },
  { type: 'run_connector', label: 'Run a data connector' },
];

export const actionTypeLabel = (type: string) => ACTION_TYPES.find((entry) => entry.type === type)?.label ?? type;

let keySeed = 0;
export const newKey = () => {
  keySeed += 1;
  return `k${keySeed}`;
};

export function emptyAction(type: MacroActionType): DraftAction {
  return {
    key: newKey(),
    type,
    body: '',
    tag: '',
    target: 'contact',
    name: '',
    value: '',
    assignee: 'me',
    minutes: '60',
    connectorId: '',
    inputs: [],
  };
}

export function emptyDraft(): MacroDraft {
  return { name: '', visibleTo: 'everyone', availableOn: ['inbox'], actions: [emptyAction('reply')] };
}

export function draftFromMacro(macro: Macro): MacroDraft {
  const actions = macro.actions?.length
    ? macro.actions.map(draftAction)
    : // A macro made elsewhere with only a body: its reply is its one step.
      macro.body_text
      ? [{ ...emptyAction('reply'), body: macro.body_text }]
      : [];
  return {
    name: macro.name,
    visibleTo: macro.visible_to === 'me' ? 'me' : 'everyone',
    availableOn: macro.available_on?.length ? macro.available_on : ['inbox'],
    actions,
  };
}

function draftAction(action: MacroAction): DraftAction {
  const draft = emptyAction(action.type);
  switch (action.type) {
    case 'reply':
    case 'note':
      return { ...draft, body: action.body ?? '' };
    case 'add_tag':
    case 'remove_tag':
      return { ...draft, tag: action.tag ?? '' };
    case 'set_attribute':
      return { ...draft, target: action.target === 'conversation' ? 'conversation' : 'contact', name: action.name ?? '', value: textOf(action.value) };
    case 'assign':
      return { ...draft, assignee: action.assignee_id === null ? '' : String(action.assignee_id ?? 'me') };
    case 'snooze':
      return { ...draft, minutes: action.minutes === undefined ? '' : String(action.minutes) };
    case 'close':
      return draft;
    case 'run_connector':
      return {
        ...draft,
        connectorId: action.data_connector_id ?? '',
        inputs: Object.entries(action.inputs ?? {}).map(([name, value]) => ({ key: newKey(), name, value: textOf(value) })),
      };
  }
}

const textOf = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

export function actionFromDraft(draft: DraftAction): MacroAction {
  switch (draft.type) {
    case 'reply':
    case 'note':
      return { type: draft.type, body: draft.body };
    case 'add_tag':
    case 'remove_tag':
      return { type: draft.type, tag: draft.tag.trim() };
    case 'set_attribute':
      return { type: 'set_attribute', target: draft.target, name: draft.name.trim(), value: draft.value };
    case 'assign':
      return { type: 'assign', assignee_id: draft.assignee === '' ? null : draft.assignee };
    case 'snooze': {
      // The server names the rule when this is not a whole number of minutes.
      const text = draft.minutes.trim();
      const minutes = /^-?\d+$/.test(text) ? Number(text) : (text as unknown as number);
      return { type: 'snooze', minutes };
    }
    case 'close':
      return { type: 'close' };
    case 'run_connector': {
      const inputs: Record<string, string> = {};
      for (const row of draft.inputs) {
        const name = row.name.trim();
        if (name) inputs[name] = row.value;
      }
      return { type: 'run_connector', data_connector_id: draft.connectorId, inputs };
    }
  }
}

export function inputFromDraft(draft: MacroDraft): MacroInput {
  return {
    name: draft.name.trim(),
    visible_to: draft.visibleTo,
    available_on: draft.availableOn,
    actions: draft.actions.map(actionFromDraft),
  };
}

// Dirty when what would be saved differs (keys and untouched fields of other types do not count).
export const sameMacro = (a: MacroDraft, b: MacroDraft) => JSON.stringify(inputFromDraft(a)) === JSON.stringify(inputFromDraft(b));
