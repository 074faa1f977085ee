// The editor's working copy of a connector, and how it maps to the API.
import type { ConnectorDetail, ConnectorWrite, HttpMethod, InputType } from './connector-api.ts';
import { dataDraftFromDetail, describeData, emptyDataDraft, writeData, type DataDraft } from './data-draft.ts';
import { describeAudience, emptyFinDraft, finDraftFromDetail, writeFin, type FinDraft } from './fin-draft.ts';

// Header values are write-only: the server answers "****" and keeps the stored
// value when "****" comes back.
export const STORED_VALUE = '****';

let keySeed = 0;
export const newKey = () => `k${++keySeed}`;

export interface InputRow {
  key: string;
  name: string;
  type: InputType;
  description: string;
  required: boolean;
  defaultValue: string;
}

export interface HeaderRow {
  key: string;
  name: string;
  // Empty with `stored` = keep the value the server has.
  value: string;
  stored: boolean;
}

export interface ConnectorDraft {
  name: string;
  description: string;
  exampleQuestions: { key: string; text: string }[];
  inputs: InputRow[];
  method: HttpMethod;
  url: string;
  headers: HeaderRow[];
  body: string;
  tokenIds: string[];
  customerAuthentication: boolean;
  bypassAuthentication: boolean;
  // The Data tab (data-draft.ts).
  data: DataDraft;
  // The Fin tab (fin-draft.ts).
  fin: FinDraft;
}

export const INPUT_TYPES: { value: InputType; label: string }[] = [
  { value: 'string', label: 'Text' },
  { value: 'integer', label: 'Number' },
  { value: 'decimal', label: 'Decimal number' },
  { value: 'boolean', label: 'True/false' },
];

export const METHODS: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

export function emptyDraft(): ConnectorDraft {
  return {
    name: '',
    description: '',
    exampleQuestions: [],
    inputs: [],
    method: 'get',
    url: '',
    headers: [],
    body: '',
    tokenIds: [],
    customerAuthentication: false,
    bypassAuthentication: false,
    data: emptyDataDraft(),
    fin: emptyFinDraft(),
  };
}

export const emptyInput = (): InputRow => ({ key: newKey(), name: '', type: 'string', description: '', required: true, defaultValue: '' });

export function draftFromDetail(detail: ConnectorDetail): ConnectorDraft {
  return {
    name: detail.name,
    description: detail.description ?? '',
    exampleQuestions: (detail.example_questions ?? []).map((text) => ({ key: newKey(), text })),
    inputs: detail.data_inputs.map((i) => ({ key: newKey(), name: i.name, type: i.type, description: i.description ?? '', required: i.required, defaultValue: i.default_value ?? '' })),
    method: detail.http_method,
    url: detail.url ?? '',
    headers: detail.headers.map((h) => ({ key: newKey(), name: h.name, value: '', stored: true })),
    body: detail.body ?? '',
    tokenIds: [...detail.token_ids],
    customerAuthentication: detail.customer_authentication,
    bypassAuthentication: detail.bypass_authentication,
    data: dataDraftFromDetail(detail),
    fin: finDraftFromDetail(detail),
  };
}

export function writeFromDraft(draft: ConnectorDraft): ConnectorWrite {
  return {
    name: draft.name.trim(),
    description: draft.description,
    example_questions: draft.exampleQuestions.map((q) => q.text.trim()).filter(Boolean),
    data_inputs: draft.inputs.map((i) => ({ name: i.name.trim(), type: i.type, description: i.description, required: i.required, default_value: i.defaultValue })),
    http_method: draft.method,
    url: draft.url.trim(),
    headers: draft.headers
      .filter((h) => h.name.trim() || h.value)
      .map((h) => ({ name: h.name.trim(), value: h.stored && h.value === '' ? STORED_VALUE : h.value })),
    ...(draft.method !== 'get' && { body: draft.body }),
    token_ids: draft.tokenIds,
    customer_authentication: draft.customerAuthentication,
    bypass_authentication: draft.bypassAuthentication,
    ...writeData(draft.data),
    ...writeFin(draft.fin),
  };
}

// Row keys differ between loads; compare what would be sent.
export const sameDraft = (a: ConnectorDraft, b: ConnectorDraft) => JSON.stringify(writeFromDraft(a)) === JSON.stringify(writeFromDraft(b));

// --- the draft-vs-live diff shown before publishing -----------------------

export interface FieldChange {
  label: string;
  before: string;
  after: string;
}

