import { describe, expect, it } from 'vitest';
import { checkAudienceRules, type AudienceGroup, type AudienceRule } from '../../../../server/connectors/audiences/audience-rules.ts';
import { matchesAudience, type AudienceSubject } from '../../../../server/connectors/audiences/matches-audience.ts';

const now = new Date('2026-06-15T12:00:00Z');
const subject = (overrides: Partial<AudienceSubject> = {}, attributes: Record<string, unknown> = {}): AudienceSubject => ({
  role: 'user',
  emailVerified: false,
  identityVerified: false,
  ...overrides,
  attributes: { email: 'Ann@Example.com', name: 'Ann Lee', user_id: 'u-1', plan: 'Enterprise', seats: 12, score: '7.5', beta: true, tags: ['vip', 'EU'], signed_up_at: '2026-01-10T08:00:00Z', renewed_at: 1780000000, empty: '', nothing: null, none: [], ...attributes },
});
// Every rule used here is valid: the evaluator is only ever given checked rules.
const matches = (rule: AudienceRule, s: AudienceSubject = subject()) => {
  const group: AudienceGroup = 'all' in rule || 'any' in rule ? rule : { all: [rule] };
  expect(checkAudienceRules(group)).toEqual([]);
  return matchesAudience(group, s, now);
};
const attr = (attribute: string, operator: string, value?: unknown) => ({ type: 'attribute', attribute, operator, ...(value !== undefined && { value }) }) as AudienceRule;

describe('role', () => {
  it.each([
    ['user', 'equals', 'user', true],
    ['user', 'equals', 'lead', false],
    ['lead', 'equals', 'lead', true],
    ['visitor', 'equals', 'visitor', true],
    ['user', 'not_equals', 'lead', true],
    ['lead', 'not_equals', 'lead', false],
  ] as const)('a %s %s %s -> %s', (role, operator, value, expected) => {
    expect(matches({ type: 'role', operator, value }, subject({ role }))).toBe(expected);
  });
});

describe('email_verified and identity_verified', () => {
  it.each([
    [{ emailVerified: true }, 'email_verified', true, true],
    [{ emailVerified: false }, 'email_verified', true, false],
    [{ emailVerified: false }, 'email_verified', false, true],
    [{ emailVerified: true }, 'email_verified', false, false],
    [{ identityVerified: true }, 'identity_verified', true, true],
    [{ identityVerified: false }, 'identity_verified', true, false],
    [{ identityVerified: false }, 'identity_verified', false, true],
    [{ identityVerified: true, emailVerified: false }, 'email_verified', true, false],
  ] as const)('%o: %s = %s -> %s', (overrides, type, value, expected) => {
    expect(matches({ type, value }, subject(overrides))).toBe(expected);
  });
});

