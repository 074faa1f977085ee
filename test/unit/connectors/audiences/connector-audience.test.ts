import { describe, expect, it } from 'vitest';
import type { AudienceGroup } from '../../../../server/connectors/audiences/audience-rules.ts';
import { audienceSubject } from '../../../../server/connectors/audiences/audience-subject.ts';
import { audienceRefusal, resolveConnectorAudience } from '../../../../server/connectors/audiences/connector-audience.ts';
import type { Contact, DataConnectorVersion } from '../../../../server/db/generated/sqlite/client.ts';
import { AppError } from '../../../../server/http/app-error.ts';

const enterprise: AudienceGroup = { all: [{ type: 'attribute', attribute: 'plan', operator: 'equals', value: 'enterprise' }] };
const verified: AudienceGroup = { all: [{ type: 'email_verified', value: true }] };
const now = new Date('2026-06-15T12:00:00Z');

const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).errors.map((e) => `${e.field}: ${e.message}`);
  }
  throw new Error('expected a 422');
};

describe('resolveConnectorAudience', () => {
  const current = { audienceMode: 'everyone' as const, audienceIds: [], audienceRules: null };

  it('leaves the columns alone when the body does not touch them', () => {
    expect(resolveConnectorAudience({}, current)).toBeUndefined();
  });

  it('infers the mode from what is given, and clears what the mode does not use', () => {
    expect(resolveConnectorAudience({ audience_ids: ['3', '3', '4'] }, current)).toEqual({ audienceMode: 'audiences', audienceIds: ['3', '4'], audienceRules: null });
    expect(resolveConnectorAudience({ audience_rules: enterprise }, current)).toEqual({ audienceMode: 'custom', audienceIds: [], audienceRules: enterprise });
    const custom = { audienceMode: 'custom' as const, audienceIds: [], audienceRules: enterprise };
    expect(resolveConnectorAudience({ audience_mode: 'everyone' }, custom)).toEqual({ audienceMode: 'everyone', audienceIds: [], audienceRules: null });
    expect(resolveConnectorAudience({ audience_ids: ['7'] }, custom)).toEqual({ audienceMode: 'audiences', audienceIds: ['7'], audienceRules: null });
    // Switching back to custom keeps nothing from before but what is given.
    expect(resolveConnectorAudience({ audience_mode: 'custom', audience_rules: verified }, { audienceMode: 'audiences', audienceIds: ['7'], audienceRules: null })).toEqual({ audienceMode: 'custom', audienceIds: [], audienceRules: verified });
    // An explicit mode with the stored selection.
    expect(resolveConnectorAudience({ audience_mode: 'custom' }, custom)).toEqual({ audienceMode: 'custom', audienceIds: [], audienceRules: enterprise });
  });

  it('refuses reusable audiences and custom rules together, and modes without what they need', () => {
    expect(errorsOf(() => resolveConnectorAudience({ audience_ids: ['1'], audience_rules: enterprise }, current))).toEqual([
      'audience_rules: audience_rules: a connector targets reusable audiences (audience_ids) or a custom audience (audience_rules), not both',
    ]);
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'custom', audience_ids: ['1'], audience_rules: enterprise }, current))[0]).toContain('not both');
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'audiences', audience_ids: ['1'], audience_rules: enterprise }, current))[0]).toContain('not both');
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'audiences' }, current))).toEqual(['audience_ids: audience_ids: choose at least one audience for audience_mode "audiences"']);
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'audiences', audience_ids: [] }, { ...current, audienceMode: 'audiences', audienceIds: ['2'] }))[0]).toContain('choose at least one audience');
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'custom' }, current))[0]).toContain('audience_mode "custom" needs rules');
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'custom', audience_rules: null }, { ...current, audienceMode: 'custom', audienceRules: enterprise }))[0]).toContain('needs rules');
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'everyone', audience_ids: ['1'] }, current))[0]).toContain('only apply with audience_mode "audiences"');
    expect(errorsOf(() => resolveConnectorAudience({ audience_mode: 'everyone', audience_rules: enterprise }, current))[0]).toContain('only apply with audience_mode "custom"');
  });
});

