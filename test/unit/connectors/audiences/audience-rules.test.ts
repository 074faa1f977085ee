import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { attributesOf, audienceRulesSchema, checkAudienceRules, MAX_PREDICATES, MAX_RULE_DEPTH, type AudienceGroup } from '../../../../server/connectors/audiences/audience-rules.ts';

const issuesOf = (rules: unknown) => checkAudienceRules(rules).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('checkAudienceRules', () => {
  it('accepts every kind of rule, nested', () => {
    const rules = {
      all: [
        { type: 'role', operator: 'not_equals', value: 'visitor' },
        { type: 'email_verified', value: true },
        { type: 'identity_verified', value: false },
        {
          any: [
            { type: 'attribute', attribute: 'email', operator: 'contains', value: '@acme.com' },
            { type: 'attribute', attribute: 'plan', operator: 'equals', value: 'enterprise' },
            { type: 'attribute', attribute: 'seats', operator: 'greater_than', value: 10 },
            { type: 'attribute', attribute: 'seats', operator: 'less_than', value: 1000.5 },
            { type: 'attribute', attribute: 'beta', operator: 'not_equals', value: false },
            { type: 'attribute', attribute: 'user_id', operator: 'exists' },
            { type: 'attribute', attribute: 'churned_at', operator: 'not_exists' },
            { type: 'attribute', attribute: 'signed_up_at', operator: 'before', value: '2026-01-31' },
            { type: 'attribute', attribute: 'signed_up_at', operator: 'after', value: '2026-01-31T12:00:00+02:00' },
            { type: 'attribute', attribute: 'signed_up_at', operator: 'after', value: { days_ago: 30 } },
          ],
        },
      ],
    };
    expect(checkAudienceRules(rules)).toEqual([]);
  });

  it.each([
    [null, ': rules must be a group'],
    [[], ': rules must be a group'],
    [{ type: 'role', operator: 'equals', value: 'user' }, ': rules must be a group'],
    [{ all: [] }, 'all: "all" must be a list of 1 to 50 rules'],
    [{ any: 'x' }, 'any: "any" must be a list of 1 to 50 rules'],
    [{ all: [{ type: 'role', operator: 'equals', value: 'user' }], any: [] }, ': a group has either "all"'],
    [{ all: [{ type: 'role', operator: 'equals', value: 'user' }], extra: 1 }, 'extra: unknown key "extra"'],
    [{ all: ['user'] }, 'all.0: a rule must be an object, not "user"'],
    [{ all: [{ operator: 'equals' }] }, 'all.0.type: type must be one of: role, attribute, email_verified, identity_verified (or use a group'],
    [{ all: [{ type: 'segment' }] }, 'all.0.type: type must be one of'],
    [{ all: [{ type: 'role', operator: 'contains', value: 'user' }] }, "all.0.operator: a role rule's operator must be one of: equals, not_equals"],
    [{ all: [{ type: 'role', operator: 'equals', value: 'admin' }] }, 'all.0.value: role must be one of: user, lead, visitor'],
    [{ all: [{ type: 'email_verified', value: 'yes' }] }, 'all.0.value: email_verified needs value true or false'],
    [{ all: [{ type: 'identity_verified' }] }, 'all.0.value: identity_verified needs value true or false'],
    [{ all: [{ type: 'attribute', operator: 'exists' }] }, 'all.0.attribute: attribute must name a contact attribute'],
    [{ all: [{ type: 'attribute', attribute: 'role', operator: 'equals', value: 'user' }] }, 'all.0.attribute: use { "type": "role", ... }'],
    [{ all: [{ type: 'attribute', attribute: 'plan', operator: 'is', value: 'x' }] }, 'all.0.operator: operator must be one of: equals, not_equals, contains, exists, not_exists, greater_than, less_than, before, after'],
    [{ all: [{ type: 'attribute', attribute: 'plan', operator: 'equals' }] }, 'all.0.value: equals needs a value'],
    [{ all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: null }] }, 'all.0.value: equals needs a string (at most 1000 characters), number or boolean, not null'],
    [{ all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: ['a'] }] }, 'all.0.value: equals needs a string'],
    [{ all: [{ type: 'attribute', attribute: 'plan', operator: 'contains', value: '' }] }, 'all.0.value: contains needs a non-empty string'],
    [{ all: [{ type: 'attribute', attribute: 'plan', operator: 'exists', value: true }] }, 'all.0.value: exists takes no value'],
    [{ all: [{ type: 'attribute', attribute: 'seats', operator: 'greater_than', value: '10' }] }, 'all.0.value: greater_than needs a number, not "10"'],
    [{ all: [{ type: 'attribute', attribute: 'at', operator: 'before', value: '31/01/2026' }] }, 'all.0.value: before needs a date like "2026-01-31"'],
    [{ all: [{ type: 'attribute', attribute: 'at', operator: 'before', value: '2026-02-30' }] }, 'all.0.value: before needs a date'],
    [{ all: [{ type: 'attribute', attribute: 'at', operator: 'after', value: { days_ago: -1 } }] }, 'all.0.value.days_ago: days_ago must be a whole number of days from 0 to 36500'],
    [{ all: [{ type: 'attribute', attribute: 'at', operator: 'after', value: { days_ago: 1.5 } }] }, 'all.0.value.days_ago: days_ago must be a whole number'],
    [{ all: [{ type: 'attribute', attribute: 'at', operator: 'after', value: { days: 3 } }] }, 'all.0.value.days: unknown key "days"'],
    [{ all: [{ type: 'attribute', attribute: 'at', operator: 'after', value: 1767225600 }] }, 'all.0.value: after needs a date like "2026-01-31" or { "days_ago": 30 }, not 1767225600'],
  ])('%j is refused: %s', (rules, expected) => {
    expect(issuesOf(rules).some((issue) => issue.startsWith(expected))).toBe(true);
  });

  it('reports every problem, each at its path', () => {
    const issues = issuesOf({ any: [{ type: 'role', operator: 'equals', value: 'admin' }, { all: [{ type: 'attribute', attribute: 'plan', operator: 'equals' }] }] });
    expect(issues).toEqual(['any.0.value: role must be one of: user, lead, visitor', 'any.1.all.0.value: equals needs a value (a string, number or boolean)']);
  });

  it('bounds nesting depth, group size and rule count', () => {
    let deep: unknown = { type: 'role', operator: 'equals', value: 'user' };
    for (let i = 0; i < MAX_RULE_DEPTH; i++) deep = { all: [deep] };
    expect(checkAudienceRules(deep)).toEqual([]);
    expect(issuesOf({ all: [deep] }).join()).toContain(`groups may be nested at most ${MAX_RULE_DEPTH} deep`);
    const leaf = { type: 'email_verified', value: true };
    expect(issuesOf({ all: Array(51).fill(leaf) }).join()).toContain('1 to 50 rules');
    expect(checkAudienceRules({ all: [{ all: Array(50).fill(leaf) }, { all: Array(50).fill(leaf) }] })).toEqual([]);
    expect(issuesOf({ all: [{ all: Array(50).fill(leaf) }, { all: Array(50).fill(leaf) }, leaf] }).join()).toContain(`at most ${MAX_PREDICATES} rules`);
  });
});

describe('audienceRulesSchema', () => {
  it('turns each problem into a zod issue under the field it sits in', () => {
    const schema = z.strictObject({ rules: audienceRulesSchema });
    const result = schema.safeParse({ rules: { all: [{ type: 'role', operator: 'equals', value: 'admin' }] } });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['rules.all.0.value', 'role must be one of: user, lead, visitor']]);
    expect(schema.parse({ rules: { any: [{ type: 'email_verified', value: true }] } }).rules).toEqual({ any: [{ type: 'email_verified', value: true }] });
  });
});

describe('attributesOf', () => {
  it('lists the attributes a rule tree reads, with their paths', () => {
    const rules: AudienceGroup = { all: [{ type: 'attribute', attribute: 'plan', operator: 'exists' }, { any: [{ type: 'email_verified', value: true }, { type: 'attribute', attribute: 'email', operator: 'contains', value: '@' }] }] };
    expect(attributesOf(rules)).toEqual([
      { attribute: 'plan', path: ['all', 0, 'attribute'] },
      { attribute: 'email', path: ['all', 1, 'any', 1, 'attribute'] },
    ]);
  });
});