describe('attribute operators', () => {
  it.each([
    // equals: strings case-insensitively and trimmed, numbers numerically, booleans exactly, lists by element
    ['plan', 'equals', 'enterprise', true],
    ['plan', 'equals', ' ENTERPRISE ', true],
    ['plan', 'equals', 'free', false],
    ['email', 'equals', 'ann@example.com', true],
    ['user_id', 'equals', 'u-1', true],
    ['seats', 'equals', 12, true],
    ['seats', 'equals', '12', true],
    ['score', 'equals', 7.5, true],
    ['seats', 'equals', 13, false],
    ['beta', 'equals', true, true],
    ['beta', 'equals', false, false],
    ['beta', 'equals', 'true', true],
    ['tags', 'equals', 'vip', true],
    ['tags', 'equals', 'eu', true],
    ['tags', 'equals', 'us', false],
    ['missing', 'equals', 'x', false],
    ['nothing', 'equals', 'null', false],
    // not_equals is the plain negation, so a missing attribute is "not equal"
    ['plan', 'not_equals', 'free', true],
    ['plan', 'not_equals', 'Enterprise', false],
    ['missing', 'not_equals', 'x', true],
    ['tags', 'not_equals', 'vip', false],
    // contains: substrings case-insensitively, or an element of a list
    ['email', 'contains', '@EXAMPLE.com', true],
    ['name', 'contains', 'lee', true],
    ['name', 'contains', 'bob', false],
    ['tags', 'contains', 'VIP', true],
    ['tags', 'contains', 'vi', false],
    ['seats', 'contains', '1', false],
    ['missing', 'contains', 'a', false],
    // greater_than / less_than: numbers and numeric text only
    ['seats', 'greater_than', 10, true],
    ['seats', 'greater_than', 12, false],
    ['seats', 'less_than', 13, true],
    ['seats', 'less_than', 12, false],
    ['score', 'greater_than', 7, true],
    ['plan', 'greater_than', 0, false],
    ['missing', 'less_than', 100, false],
    ['beta', 'greater_than', 0, false],
    // before / after: ISO text, Unix seconds; dates are midnight UTC
    ['signed_up_at', 'after', '2026-01-01', true],
    ['signed_up_at', 'before', '2026-01-01', false],
    ['signed_up_at', 'before', '2026-01-10T09:00:00Z', true],
    ['signed_up_at', 'after', '2026-01-10T08:00:00Z', false],
    ['signed_up_at', 'before', '2026-01-10T08:00:00Z', false],
    ['renewed_at', 'after', '2026-05-01', true],
    ['renewed_at', 'before', '2026-05-29', true],
    ['plan', 'after', '2020-01-01', false],
    ['missing', 'before', '2030-01-01', false],
    ['seats', 'after', '1970-01-01', true],
    // relative dates count back from the time of the check
    ['signed_up_at', 'before', { days_ago: 30 }, true],
    ['signed_up_at', 'after', { days_ago: 30 }, false],
    ['signed_up_at', 'after', { days_ago: 200 }, true],
    ['signed_up_at', 'before', { days_ago: 0 }, true],
  ] as const)('%s %s %o -> %s', (attribute, operator, value, expected) => {
    expect(matches(attr(attribute, operator, value))).toBe(expected);
  });

  it.each([
    ['plan', true],
    ['seats', true],
    ['beta', true],
    ['tags', true],
    ['empty', false],
    ['nothing', false],
    ['none', false],
    ['missing', false],
  ])('exists %s -> %s, not_exists the opposite', (attribute, present) => {
    expect(matches(attr(attribute, 'exists'))).toBe(present);
    expect(matches(attr(attribute, 'not_exists'))).toBe(!present);
  });

  it('reads standard attributes and custom ones by name, and never the prototype', () => {
    const s = subject({}, { email: null });
    expect(matches(attr('email', 'exists'), s)).toBe(false);
    expect(matches(attr('constructor', 'exists'), s)).toBe(false);
    expect(matches(attr('toString', 'equals', 'x'), s)).toBe(false);
  });

  it('counts "days ago" from the time it is given', () => {
    const rule: AudienceGroup = { all: [attr('signed_up_at', 'after', { days_ago: 7 })] };
    const fresh = subject({}, { signed_up_at: '2026-06-10T00:00:00Z' });
    expect(matchesAudience(rule, fresh, now)).toBe(true);
    expect(matchesAudience(rule, fresh, new Date('2026-06-30T00:00:00Z'))).toBe(false);
  });
});

describe('groups', () => {
  const yes = { type: 'role', operator: 'equals', value: 'user' } as const;
  const no = { type: 'role', operator: 'equals', value: 'lead' } as const;
  it.each([
    [{ all: [yes] }, true],
    [{ all: [yes, yes] }, true],
    [{ all: [yes, no] }, false],
    [{ any: [no, yes] }, true],
    [{ any: [no, no] }, false],
    [{ any: [no, { all: [yes, yes] }] }, true],
    [{ all: [yes, { any: [no, { all: [no] }] }] }, false],
    [{ all: [{ any: [{ any: [{ any: [yes] }] }] }] }, true],
  ] as const)('%j -> %s', (rules, expected) => {
    expect(matches(rules as unknown as AudienceGroup)).toBe(expected);
  });

  it('combines kinds of rules (enterprise users with a verified email, or anyone identity-verified)', () => {
    const rules: AudienceGroup = {
      any: [
        { all: [{ type: 'role', operator: 'equals', value: 'user' }, attr('plan', 'equals', 'enterprise'), { type: 'email_verified', value: true }] },
        { type: 'identity_verified', value: true },
      ],
    };
    expect(matchesAudience(rules, subject({ emailVerified: true }), now)).toBe(true);
    expect(matchesAudience(rules, subject({ emailVerified: false }), now)).toBe(false);
    expect(matchesAudience(rules, subject({ role: 'lead', identityVerified: true }), now)).toBe(true);
    expect(matchesAudience(rules, subject({ emailVerified: true }, { plan: 'free' }), now)).toBe(false);
  });
});