const contact = (overrides: Partial<Contact> = {}) =>
  ({ role: 'user', email: 'ann@example.test', name: 'Ann', externalId: 'u-1', customAttributes: { plan: 'enterprise' }, emailVerifiedAt: null, verifiedEmail: null, ...overrides }) as Contact;
const version = (overrides: Partial<DataConnectorVersion> = {}) =>
  ({ name: 'Get invoices', audiences: ['users', 'leads', 'visitors'], audienceMode: 'everyone', audienceIds: [], audienceRules: null, ...overrides }) as DataConnectorVersion;
const refusal = (v: DataConnectorVersion, c: Contact, audiences = new Map<string, AudienceGroup>(), identityVerified = false) =>
  audienceRefusal(v, audienceSubject(c, { identityVerified }), audiences, now);

describe('audienceRefusal', () => {
  it('lets everyone in by default', () => {
    expect(refusal(version(), contact({ role: 'visitor' }))).toBeNull();
  });

  it('applies the reference roles first; an empty list restricts nothing', () => {
    expect(refusal(version({ audiences: ['users'] }), contact({ role: 'lead' }))).toBe('"Get invoices" is only available to users; this contact is a lead');
    expect(refusal(version({ audiences: ['leads', 'visitors'] }), contact({ role: 'user' }))).toContain('only available to leads and visitors');
    expect(refusal(version({ audiences: ['users'] }), contact())).toBeNull();
    expect(refusal(version({ audiences: [] }), contact({ role: 'visitor' }))).toBeNull();
  });

  it('needs at least one of the reusable audiences to match', () => {
    const audiences = new Map([['1', enterprise], ['2', verified]]);
    const targeting = version({ audienceMode: 'audiences', audienceIds: ['1', '2'] });
    expect(refusal(targeting, contact(), audiences)).toBeNull();
    expect(refusal(targeting, contact({ customAttributes: { plan: 'free' } }), audiences)).toBe('this contact is not in the audience of "Get invoices"');
    expect(refusal(targeting, contact({ customAttributes: { plan: 'free' }, emailVerifiedAt: now, verifiedEmail: 'ann@example.test' }), audiences)).toBeNull();
    // An audience that no longer exists matches nobody.
    expect(refusal(version({ audienceMode: 'audiences', audienceIds: ['9'] }), contact(), audiences)).not.toBeNull();
  });

  it('evaluates custom rules, including identity verification from the messenger', () => {
    const custom = version({ audienceMode: 'custom', audienceRules: { any: [{ type: 'identity_verified', value: true }] } as never });
    expect(refusal(custom, contact())).not.toBeNull();
    expect(refusal(custom, contact(), new Map(), true)).toBeNull();
    expect(refusal(version({ audienceMode: 'custom', audienceRules: null }), contact())).not.toBeNull();
  });
});

describe('audienceSubject', () => {
  it('puts standard attributes over custom ones of the same name', () => {
    const subject = audienceSubject(contact({ customAttributes: { email: 'spoof@evil.test', plan: 'pro' } }), undefined);
    expect(subject.attributes).toMatchObject({ email: 'ann@example.test', plan: 'pro', user_id: 'u-1', name: 'Ann' });
    expect(subject.identityVerified).toBe(false);
  });

  it('counts an email as verified only while it is the address that was verified', () => {
    expect(audienceSubject(contact({ emailVerifiedAt: now, verifiedEmail: 'ANN@example.test' }), undefined).emailVerified).toBe(true);
    expect(audienceSubject(contact({ emailVerifiedAt: now, verifiedEmail: 'old@example.test' }), undefined).emailVerified).toBe(false);
    expect(audienceSubject(contact({ emailVerifiedAt: null, verifiedEmail: 'ann@example.test' }), undefined).emailVerified).toBe(false);
    expect(audienceSubject(contact({ email: null, emailVerifiedAt: now }), undefined).emailVerified).toBe(false);
  });
});
