import { describe, expect, it } from 'vitest';
import { parseTargetAllowList } from '../../../server/connectors/http/target-allow-list.ts';
import {
  acknowledgementRecord,
  collectSecurityFindings,
  FINDING_CODES,
  resolveTarget,
  unacknowledgedHighFindings,
  type FindingCode,
  type SecurityCheckInput,
  type SecurityFinding,
} from '../../../server/connectors/security-check.ts';
import type { DataConnectorVersion } from '../../../server/db/generated/sqlite/client.ts';

// A connector with nothing to report in a workspace that enforces identity verification.
const safeVersion = (overrides: Partial<DataConnectorVersion> = {}) =>
  ({
    name: 'Order status',
    httpMethod: 'get',
    url: 'https://api.shop.example/orders/{{order_id}}',
    body: null,
    headers: [],
    directFinUsage: true,
    dataInputs: [{ name: 'order_id', type: 'string', description: '', required: true, default_value: '' }],
    responseFields: [{ path: 'status', type: 'string', example_value: 'shipped', redacted: false, label: null, formatter: null, formatter_options: null, selected: true }],
    mockResponse: { status: 'shipped', items: [{ name: 'Mug', qty: 1 }] },
    testResponse: null,
    customerAuthentication: false,
    bypassAuthentication: false,
    dataTransformationType: 'redacted_access',
    ...overrides,
  }) as DataConnectorVersion;

const check = (version: Partial<DataConnectorVersion> = {}, input: Partial<SecurityCheckInput> = {}) =>
  collectSecurityFindings({
    version: safeVersion(version),
    headers: [],
    attributeDefinitions: [],
    identityVerificationEnforced: true,
    target: { host: 'api.shop.example', addresses: ['93.184.215.14'] },
    allowList: parseTargetAllowList(''),
    ...input,
  });
const find = (findings: SecurityFinding[], code: FindingCode) => findings.find((f) => f.code === code);

