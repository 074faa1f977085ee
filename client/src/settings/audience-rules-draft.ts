// The audience editor's flat rule rows, to and from the server's rule language
// (one group of predicates; nested groups are edited as JSON).
import type { AttributeDefinition, AudienceRules } from './settings-api.ts';

export type PredicateKind = 'role' | 'attribute' | 'email_verified' | 'identity_verified';
export const ATTRIBUTE_OPERATORS = [
  { value: 'equals', label: 'is' },
  { value: 'not_equals', label: 'is not' },
  { value: 'contains', label: 'contains' },
  { value: 'exists', label: 'is set' },
  { value: 'not_exists', label: 'is not set' },
  { value: 'greater_than', label: 'is greater than' },
  { value: 'less_than', label: 'is less than' },
  { value: 'before', label: 'is before' },
  { value: 'after', label: 'is after' },
] as const;
export const STANDARD_ATTRIBUTES = ['email', 'name', 'user_id'] as const;

export interface RuleRow {
  kind: PredicateKind;
  attribute: string;
  operator: string;
  value: string;
}

export interface RulesDraft {
  match: 'all' | 'any';
  rows: RuleRow[];
}

export const newRow = (): RuleRow => ({ kind: 'attribute', attribute: 'email', operator: 'exists', value: '' });

const DAYS_AGO = /^(\d+)\s*days?\s*ago$/i;

// null when the rules hold something the rows cannot show (a nested group).
export function rowsFromRules(rules: AudienceRules): RulesDraft | null {
  const match = 'all' in rules ? 'all' : 'any';
  const items = 'all' in rules ? rules.all : rules.any;
  const rows: RuleRow[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) return null;
    const rule = item as Record<string, unknown>;
    if ('all' in rule || 'any' in rule) return null;
    const value = rule.value;
    const text =
      value === undefined ? ''
      : typeof value === 'object' && value !== null && 'days_ago' in value ? `${(value as { days_ago: number }).days_ago} days ago`
      : String(value);
    if (rule.type === 'role') rows.push({ kind: 'role', attribute: '', operator: String(rule.operator), value: text });
    else if (rule.type === 'attribute') rows.push({ kind: 'attribute', attribute: String(rule.attribute), operator: String(rule.operator), value: text });
    else if (rule.type === 'email_verified' || rule.type === 'identity_verified') rows.push({ kind: rule.type, attribute: '', operator: 'equals', value: text });
    else return null;
  }
  return { match, rows };
}

function attributeValue(row: RuleRow, definitions: AttributeDefinition[]): unknown {
  const type = definitions.find((d) => d.target === 'contact' && d.name === row.attribute)?.data_type;
  const text = row.value.trim();
  if (row.operator === 'greater_than' || row.operator === 'less_than') return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  if (row.operator === 'before' || row.operator === 'after') {
    const days = DAYS_AGO.exec(text);
    return days ? { days_ago: Number(days[1]) } : text;
  }
  if ((row.operator === 'equals' || row.operator === 'not_equals') && (type === 'integer' || type === 'decimal') && text !== '' && Number.isFinite(Number(text))) return Number(text);
  if ((row.operator === 'equals' || row.operator === 'not_equals') && type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return row.value;
}

// Values the server will judge (and name the rule at fault) are passed on as typed.
export function rulesFromRows(draft: RulesDraft, definitions: AttributeDefinition[]): AudienceRules {
  const items = draft.rows.map((row) => {
    if (row.kind === 'role') return { type: 'role', operator: row.operator, value: row.value };
    if (row.kind === 'email_verified' || row.kind === 'identity_verified') return { type: row.kind, value: row.value === 'true' };
    if (row.operator === 'exists' || row.operator === 'not_exists') return { type: 'attribute', attribute: row.attribute, operator: row.operator };
    return { type: 'attribute', attribute: row.attribute, operator: row.operator, value: attributeValue(row, definitions) };
  });
  return draft.match === 'all' ? { all: items } : { any: items };
}

export function describeRules(rules: AudienceRules): string {
  const match = 'all' in rules ? 'all' : 'any';
  const items = 'all' in rules ? rules.all : rules.any;
  const parts = items.map((item) => {
    const rule = item as Record<string, unknown>;
    if ('all' in rule || 'any' in rule) return '(a group of rules)';
    if (rule.type === 'role') return `role ${rule.operator === 'equals' ? 'is' : 'is not'} ${String(rule.value)}`;
    if (rule.type === 'email_verified') return rule.value ? 'email verified' : 'email not verified';
    if (rule.type === 'identity_verified') return rule.value ? 'identity verified' : 'identity not verified';
    const op = ATTRIBUTE_OPERATORS.find((o) => o.value === rule.operator)?.label ?? String(rule.operator);
    const value = rule.value === undefined ? '' : typeof rule.value === 'object' && rule.value !== null ? ` ${(rule.value as { days_ago: number }).days_ago} days ago` : ` ${JSON.stringify(rule.value)}`;
    return `${String(rule.attribute)} ${op}${value}`;
  });
  if (parts.length === 0) return 'Everyone (no rules)';
  return parts.join(match === 'all' ? ' and ' : ' or ');
}
