import { stepLabel, type Macro, type MacroAction } from './palette-api.ts';

// Every word of the query must appear in the name or the text of the macro.
export function matchesQuery(macro: Macro, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = `${macro.name} ${macro.body_text ?? ''}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function summarizeActions(macro: Pick<Macro, 'actions' | 'body_text'>): string {
  const actions: MacroAction[] = macro.actions ?? [];
  if (actions.length === 0) return macro.body_text ? truncate(macro.body_text, 80) : 'No actions';
  const labels = actions.map((action) => stepLabel(action.type));
  return `${actions.length} ${actions.length === 1 ? 'step' : 'steps'}: ${labels.join(', ')}`;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