describe('collectSecurityFindings', () => {
  it('finds nothing in a safe connector', () => {
    expect(check()).toEqual([]);
  });

  it('every finding has a code, severity, message and recommendation', () => {
    const findings = check(
      {
        url: 'http://{{host}}.example/x?api_key=abc',
        httpMethod: 'delete',
        bypassAuthentication: true,
        mockResponse: { email: 'a@b.test', card_number: '4242424242424242' },
      },
      { identityVerificationEnforced: false, target: { host: 'pbplaceholder.example', templated: true } },
    );
    expect(findings.length).toBeGreaterThanOrEqual(6);
    for (const f of findings) {
      expect(FINDING_CODES).toContain(f.code);
      expect(['high', 'medium', 'low']).toContain(f.severity);
      expect(f.message.length).toBeGreaterThan(20);
      expect(f.recommendation.length).toBeGreaterThan(10);
    }
  });

  describe('insecure_url', () => {
    it('is high for plain http, low when the operator allow-listed the host', () => {
      expect(find(check({ url: 'http://api.shop.example/x' }), 'insecure_url')).toMatchObject({ severity: 'high', field: 'url' });
      const allowed = check({ url: 'http://billing.internal:8080/x' }, { allowList: parseTargetAllowList('billing.internal'), target: null });
      expect(find(allowed, 'insecure_url')).toMatchObject({ severity: 'low' });
    });
    it('is absent for https', () => {
      expect(find(check(), 'insecure_url')).toBeUndefined();
    });
  });

  describe('secret_in_url', () => {
    it.each([
      'https://api.shop.example/x?api_key=sk_live_123',
      'https://api.shop.example/x?key=abc',
      'https://api.shop.example/x?token={{auth_tokens.shop}}',
      'https://api.shop.example/x?q=9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      'https://user:hunter2@api.shop.example/x',
    ])('is found in %s', (url) => {
      expect(find(check({ url }), 'secret_in_url')).toMatchObject({ severity: 'high', field: 'url' });
    });
    it.each([
      'https://api.shop.example/x?page=2&status=shipped',
      'https://api.shop.example/x?key={{order_id}}',
      'https://api.shop.example/x?keyword=refund',
      'https://api.shop.example/orders/{{order_id}}',
    ])('is not found in %s', (url) => {
      expect(find(check({ url }), 'secret_in_url')).toBeUndefined();
    });
    it('names the parameters but never their values', () => {
      const finding = find(check({ url: 'https://api.shop.example/x?api_key=sk_live_123' }), 'secret_in_url')!;
      expect(finding.message).toContain('api_key');
      expect(finding.message).not.toContain('sk_live_123');
    });
  });

  describe('templated_host, private_target, target_unresolvable', () => {
    it('flags a host taken from a variable', () => {
      expect(find(check({}, { target: { host: 'pbplaceholder.shop.example', templated: true } }), 'templated_host')).toMatchObject({ severity: 'high' });
      expect(find(check(), 'templated_host')).toBeUndefined();
    });
    it('flags private addresses, low when allow-listed', () => {
      expect(find(check({}, { target: { host: 'api.shop.example', addresses: ['10.1.2.3'] } }), 'private_target')).toMatchObject({ severity: 'medium', field: 'url' });
      expect(find(check({}, { target: { host: 'api.shop.example', addresses: ['93.184.215.14', '::ffff:127.0.0.1'] } }), 'private_target')?.message).toContain('127.0.0.1');
      expect(find(check({}, { target: { host: 'api.shop.example', addresses: ['10.1.2.3'] }, allowList: parseTargetAllowList('10.0.0.0/8') }), 'private_target')).toMatchObject({ severity: 'low' });
      expect(find(check(), 'private_target')).toBeUndefined();
      expect(find(check({}, { target: { host: 'api.shop.example', skipped: true } }), 'private_target')).toBeUndefined();
    });
    it('reports a host that does not resolve', () => {
      expect(find(check({}, { target: { host: 'api.shop.example', error: 'ENOTFOUND' } }), 'target_unresolvable')).toMatchObject({ severity: 'low' });
      expect(find(check(), 'target_unresolvable')).toBeUndefined();
    });
  });

  describe('customer_identifier_from_input', () => {
    const byEmail = { url: 'https://api.shop.example/invoices?email={{email}}', dataInputs: [{ name: 'email', type: 'string', description: '', required: true, default_value: '' }] } as Partial<DataConnectorVersion>;
    it('is high when the AI agent fills the input, medium otherwise, wherever the input is used', () => {
      expect(find(check(byEmail), 'customer_identifier_from_input')).toMatchObject({ severity: 'high', field: 'url' });
      expect(find(check({ ...byEmail, directFinUsage: false }), 'customer_identifier_from_input')).toMatchObject({ severity: 'medium' });
      const inBody = check({ url: 'https://api.shop.example/lookup', httpMethod: 'get', body: '{"customer_id":"{{customer_id}}"}', dataInputs: [{ name: 'customer_id', type: 'string', description: '', required: true, default_value: '' }] as never });
      expect(find(inBody, 'customer_identifier_from_input')).toMatchObject({ field: 'body' });
      const inHeader = check({ dataInputs: [...safeVersion().dataInputs as never[], { name: 'user_id', type: 'string', description: '', required: true, default_value: '' }] as never }, { headers: [{ name: 'X-User', value: '{{user_id}}' }] });
      expect(find(inHeader, 'customer_identifier_from_input')).toMatchObject({ field: 'headers.0.value' });
    });
    it('is absent for non-identifying inputs and for {{user.email}}', () => {
      expect(find(check(), 'customer_identifier_from_input')).toBeUndefined();
      expect(find(check({ url: 'https://api.shop.example/invoices?email={{user.email}}' }), 'customer_identifier_from_input')).toBeUndefined();
    });
  });

  describe('unprotected_identifying_attribute', () => {
    const url = 'https://api.shop.example/accounts/{{user.account_id}}/invoices';
    it('flags an identifying custom attribute that is not protected', () => {
      const findings = check({ url }, { attributeDefinitions: [{ target: 'contact', name: 'account_id', protected: false }] });
      expect(find(findings, 'unprotected_identifying_attribute')).toMatchObject({ severity: 'high', field: 'url' });
      expect(find(findings, 'unprotected_identifying_attribute')!.message).toContain('{{user.account_id}}');
    });
    it('is absent when the attribute is protected or not identifying', () => {
      expect(find(check({ url }, { attributeDefinitions: [{ target: 'contact', name: 'account_id', protected: true }] }), 'unprotected_identifying_attribute')).toBeUndefined();
      const locale = check({ url: 'https://api.shop.example/help?lang={{user.locale}}' }, { attributeDefinitions: [{ target: 'contact', name: 'locale', protected: false }] });
      expect(find(locale, 'unprotected_identifying_attribute')).toBeUndefined();
    });
  });

  describe('identity_verification_not_enforced', () => {
    it('is high when the request trusts {{user.user_id}} or an unauthenticated {{user.email}}', () => {
      expect(find(check({ url: 'https://api.shop.example/u/{{user.user_id}}' }, { identityVerificationEnforced: false }), 'identity_verification_not_enforced')).toMatchObject({ severity: 'high' });
      expect(find(check({ url: 'https://api.shop.example/u?e={{user.email}}' }, { identityVerificationEnforced: false }), 'identity_verification_not_enforced')).toMatchObject({ severity: 'high' });
    });
    it('is lower when customer authentication proves the email, or nothing about the customer is used', () => {
      expect(find(check({ url: 'https://api.shop.example/u?e={{user.email}}', customerAuthentication: true }, { identityVerificationEnforced: false }), 'identity_verification_not_enforced')).toMatchObject({ severity: 'medium' });
      expect(find(check({}, { identityVerificationEnforced: false }), 'identity_verification_not_enforced')).toMatchObject({ severity: 'low' });
    });
    it('is absent when the workspace enforces identity verification', () => {
      expect(find(check({ url: 'https://api.shop.example/u/{{user.user_id}}' }), 'identity_verification_not_enforced')).toBeUndefined();
    });
  });

  describe('write_method_direct_use', () => {
    it.each(['post', 'put', 'patch', 'delete'] as const)('flags %s with direct AI use', (httpMethod) => {
      expect(find(check({ httpMethod }), 'write_method_direct_use')).toMatchObject({ severity: 'high', field: 'direct_fin_usage' });
      expect(find(check({ httpMethod, customerAuthentication: true }), 'write_method_direct_use')).toMatchObject({ severity: 'medium' });
    });
    it('is absent for reads, or writes the AI agent cannot start', () => {
      expect(find(check({ httpMethod: 'get' }), 'write_method_direct_use')).toBeUndefined();
      expect(find(check({ httpMethod: 'post', directFinUsage: false }), 'write_method_direct_use')).toBeUndefined();
    });
  });

  describe('personal_data_without_authentication', () => {
    const personal = { mockResponse: { customer: { name: 'Ann Lee', email: 'ann@example.test', address: { city: 'Oslo' } }, status: 'active' } } as Partial<DataConnectorVersion>;
    it('flags personal data in the example response when authentication is off or bypassed', () => {
      const finding = find(check(personal), 'personal_data_without_authentication');
      expect(finding).toMatchObject({ severity: 'high', field: 'customer_authentication' });
      expect(finding!.message).toContain('customer.name');
      expect(finding!.message).toContain('customer.address');
      expect(finding!.message).not.toContain('customer.address.city');
      expect(find(check({ ...personal, customerAuthentication: true, bypassAuthentication: true }), 'personal_data_without_authentication')).toBeDefined();
    });
    it('reads response fields and the test response too', () => {
      const fields = [{ path: 'phone_number', type: 'string', example_value: null, redacted: false, label: null, formatter: null, formatter_options: null, selected: false }];
      expect(find(check({ mockResponse: null, responseFields: fields as never }), 'personal_data_without_authentication')).toBeDefined();
      expect(find(check({ mockResponse: null, testResponse: { contact: 'x@y.test' } }), 'personal_data_without_authentication')).toBeDefined();
    });
    it('is absent with customer authentication, or without personal data', () => {
      expect(find(check({ ...personal, customerAuthentication: true }), 'personal_data_without_authentication')).toBeUndefined();
      expect(find(check(), 'personal_data_without_authentication')).toBeUndefined();
    });
  });

  describe('bypass_authentication', () => {
    it('is high when the connector deals with a customer, medium for a public lookup', () => {
      expect(find(check({ bypassAuthentication: true, url: 'https://api.shop.example/u/{{user.user_id}}' }), 'bypass_authentication')).toMatchObject({ severity: 'high', field: 'bypass_authentication' });
      expect(find(check({ bypassAuthentication: true }), 'bypass_authentication')).toMatchObject({ severity: 'medium' });
    });
    it('is absent when off', () => {
      expect(find(check(), 'bypass_authentication')).toBeUndefined();
    });
  });

  describe('sensitive_field_not_redacted', () => {
    it('flags card numbers, national ids and secrets by name or value', () => {
      const finding = find(check({ mockResponse: { card: { number: '4242424242424242' }, tax_id: 'x', api_key: 'k', status: 'ok' } }), 'sensitive_field_not_redacted');
      expect(finding).toMatchObject({ severity: 'high', field: 'response_fields' });
      expect(finding!.message).toContain('card.number');
      expect(finding!.message).toContain('tax_id');
      expect(finding!.message).toContain('api_key');
      expect(finding!.message).toMatch(/card numbers.*national ids.*secrets/);
    });
    it('is absent when a redacted response field covers the value (its path or an ancestor)', () => {
      const field = (path: string) => ({ path, type: 'unknown', example_value: null, redacted: true, label: null, formatter: null, formatter_options: null, selected: false });
      const mockResponse = { card: { number: '4242424242424242', last4: '4242' }, ssn: '123-45-6789' };
      expect(find(check({ mockResponse, responseFields: [field('card'), field('ssn')] as never }), 'sensitive_field_not_redacted')).toBeUndefined();
      expect(find(check({ mockResponse, responseFields: [field('card.number'), field('ssn')] as never }), 'sensitive_field_not_redacted')).toBeUndefined();
      expect(find(check({ mockResponse, responseFields: [field('card')] as never }), 'sensitive_field_not_redacted')!.message).toContain('ssn');
    });
    it('leaves the last four digits alone', () => {
      expect(find(check({ mockResponse: { card_last4: '4242', brand: 'visa' } }), 'sensitive_field_not_redacted')).toBeUndefined();
    });
  });
});

