// The rule language of audiences (reusable ones and a connector's custom one).
//
//   rules      = group
//   group      = { "all": [rule, ...] }  (AND)  |  { "any": [rule, ...] }  (OR)
//   rule       = group | predicate
//   predicate  = { "type": "role", "operator": "equals" | "not_equals", "value": "user" | "lead" | "visitor" }
//              | { "type": "attribute", "attribute": name, "operator": op, "value"?: ... }
//              | { "type": "email_verified", "value": true | false }
//              | { "type": "identity_verified", "value": true | false }
//
// Attribute names are the standard contact attributes (email, name, user_id)
// or the contact's custom attributes; a standard name wins over a custom one.
// Operators and their values:
//   equals, not_equals          string (case-insensitive), number or boolean
//   contains                    non-empty string (substring, case-insensitive; or an element of a list)
//   exists, not_exists          no value; empty strings, empty lists and null do not exist
//   greater_than, less_than     number
//   before, after               a date ("2026-01-31" is midnight UTC, or a full ISO 8601 time)
//                               or { "days_ago": n }, relative to the time of the check
// Validation (parseAudienceRules) reports every problem with its path.
import { z } from 'zod';
import { isPlainObject as isObject } from '../pipeline/own-json.ts';

export const CONTACT_ROLES = ['user', 'lead', 'visitor'] as const;
export type ContactRoleValue = (typeof CONTACT_ROLES)[number];
export const STANDARD_AUDIENCE_ATTRIBUTES = ['email', 'name', 'user_id'] as const;
export const ATTRIBUTE_OPERATORS = ['equals', 'not_equals', 'contains', 'exists', 'not_exists', 'greater_than', 'less_than', 'before', 'after'] as const;
export type AttributeOperator = (typeof ATTRIBUTE_OPERATORS)[number];

export type DateValue = string | { days_ago: number };
export type RoleRule = { type: 'role'; operator: 'equals' | 'not_equals'; value: ContactRoleValue };
export type AttributeRule =
  | { type: 'attribute'; attribute: string; operator: 'equals' | 'not_equals'; value: string | number | boolean }
  | { type: 'attribute'; attribute: string; operator: 'contains'; value: string }
  | { type: 'attribute'; attribute: string; operator: 'exists' | 'not_exists' }
  | { type: 'attribute'; attribute: string; operator: 'greater_than' | 'less_than'; value: number }
  | { type: 'attribute'; attribute: string; operator: 'before' | 'after'; value: DateValue };
export type VerifiedRule = { type: 'email_verified' | 'identity_verified'; value: boolean };
export type AudiencePredicate = RoleRule | AttributeRule | VerifiedRule;
export type AudienceGroup = { all: AudienceRule[] } | { any: AudienceRule[] };
export type AudienceRule = AudienceGroup | AudiencePredicate;

export const MAX_RULE_DEPTH = 5;
export const MAX_RULES_PER_GROUP = 50;
export const MAX_PREDICATES = 100;
const MAX_DAYS_AGO = 36_500;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/;

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : JSON.stringify(v));
const list = (values: readonly string[]) => values.join(', ');

// Midnight UTC for a date, the instant for a date-time; null when it is no real date.
export function parseRuleDate(text: string): Date | null {
  if (!ISO_DATE.test(text)) return null;
  const date = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) return null;
  // "2026-02-30" parses to March 2nd: refuse dates that are not on the calendar.
  if (date.toISOString().slice(0, 10) !== text.slice(0, 10) && text.length === 10) return null;
  return date;
}

function checkKeys(node: Record<string, unknown>, allowed: string[], path: (string | number)[], issues: RuleIssue[]) {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key)) issues.push({ path: [...path, key], message: `unknown key "${key}" (allowed here: ${allowed.join(', ')})` });
  }
}

function checkAttributeValue(node: Record<string, unknown>, operator: AttributeOperator, path: (string | number)[], issues: RuleIssue[]) {
  const at = [...path, 'value'];
  const has = Object.hasOwn(node, 'value');
  const value = node.value;
  switch (operator) {
    case 'exists':
    case 'not_exists':
      if (has) issues.push({ path: at, message: `${operator} takes no value` });
      return;
    case 'equals':
    case 'not_equals':
      if (!has) issues.push({ path: at, message: `${operator} needs a value (a string, number or boolean)` });
      else if (typeof value === 'string' ? value.length > 1000 : typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'boolean') {
        issues.push({ path: at, message: `${operator} needs a string (at most 1000 characters), number or boolean, not ${describe(value)}` });
      }
      return;
    case 'contains':
      if (typeof value !== 'string' || value.length === 0 || value.length > 1000) {
        issues.push({ path: at, message: `contains needs a non-empty string (at most 1000 characters)${has ? `, not ${describe(value)}` : ''}` });
      }
      return;
    case 'greater_than':
    case 'less_than':
      if (typeof value !== 'number' || !Number.isFinite(value)) issues.push({ path: at, message: `${operator} needs a number${has ? `, not ${describe(value)}` : ''}` });
      return;
    case 'before':
    case 'after':
      if (typeof value === 'string') {
        if (!parseRuleDate(value)) issues.push({ path: at, message: `${operator} needs a date like "2026-01-31" or "2026-01-31T12:00:00Z", not ${describe(value)}` });
      } else if (isObject(value)) {
        checkKeys(value, ['days_ago'], at, issues);
        const days = value.days_ago;
        if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_DAYS_AGO) {
          issues.push({ path: [...at, 'days_ago'], message: `days_ago must be a whole number of days from 0 to ${MAX_DAYS_AGO}` });
        }
      } else {
        issues.push({ path: at, message: `${operator} needs a date like "2026-01-31" or { "days_ago": 30 }${has ? `, not ${describe(value)}` : ''}` });
      }
      return;
  }
}

