import { isPlainObject } from '../../connectors/pipeline/own-json.ts';
import { splitPath } from '../../connectors/pipeline/read-path.ts';
import { applyFormatter, shapedKeyPath } from '../../connectors/pipeline/shape-response.ts';

// The deterministic agent's words to the customer. Replies about data are
// built only from what the pipeline handed over (the shaped data): every line
// is a value that is in it, so nothing the admin restricted can leak in
// through a template.

export type ShapingMode = 'full_access' | 'redacted_access' | 'code_block_transformation';

export interface ReplyField {
  path: string;
  label?: string | null;
  formatter?: string | null;
  formatter_options?: Record<string, unknown> | null;
}

export interface ComposeDataOptions {
  mode: ShapingMode;
  // The connector's response fields, for customer-facing labels and formatters.
  fields?: ReplyField[];
}

// How many entries of a list are shown before "and N more".
const LIST_PREVIEW = 3;

const MAX_DEPTH = 4;

function humanize(name: string): string {
  const text = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.\-\s]+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/\b(id|url|sku|otp|api)\b/g, (w) => w.toUpperCase());
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Labeller {
  // The label and formatted value for the value at `keys` (keys as they are in the data).
  present(keys: string[], value: unknown, fallback?: string): { label: string; value: unknown };
}

function labellerFor(options: ComposeDataOptions): Labeller {
  const fields = options.fields ?? [];
  if (options.mode === 'redacted_access') {
    // shapeResponse already put labelled fields under their label and applied
    // every formatter; formatting again would change values (an amount of 1200
    // minor units becomes 12, then 0.12).
    const byKey = new Map(fields.map((f) => [shapedKeyPath(f).join('.'), f]));
    return {
      present: (keys, value, fallback) => {
        const field = byKey.get(keys.join('.'));
        return { label: field?.label ? field.label : (fallback ?? humanize(keys.join(' '))), value };
      },
    };
  }
  if (options.mode === 'full_access') {
    const byPath = new Map(fields.map((f) => [splitPath(f.path).join('.'), f]));
    return {
      present: (keys, value, fallback) => {
        const field = byPath.get(keys.join('.'));
        const label = field?.label || (fallback ?? humanize(keys.join(' ')));
        if (!field) return { label, value };
        return { label, value: applyFormatter(value, field.formatter, field.formatter_options).value };
      },
    };
  }
  return { present: (keys, value, fallback) => ({ label: fallback ?? humanize(keys.join(' ')), value }) };
}

function scalarText(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

// One line for a list entry: "Label: v, Label: v" for objects.
function inlineText(value: unknown, keys: string[], labeller: Labeller): string {
  if (isPlainObject(value)) {
    const parts = Object.entries(value)
      .filter(([, v]) => !isPlainObject(v) && !Array.isArray(v))
      .map(([k, v]) => {
        const shown = labeller.present([...keys, k], v, humanize(k));
        return `${shown.label}: ${scalarText(shown.value)}`;
      });
    return parts.join(', ') || 'details';
  }
  if (Array.isArray(value)) return `${value.length} ${value.length === 1 ? 'item' : 'items'}`;
  return scalarText(value);
}

function listLines(label: string, list: unknown[], keys: string[], labeller: Labeller): string[] {
  if (list.length === 0) return [`${label}: none`];
  const shown = list.slice(0, LIST_PREVIEW);
  const more = list.length - shown.length;
  const count = `${list.length} ${list.length === 1 ? 'item' : 'items'}`;
  if (shown.every((v) => !isPlainObject(v) && !Array.isArray(v))) {
    return [`${label}: ${count}: ${shown.map(scalarText).join(', ')}${more > 0 ? ` and ${more} more` : ''}`];
  }
  // Entries of a list share their labels: "lines.data.0.amount" is labelled like "lines.data.amount".
  return [`${label}: ${count}`, ...shown.map((v) => `- ${inlineText(v, keys, labeller)}`), ...(more > 0 ? [`- and ${more} more`] : [])];
}

function objectLines(value: Record<string, unknown>, keys: string[], labeller: Labeller, depth: number): string[] {
  const lines: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...keys, key];
    if (isPlainObject(child) && depth < MAX_DEPTH) {
      lines.push(...objectLines(child, path, labeller, depth + 1));
      continue;
    }
    const shown = labeller.present(path, child);
    if (Array.isArray(shown.value)) lines.push(...listLines(shown.label, shown.value, path, labeller));
    else lines.push(`${shown.label}: ${isPlainObject(shown.value) ? inlineText(shown.value, path, labeller) : scalarText(shown.value)}`);
  }
  return lines;
}

export const NO_DETAILS_REPLY = "I looked that up but didn't find any details to share.";

// The body of the reply: the shaped data as the customer should read it.
export function composeDataReply(data: unknown, options: ComposeDataOptions): string {
  // A code block's output is what its author chose to show; it is passed on as written.
  if (options.mode === 'code_block_transformation' && typeof data === 'string') return data.trim() === '' ? NO_DETAILS_REPLY : data;
  const labeller = labellerFor(options);
  let lines: string[];
  if (Array.isArray(data)) lines = listLines('Results', data, [], labeller);
  else if (isPlainObject(data)) lines = objectLines(data, [], labeller, 0);
  else if (data === null || data === undefined || data === '') lines = [];
  else lines = [scalarText(data)];
  return lines.length === 0 ? NO_DETAILS_REPLY : `Here's what I found:\n${lines.join('\n')}`;
}

export interface AskableInput {
  name: string;
  description?: string | null;
}

// For use inside a sentence: the first letter lower-cased, unless the text
// starts with an acronym ("API key", "SMS resend").
export function lowerFirst(text: string): string {
  const trimmed = text.trim();
  if (/^[A-Z]{2,}\b/.test(trimmed)) return trimmed;
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}

// "order_id" -> "order ID", "api_key" -> "API key": a field's name as it reads inside a sentence.
export const plainName = (name: string): string => lowerFirst(humanize(name));

// "a", "a and b", "a, b and c".
export function joinWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// Asks for what extract-inputs could not fill. Invalid ones say what was wrong.
export function askForInputsReply(missing: AskableInput[], invalid: (AskableInput & { reason?: string })[] = []): string {
  const lines: string[] = [];
  for (const input of invalid) lines.push(`The ${plainName(input.name)} I have doesn't look right${input.reason ? ` (${input.reason})` : ''}.`);
  const wanted = [...invalid, ...missing].map((input) => `your ${plainName(input.name)}`);
  if (wanted.length === 0) return lines.join(' ');
  lines.push(`To look that up, could you tell me ${joinWords(wanted)}?`);
  return lines.join(' ');
}

export const HANDOFF_REPLY = "I'm not sure I can answer that one myself, so I've passed your question to the team. Someone will reply here.";
export const RUN_FAILURE_REPLY = "I couldn't get that information right now; I've passed this to the team.";
