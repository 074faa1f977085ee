import { describe, expect, it } from 'vitest';
import {
  looksLikeCustomerIdentifier,
  looksLikePersonalData,
  looksLikeSecretParameter,
  looksRandom,
  nameTokens,
  sensitiveKindOfName,
  sensitiveKindOfValue,
} from '../../../server/connectors/sensitive-data.ts';

describe('nameTokens', () => {
  it('reads snake, camel and kebab case', () => {
    expect(nameTokens('cardNumber')).toEqual(['card', 'number']);
    expect(nameTokens('E-Mail_Address')).toEqual(['email', 'address']);
    expect(nameTokens('customer-id')).toEqual(['customer', 'id']);
  });
});

describe('looksLikeCustomerIdentifier', () => {
  it.each(['email', 'user_email', 'userId', 'user_id', 'customer_id', 'customer', 'account_number', 'accountId', 'phone', 'member_no', 'username'])('%s identifies a customer', (name) => {
    expect(looksLikeCustomerIdentifier(name)).toBe(true);
  });
  it.each(['order_id', 'ref', 'plan', 'tracking_number', 'account_type', 'product_name', 'q'])('%s does not', (name) => {
    expect(looksLikeCustomerIdentifier(name)).toBe(false);
  });
});

describe('looksLikePersonalData', () => {
  it.each([
    ['email', []],
    ['phone_number', []],
    ['firstName', []],
    ['date_of_birth', []],
    ['address', ['customer']],
    ['postal_code', ['shipping']],
    ['name', []],
    ['name', ['customer']],
    ['name', ['billing_details']],
  ] as const)('%s under %j is personal', (key, ancestors) => {
    expect(looksLikePersonalData(key, [...ancestors])).toBe(true);
  });
  it.each([
    ['name', ['items']],
    ['name', ['plan']],
    ['status', []],
    ['amount_due', []],
    ['currency', ['customer']],
  ] as const)('%s under %j is not', (key, ancestors) => {
    expect(looksLikePersonalData(key, [...ancestors])).toBe(false);
  });
});

describe('sensitiveKindOfName and sensitiveKindOfValue', () => {
  it.each([
    ['card_number', 'card_number'],
    ['cardNumber', 'card_number'],
    ['cvc', 'card_number'],
    ['iban', 'card_number'],
    ['ssn', 'national_id'],
    ['tax_id', 'national_id'],
    ['passport_number', 'national_id'],
    ['password', 'secret'],
    ['api_key', 'secret'],
    ['access_token', 'secret'],
    ['client_secret', 'secret'],
    ['card_last4', null],
    ['last4', null],
    ['token_type', null],
    ['expires_in', null],
    ['brand', null],
    ['status', null],
  ] as const)('%s -> %s', (name, kind) => {
    expect(sensitiveKindOfName(name)).toBe(kind);
  });
  it.each([
    ['4242424242424242', 'card_number'],
    ['4242 4242 4242 4242', 'card_number'],
    [4242424242424242, 'card_number'],
    ['4242424242424241', null],
    ['123-45-6789', 'national_id'],
    ['sk_live_abcdefghijklmnop', 'secret'],
    ['-----BEGIN RSA PRIVATE KEY-----\nabc', 'secret'],
    ['ORD-5521', null],
    [1767225600, null],
    [true, null],
  ] as const)('value %j -> %s', (value, kind) => {
    expect(sensitiveKindOfValue(value)).toBe(kind);
  });
});

describe('URL secrets', () => {
  it.each([['key', true], ['api_key', true], ['apiKey', true], ['access_token', true], ['sig', true], ['password', true], ['q', false], ['page', false], ['order_id', false], ['keyword', false]])('parameter %s -> %s', (name, expected) => {
    expect(looksLikeSecretParameter(name)).toBe(expected);
  });
  it.each([
    ['9f8e7d6c5b4a39281706f5e4d3c2b1a0', true],
    ['AKIAIOSFODNN7EXAMPLEKEY1234', true],
    ['shipped-and-delivered-status', false],
    ['12345678901234567890', false],
    ['short1a', false],
    ['aaaaaaaaaaaaaaaaaaaaaaa1', false],
  ])('value %s random -> %s', (value, expected) => {
    expect(looksRandom(value)).toBe(expected);
  });
});
