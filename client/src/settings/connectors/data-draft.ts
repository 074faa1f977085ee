// The Data tab's part of the editor's working copy: how the response is shaped
// (full, restricted fields or code), what is logged, and the object mappings.
import type { AccessMode, ConnectorDetail, Formatter, ObjectMapping, ResponseField, ResponseLogging } from './connector-api.ts';
import { newKey } from './connector-draft.ts';

export interface MappingRow {
  key: string;
  // A full response path, e.g. "customer.plan".
  path: string;
  target: 'user' | 'conversation';
  attribute: string;
}

export interface DataDraft {
  access: AccessMode;
  fields: ResponseField[];
  code: string;
  logging: ResponseLogging;
  mappings: MappingRow[];
}

export const ACCESS_MODES: { value: AccessMode; label: string; hint: string }[] = [
  { value: 'full_access', label: 'Full access', hint: 'Callers, including the AI agent, get the whole response.' },
  { value: 'redacted_access', label: 'Manually restrict access', hint: 'Callers get only the fields checked below, under their customer-facing names, formatted.' },
  { value: 'code_block_transformation', label: 'Use code to filter or transform the response', hint: 'Callers get what your Python code returns.' },
];

export const FORMATTERS: { value: Formatter; label: string }[] = [
  { value: 'none', label: 'None (as is)' },
  { value: 'boolean_text', label: 'True/false as text' },
  { value: 'unix_seconds_to_iso', label: 'Unix seconds to date' },
  { value: 'unix_ms_to_iso', label: 'Unix milliseconds to date' },
  { value: 'minor_units_to_amount', label: 'Minor units to amount (1234 → 12.34)' },
  { value: 'zero_as_text', label: 'Zero as text' },
];

// The option each formatter takes, shown as one text field (see server/connectors/pipeline/shape-response.ts).
export const FORMATTER_OPTIONS: Partial<Record<Formatter, { name: string; label: string; placeholder: string }[]>> = {
  boolean_text: [
    { name: 'true_text', label: 'Text for true', placeholder: 'Yes' },
    { name: 'false_text', label: 'Text for false', placeholder: 'No' },
  ],
  minor_units_to_amount: [{ name: 'currency', label: 'Currency', placeholder: 'EUR' }],
  zero_as_text: [{ name: 'text', label: 'Text for zero', placeholder: 'No unpaid balance' }],
};

export const LOGGING: { value: ResponseLogging; label: string }[] = [
  { value: 'full', label: 'Entire response' },
  { value: 'redacted_formatted', label: 'Redacted and formatted fields only' },
  { value: 'none', label: 'No response data' },
];

export const emptyDataDraft = (): DataDraft => ({ access: 'full_access', fields: [], code: '', logging: 'full', mappings: [] });

const joinPath = (base: string, path: string) => (base ? `${base}.${path}` : path);

export function dataDraftFromDetail(detail: ConnectorDetail): DataDraft {
  return {
    access: detail.data_transformation_type ?? 'full_access',
    fields: (detail.response_fields ?? []).map((f) => ({ ...f })),
    code: detail.code_block ?? '',
    logging: detail.response_logging ?? 'full',
    // One row per attribute: mappings grouped under an object path are flattened to full paths.
    mappings: (detail.object_mappings ?? []).flatMap((m) =>
      m.attribute_mappings.map((a) => ({ key: newKey(), path: joinPath(m.response_object_path, a.response_attribute_path), target: m.intercom_object_type, attribute: a.intercom_attribute_identifier })),
    ),
  };
}

// One mapping per row, so the server's object_mappings.<i>... errors point at row i.
export function writeData(data: DataDraft) {
  return {
    data_transformation_type: data.access,
    response_fields: data.fields,
    code_block: data.code.trim() === '' ? null : data.code,
    response_logging: data.logging,
    object_mappings: data.mappings.map(
      (row): ObjectMapping => ({
        response_object_path: '',
        intercom_object_type: row.target,
        attribute_mappings: [{ response_attribute_path: row.path.trim(), intercom_attribute_identifier: row.attribute.trim(), mapping_type: 'primitive_mapping' }],
        reference_mappings: [],
      }),
    ),
  };
}

const NEW_FIELD_SETTINGS = { redacted: false, label: null, formatter: null, formatter_options: null, selected: false } as const;

// Fields derived from a new response, keeping what the admin already set on paths that still exist.
export function mergeFields(next: Pick<ResponseField, 'path' | 'type' | 'example_value'>[], current: ResponseField[]): ResponseField[] {
  const known = new Map(current.map((f) => [f.path, f]));
  return next.map((f) => ({ ...(known.get(f.path) ?? NEW_FIELD_SETTINGS), path: f.path, type: f.type, example_value: f.example_value }));
}

export interface TreeNode {
  name: string;
  path: string;
  // Index into DataDraft.fields when this node is a field.
  fieldIndex: number | null;
  children: TreeNode[];
}

// The response fields as a tree: paths are dot-separated; objects are inner nodes.
export function fieldTree(fields: ResponseField[]): TreeNode[] {
  const root: TreeNode = { name: '', path: '', fieldIndex: null, children: [] };
  fields.forEach((field, index) => {
    let node = root;
    const parts = field.path.split('.');
    parts.forEach((part, depth) => {
      const path = parts.slice(0, depth + 1).join('.');
      let child = node.children.find((c) => c.path === path);
      if (!child) {
        child = { name: part, path, fieldIndex: null, children: [] };
        node.children.push(child);
      }
      if (depth === parts.length - 1) child.fieldIndex = index;
      node = child;
    });
  });
  return root.children;
}

// "ZeroDivisionError: division by zero (line 3)" -> 3
export function errorLine(error: string | null): number | null {
  const match = error ? /\(line (\d+)\)\s*$/.exec(error) ?? /\bline (\d+)\b/.exec(error) : null;
  return match ? Number(match[1]) : null;
}

// The Data tab's settings as text, for the draft-vs-live diff before publishing.
export function describeData(detail: ConnectorDetail): Record<string, string> {
  const fields = detail.response_fields ?? [];
  return {
    'Data access': ACCESS_MODES.find((m) => m.value === (detail.data_transformation_type ?? 'full_access'))?.label ?? '',
    'Exposed fields': fields
      .filter((f) => f.selected)
      .map((f) => `${f.path}${f.label ? ` as "${f.label}"` : ''}${f.formatter && f.formatter !== 'none' ? ` (${f.formatter})` : ''}`)
      .join(', '),
    'Redacted in logs': fields.filter((f) => f.redacted).map((f) => f.path).join(', '),
    'Code block': detail.code_block ?? '',
    'Response logging': LOGGING.find((l) => l.value === (detail.response_logging ?? 'full'))?.label ?? '',
    'Object mappings': dataDraftFromDetail(detail)
      .mappings.map((m) => `${m.path} → ${m.target === 'user' ? 'contact' : 'conversation'}.${m.attribute}`)
      .join(', '),
  };
}
