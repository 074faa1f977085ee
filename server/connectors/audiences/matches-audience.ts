// Whether a contact is in an audience: a pure function of the rules, what is
// known about the contact, and the time (for "days ago" rules).
import { parseRuleDate, type AttributeRule, type AudienceRule, type ContactRoleValue, type DateValue } from './audience-rules.ts';

export interface AudienceSubject {
  role: ContactRoleValue;
  // Standard attributes (email, name, user_id) and custom attributes, by name.
  attributes: Record<string, unknown>;
  // The contact proved it owns its current email (one-time code).
  emailVerified: boolean;
  // The messenger was booted with a valid identity JWT.
  identityVerified: boolean;
}

const DAY_MS = 86_400_000;
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;

export function matchesAudience(rules: AudienceRule, subject: AudienceSubject, now: Date): boolean {
  if ('all' in rules) return rules.all.every((rule) => matchesAudience(rule, subject, now));
  if ('any' in rules) return rules.any.some((rule) => matchesAudience(rule, subject, now));
  switch (rules.type) {
    case 'role':
      return (subject.role === rules.value) === (rules.operator === 'equals');
    case 'email_verified':
      return subject.emailVerified === rules.value;
    case 'identity_verified':
      return subject.identityVerified === rules.value;
    case 'attribute':
      return matchesAttribute(rules, Object.hasOwn(subject.attributes, rules.attribute) ? subject.attributes[rules.attribute] : undefined, now);
  }
}

function matchesAttribute(rule: AttributeRule, value: unknown, now: Date): boolean {
  switch (rule.operator) {
    case 'exists':
      return exists(value);
    case 'not_exists':
      return !exists(value);
    case 'equals':
      return equalsValue(value, rule.value);
    case 'not_equals':
      // The plain negation: a contact without the attribute is "not equal".
      return !equalsValue(value, rule.value);
    case 'contains': {
      const needle = rule.value.toLowerCase();
      if (Array.isArray(value)) return value.some((item) => equalsValue(item, rule.value));
      return typeof value === 'string' && value.toLowerCase().includes(needle);
    }
    case 'greater_than':
    case 'less_than': {
      const n = numberFrom(value);
      if (n === undefined) return false;
      return rule.operator === 'greater_than' ? n > rule.value : n < rule.value;
    }
    case 'before':
    case 'after': {
      const at = dateFrom(value);
      const threshold = thresholdOf(rule.value, now);
      if (at === undefined || threshold === undefined) return false;
      return rule.operator === 'before' ? at < threshold : at > threshold;
    }
  }
}

function exists(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

function equalsValue(value: unknown, expected: string | number | boolean): boolean {
  if (Array.isArray(value)) return value.some((item) => !Array.isArray(item) && equalsValue(item, expected));
  if (typeof expected === 'boolean') return value === expected || (typeof value === 'string' && value.trim().toLowerCase() === String(expected));
  if (typeof expected === 'number') return numberFrom(value) === expected;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value).trim().toLowerCase() === expected.trim().toLowerCase();
  }
  return false;
}

function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) return Number(value.trim());
  return undefined;
}

// Attribute dates are ISO 8601 text, Date objects, or numbers of Unix seconds
// (how Intercom-style APIs send dates).
function dateFrom(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const parsed = parseRuleDate(value.trim());
    if (parsed) return parsed.getTime();
    const loose = Date.parse(value);
    return /^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !Number.isNaN(loose) ? loose : undefined;
  }
  return undefined;
}

function thresholdOf(value: DateValue, now: Date): number | undefined {
  if (typeof value === 'string') return parseRuleDate(value)?.getTime();
  return now.getTime() - value.days_ago * DAY_MS;
}