function checkPredicate(node: Record<string, unknown>, path: (string | number)[], issues: RuleIssue[]) {
  const type = node.type;
  switch (type) {
    case 'role': {
      checkKeys(node, ['type', 'operator', 'value'], path, issues);
      if (node.operator !== 'equals' && node.operator !== 'not_equals') issues.push({ path: [...path, 'operator'], message: 'a role rule\'s operator must be one of: equals, not_equals' });
      if (!CONTACT_ROLES.includes(node.value as ContactRoleValue)) issues.push({ path: [...path, 'value'], message: `role must be one of: ${list(CONTACT_ROLES)}` });
      return;
    }
    case 'email_verified':
    case 'identity_verified': {
      checkKeys(node, ['type', 'value'], path, issues);
      if (typeof node.value !== 'boolean') issues.push({ path: [...path, 'value'], message: `${type} needs value true or false` });
      return;
    }
    case 'attribute': {
      checkKeys(node, ['type', 'attribute', 'operator', 'value'], path, issues);
      const attribute = node.attribute;
      if (typeof attribute !== 'string' || !ATTRIBUTE_NAME.test(attribute)) {
        issues.push({ path: [...path, 'attribute'], message: 'attribute must name a contact attribute (email, name, user_id or a custom attribute)' });
      } else if (attribute === 'role') {
        issues.push({ path: [...path, 'attribute'], message: 'use { "type": "role", ... } to test the contact\'s role' });
      }
      const operator = node.operator;
      if (!ATTRIBUTE_OPERATORS.includes(operator as AttributeOperator)) {
        issues.push({ path: [...path, 'operator'], message: `operator must be one of: ${list(ATTRIBUTE_OPERATORS)}` });
        return;
      }
      checkAttributeValue(node, operator as AttributeOperator, path, issues);
      return;
    }
    default:
      issues.push({ path: [...path, 'type'], message: `type must be one of: role, attribute, email_verified, identity_verified${type === undefined ? ' (or use a group: { "all": [...] } / { "any": [...] })' : ''}` });
  }
}

function checkRule(node: unknown, path: (string | number)[], depth: number, issues: RuleIssue[], counter: { predicates: number }) {
  if (!isObject(node)) {
    issues.push({ path, message: `a rule must be an object, not ${describe(node)}` });
    return;
  }
  const isGroup = Object.hasOwn(node, 'all') || Object.hasOwn(node, 'any');
  if (!isGroup) {
    counter.predicates++;
    checkPredicate(node, path, issues);
    return;
  }
  if (Object.hasOwn(node, 'all') && Object.hasOwn(node, 'any')) {
    issues.push({ path, message: 'a group has either "all" (every rule must match) or "any" (one rule must match), not both: nest one group in the other' });
    return;
  }
  const key = Object.hasOwn(node, 'all') ? 'all' : 'any';
  checkKeys(node, [key], path, issues);
  if (depth > MAX_RULE_DEPTH) {
    issues.push({ path, message: `groups may be nested at most ${MAX_RULE_DEPTH} deep` });
    return;
  }
  const children = node[key];
  if (!Array.isArray(children) || children.length === 0 || children.length > MAX_RULES_PER_GROUP) {
    issues.push({ path: [...path, key], message: `"${key}" must be a list of 1 to ${MAX_RULES_PER_GROUP} rules` });
    return;
  }
  children.forEach((child, i) => checkRule(child, [...path, key, i], depth + 1, issues, counter));
}

// Every problem in a rule tree; [] when it is valid. The top must be a group.
export function checkAudienceRules(rules: unknown): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (!isObject(rules) || !(Object.hasOwn(rules, 'all') || Object.hasOwn(rules, 'any'))) {
    issues.push({ path: [], message: 'rules must be a group: { "all": [...] } (every rule must match) or { "any": [...] } (one rule must match)' });
    return issues;
  }
  const counter = { predicates: 0 };
  checkRule(rules, [], 1, issues, counter);
  if (counter.predicates > MAX_PREDICATES) issues.push({ path: [], message: `an audience may have at most ${MAX_PREDICATES} rules` });
  return issues;
}

// The zod schema the API bodies use: each problem becomes an issue at its path.
export const audienceRulesSchema = z.unknown().transform((value, ctx) => {
  const issues = checkAudienceRules(value);
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  return (issues.length > 0 ? z.NEVER : value) as AudienceGroup;
});

// The attribute names a rule tree reads (to check that they exist).
export function attributesOf(rule: AudienceRule, path: (string | number)[] = []): { attribute: string; path: (string | number)[] }[] {
  if ('all' in rule) return rule.all.flatMap((r, i) => attributesOf(r, [...path, 'all', i]));
  if ('any' in rule) return rule.any.flatMap((r, i) => attributesOf(r, [...path, 'any', i]));
  return rule.type === 'attribute' ? [{ attribute: rule.attribute, path: [...path, 'attribute'] }] : [];
}