describe('resolveTarget', () => {
  const lookup = async (host: string) => (host === 'api.shop.example' ? ['93.184.215.14'] : host === 'internal.example' ? ['10.0.0.5'] : Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })));
  it('judges IP literals and localhost without DNS, and skips names without a lookup', async () => {
    expect(await resolveTarget('https://10.0.0.1/x', undefined)).toEqual({ host: '10.0.0.1', addresses: ['10.0.0.1'] });
    expect(await resolveTarget('https://[::1]:8443/x', undefined)).toEqual({ host: '::1', addresses: ['::1'] });
    expect(await resolveTarget('http://localhost:3000/x', undefined)).toMatchObject({ addresses: ['127.0.0.1', '::1'] });
    expect(await resolveTarget('https://api.shop.example/x', undefined)).toEqual({ host: 'api.shop.example', skipped: true });
    expect(await resolveTarget(null, lookup)).toBeNull();
    expect(await resolveTarget('not a url', lookup)).toBeNull();
  });
  it('resolves names through the lookup, and reports failures and templated hosts', async () => {
    expect(await resolveTarget('https://internal.example/{{id}}', lookup)).toEqual({ host: 'internal.example', addresses: ['10.0.0.5'] });
    expect(await resolveTarget('https://gone.example/', lookup)).toEqual({ host: 'gone.example', error: 'ENOTFOUND' });
    expect(await resolveTarget('https://{{tenant}}.shop.example/', lookup)).toEqual({ host: 'pbplaceholder.shop.example', templated: true });
  });
  it('gives up on a lookup that does not answer', async () => {
    const hanging = () => new Promise<string[]>(() => {});
    expect(await resolveTarget('https://slow.example/', hanging, 10)).toEqual({ host: 'slow.example', error: 'no answer within 10 ms' });
  });
});

describe('acknowledgements', () => {
  const high = (code: FindingCode, field?: string): SecurityFinding => ({ code, severity: 'high', message: 'm', recommendation: 'r', ...(field && { field }) });
  it('cover the same high findings (code and field) and nothing new', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const findings = [high('insecure_url', 'url'), { ...high('private_target', 'url'), severity: 'medium' as const }];
    const record = acknowledgementRecord(findings, { workspaceId: 1, adminId: 7, tokenId: 3 }, now);
    expect(record).toEqual({ acknowledged_at: '2026-06-01T00:00:00.000Z', acknowledged_by_admin_id: '7', api_token_id: '3', findings: [{ code: 'insecure_url', field: 'url', message: 'm' }] });
    expect(unacknowledgedHighFindings(findings, null)).toEqual([findings[0]]);
    expect(unacknowledgedHighFindings(findings, record)).toEqual([]);
    expect(unacknowledgedHighFindings([...findings, high('secret_in_url', 'url')], record).map((f) => f.code)).toEqual(['secret_in_url']);
    expect(unacknowledgedHighFindings([high('insecure_url', 'body')], record)).toHaveLength(1);
  });
});
