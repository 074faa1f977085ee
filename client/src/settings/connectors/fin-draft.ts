// The Fin tab's working copy: direct or manual use and the audience, with the
// custom rules as a tree of keyed nodes the rule builder edits.
import type { AttributeOperator, AudienceGroupJson, AudienceMode, AudienceRuleJson, ContactRole, FinFields } from './fin-api.ts';

let keySeed = 0;
const newKey = () => `r${++keySeed}`;

export type RuleNode =
  | { key: string; kind: 'group'; match: 'all' | 'any'; children: RuleNode[] }
  | { key: string; kind: 'role'; operator: 'equals' | 'not_equals'; value: ContactRole }
  // `original` keeps a loaded value's JSON type (a number stays a number) while its text is unchanged.
  | { key: string; kind: 'attribute'; attribute: string; operator: AttributeOperator; text: string; original: unknown }
  | { key: string; kind: 'email_verified' | 'identity_verified'; value: boolean };
export type GroupNode = Extract<RuleNode, { kind: 'group' }>;

export interface FinDraft {
  direct: boolean;
  mode: AudienceMode;
  // Kept while another mode is picked, so switching back loses nothing; only the chosen mode is sent.
  audienceIds: string[];
  rules: GroupNode;
}

export const ATTRIBUTE_OPERATORS: { value: AttributeOperator; label: string; needsValue: boolean }[] = [
  { value: 'equals', label: 'equals', needsValue: true },
  { value: 'not_equals', label: 'does not equal', needsValue: true },
  { value: 'contains', label: 'contains', needsValue: true },
  { value: 'exists', label: 'is set', needsValue: false },
  { value: 'not_exists', label: 'is not set', needsValue: false },
  { value: 'greater_than', label: 'is greater than', needsValue: true },
  { value: 'less_than', label: 'is less than', needsValue: true },
  { value: 'before', label: 'is before', needsValue: true },
  { value: 'after', label: 'is after', needsValue: true },
];

export const newGroup = (match: 'all' | 'any' = 'all', children: RuleNode[] = []): GroupNode => ({ key: newKey(), kind: 'group', match, children });
export const newRoleRule = (): RuleNode => ({ key: newKey(), kind: 'role', operator: 'equals', value: 'user' });
export const newAttributeRule = (): RuleNode => ({ key: newKey(), kind: 'attribute', attribute: '', operator: 'equals', text: '', original: undefined });
export const newVerifiedRule = (): RuleNode => ({ key: newKey(), kind: 'email_verified', value: true });

export const emptyFinDraft = (): FinDraft => ({ direct: false, mode: 'everyone', audienceIds: [], rules: newGroup() });

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object' && 'days_ago' in value) return `${String((value as { days_ago: unknown }).days_ago)} days ago`;
  return String(value);
}

function nodeFromJson(rule: AudienceRuleJson): RuleNode {
  if ('all' in rule) return newGroup('all', rule.all.map(nodeFromJson));
  if ('any' in rule) return newGroup('any', rule.any.map(nodeFromJson));
  switch (rule.type) {
    case 'role':
      return { key: newKey(), kind: 'role', operator: rule.operator, value: rule.value };
    case 'attribute':
      return { key: newKey(), kind: 'attribute', attribute: rule.attribute, operator: rule.operator, text: textOf(rule.value), original: rule.value };
    default:
      return { key: newKey(), kind: rule.type, value: rule.value };
  }
}

export function finDraftFromDetail(detail: Partial<FinFields>): FinDraft {
  const rules = detail.audience_rules ? nodeFromJson(detail.audience_rules) : null;
  return {
    direct: detail.direct_fin_usage ?? false,
    mode: detail.audience_mode ?? 'everyone',
    audienceIds: [...(detail.audience_ids ?? [])],
    rules: rules?.kind === 'group' ? rules : newGroup(),
  };
}

const NUMBER = /^-?\d+(\.\d+)?$/;
// "30" or "30 days ago"; a date is written with dashes (2026-01-31).
const DAYS_AGO = /^(\d{1,5})(\s*days?\s*ago)?$/i;

// What the admin typed, as the API's value for the operator. Text the operator
// cannot take is sent as it is, so the server's error names the rule's field.
function valueOf(node: Extract<RuleNode, { kind: 'attribute' }>): unknown {
  const text = node.text.trim();
  if (node.original !== undefined && text === textOf(node.original)) return node.original;
  switch (node.operator) {
    case 'greater_than':
    case 'less_than':
      return NUMBER.test(text) ? Number(text) : text;
    case 'before':
    case 'after': {
      const days = DAYS_AGO.exec(text);
      return days ? { days_ago: Number(days[1]) } : text;
    }
    case 'equals':
    case 'not_equals':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

function jsonFromNode(node: RuleNode): AudienceRuleJson {
  switch (node.kind) {
    case 'group':
      return node.match === 'all' ? { all: node.children.map(jsonFromNode) } : { any: node.children.map(jsonFromNode) };
    case 'role':
      return { type: 'role', operator: node.operator, value: node.value };
    case 'attribute': {
      const needsValue = ATTRIBUTE_OPERATORS.find((o) => o.value === node.operator)?.needsValue ?? true;
      return { type: 'attribute', attribute: node.attribute.trim(), operator: node.operator, ...(needsValue && { value: valueOf(node) }) };
    }
    default:
      return { type: node.kind, value: node.value };
  }
}

export function writeFin(fin: FinDraft): FinFields {
  return {
    direct_fin_usage: fin.direct,
    audience_mode: fin.mode,
    audience_ids: fin.mode === 'audiences' ? fin.audienceIds : [],
    audience_rules: fin.mode === 'custom' ? (jsonFromNode(fin.rules) as AudienceGroupJson) : null,
  };
}

// The API field path of each node ("audience_rules.all.1"), for placing server errors.
export function childPath(groupPath: string, group: GroupNode, index: number) {
  return `${groupPath}.${group.match}.${index}`;
}

// Replaces the node with `key` anywhere in the tree (or removes it with null).
export function updateNode(group: GroupNode, key: string, next: RuleNode | null): GroupNode {
  const children: RuleNode[] = [];
  for (const child of group.children) {
    if (child.key === key) {
      if (next) children.push(next);
    } else children.push(child.kind === 'group' ? updateNode(child, key, next) : child);
  }
  return { ...group, children };
}

// One line for the draft-vs-live diff.
export function describeAudience(fields: Partial<FinFields>): string {
  if (fields.audience_mode === 'audiences') return `Reusable audiences ${(fields.audience_ids ?? []).join(', ')}`;
  if (fields.audience_mode === 'custom') return `Custom rules ${JSON.stringify(fields.audience_rules)}`;
  return 'Everyone';
}