function describe(detail: ConnectorDetail): Record<string, string> {
  return {
    Name: detail.name,
    Description: detail.description ?? '',
    'Example questions': (detail.example_questions ?? []).join(' · '),
    'Data inputs': detail.data_inputs.map((i) => `${i.name} (${i.type}${i.required ? ', required' : ''}${i.default_value ? `, default ${i.default_value}` : ''})${i.description ? `: ${i.description}` : ''}`).join('; '),
    Method: detail.http_method.toUpperCase(),
    URL: detail.url ?? '',
    // Values are never shown, so only names can be compared.
    Headers: detail.headers.map((h) => h.name).join(', '),
    Body: detail.body ?? '',
    'Auth tokens': [...detail.token_ids].sort().join(', '),
    'Customer authentication': detail.customer_authentication ? 'On' : 'Off',
    'Bypass authentication': detail.bypass_authentication ? 'On' : 'Off',
    ...describeData(detail),
    'Direct use by the AI agent': detail.direct_fin_usage ? 'On' : 'Off (manual)',
    Audience: describeAudience(detail),
  };
}

export function diffVersions(live: ConnectorDetail | null, draft: ConnectorDetail): FieldChange[] {
  const after = describe(draft);
  const before = live ? describe(live) : null;
  return Object.entries(after)
    .filter(([label, value]) => (before ? before[label] !== value : value !== ''))
    .map(([label, value]) => ({ label, before: before?.[label] ?? '', after: value }));
}

// --- {{variable}} checks, as server/connectors/template-variables.ts does -----

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export const STANDARD_CONTEXT_VARIABLES: Record<string, readonly string[]> = {
  user: ['id', 'user_id', 'email', 'name', 'role'],
  conversation: ['id', 'state', 'title', 'assignee_id'],
  company: ['id', 'company_id', 'name'],
  conversation_part: ['body'],
};

export interface VariableProblem {
  name: string;
  message: string;
  // Custom attributes are defined on the server; an unknown attribute of a known scope may still be one.
  severity: 'error' | 'warning';
}

export function checkTemplate(text: string, inputNames: readonly string[]): VariableProblem[] {
  const problems: VariableProblem[] = [];
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push({ name: '', message: 'unbalanced {{ }}: every {{ needs a matching }}', severity: 'error' });
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    const problem = explainVariable(name, inputNames);
    if (problem) problems.push(problem);
  }
  return problems;
}

function explainVariable(name: string, inputNames: readonly string[]): VariableProblem | null {
  if (name === '') return { name, message: 'an empty {{}} placeholder', severity: 'error' };
  if (inputNames.includes(name)) return null;
  const dot = name.indexOf('.');
  if (dot === -1) return { name, message: `unknown variable {{${name}}}: add a data input named "${name}" or use user.*, conversation.*, company.*`, severity: 'error' };
  const scope = name.slice(0, dot);
  const attribute = name.slice(dot + 1);
  if (scope === 'auth_tokens' && /^[A-Za-z_][\w-]*$/.test(attribute)) return null;
  const standard = STANDARD_CONTEXT_VARIABLES[scope];
  if (!standard) return { name, message: `unknown variable {{${name}}}: "${scope}" is not a data input or one of user, conversation, company, conversation_part, auth_tokens`, severity: 'error' };
  if (standard.includes(attribute)) return null;
  if (scope === 'conversation_part') return { name, message: `unknown variable {{${name}}}: conversation_part has no attribute "${attribute}" (standard: body)`, severity: 'error' };
  return { name, message: `{{${name}}} is not a standard ${scope} attribute (${standard.join(', ')}); it must be a custom attribute defined in settings, checked when you save`, severity: 'warning' };
}

// Suggestions for the `{{` being typed at `caret`, or null when the caret is not inside one.
export function variableSuggestions(text: string, caret: number, inputNames: readonly string[]): { from: number; prefix: string; options: string[] } | null {
  const before = text.slice(0, caret);
  const open = before.lastIndexOf('{{');
  if (open === -1 || before.lastIndexOf('}}') > open) return null;
  const prefix = before.slice(open + 2).trimStart();
  if (/[\s{}]/.test(prefix)) return null;
  const all = [
    ...inputNames.filter(Boolean),
    ...Object.entries(STANDARD_CONTEXT_VARIABLES).flatMap(([scope, names]) => names.map((n) => `${scope}.${n}`)),
  ];
  const options = all.filter((option) => option.toLowerCase().startsWith(prefix.toLowerCase()) && option !== prefix).slice(0, 12);
  return options.length > 0 ? { from: open, prefix, options } : null;
}
