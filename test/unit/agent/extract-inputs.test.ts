import { describe, expect, it } from 'vitest';
import { extractInputs, type ExtractableInput } from '../../../server/agent/deterministic/extract-inputs.ts';

const input = (name: string, type: ExtractableInput['type'], description = '', required = true): ExtractableInput => ({ name, type, description, required });

describe('extractInputs', () => {
  it('takes an order identifier from the message for an order input', () => {
    const result = extractInputs([input('order_id', 'string', 'The order number')], 'where is my order ORD-5521?');
    expect(result).toEqual({ values: { order_id: 'ORD-5521' }, sources: { order_id: 'message' }, missing: [], invalid: [] });
  });

  it('matches identifiers to inputs by their letters and by the word before them', () => {
    const inputs = [input('order_id', 'string', 'Order number'), input('account', 'string', 'Account reference'), input('invoice_number', 'string')];
    const result = extractInputs(inputs, 'invoice INV-2024-001 on ACC_9, and order ORD-5521');
    expect(result.values).toEqual({ order_id: 'ORD-5521', account: 'ACC_9', invoice_number: 'INV-2024-001' });
    expect(result.missing).toEqual([]);
  });

  it('reads integers, decimals, booleans and emails', () => {
    expect(extractInputs([input('quantity', 'integer', 'How many items')], 'I need 3 of them').values).toEqual({ quantity: 3 });
    expect(extractInputs([input('amount', 'decimal', 'Refund amount')], 'please refund 12.50 to me').values).toEqual({ amount: 12.5 });
    expect(extractInputs([input('express', 'boolean', 'Ship express')], 'Yes!').values).toEqual({ express: true });
    expect(extractInputs([input('express', 'boolean', 'Ship express')], 'no').values).toEqual({ express: false });
    expect(extractInputs([input('express', 'boolean')], 'express: true').values).toEqual({ express: true });
    expect(extractInputs([input('email', 'string', 'Customer email')], 'it is bob.smith+x@example.co.uk thanks').values).toEqual({ email: 'bob.smith+x@example.co.uk' });
  });

  it('uses the number next to the word that names the input when there are several', () => {
    const inputs = [input('quantity', 'integer'), input('order_number', 'integer', 'The order number')];
    const result = extractInputs(inputs, 'order 5521, quantity 2');
    expect(result.values).toEqual({ quantity: 2, order_number: 5521 });
  });

  it('does not read a number out of an identifier', () => {
    const result = extractInputs([input('quantity', 'integer')], 'where is ORD-5521');
    expect(result.values).toEqual({});
    expect(result.missing).toEqual(['quantity']);
  });

  it('prefers context to the message, contact attributes to conversation ones, and knows aliases', () => {
    const inputs = [input('order_id', 'string', 'Order number'), input('email', 'string'), input('user_id', 'string'), input('plan', 'string')];
    const result = extractInputs(inputs, 'my order ORD-1 and I am eve@example.com', {
      contactAttributes: { email: 'verified@example.com', external_id: 'u-42', plan: 'gold' },
      conversationAttributes: { order_id: 'ORD-777', plan: 'silver' },
    });
    expect(result.values).toEqual({ order_id: 'ORD-777', email: 'verified@example.com', user_id: 'u-42', plan: 'gold' });
    expect(result.sources).toEqual({ order_id: 'context', email: 'context', user_id: 'context', plan: 'context' });
  });

  it('reports an attribute of the wrong type and falls back to the message', () => {
    const inputs = [input('quantity', 'integer')];
    const bad = extractInputs(inputs, 'hello', { conversationAttributes: { quantity: 'lots' } });
    expect(bad.values).toEqual({});
    expect(bad.invalid).toEqual([{ name: 'quantity', reason: 'the conversation attribute "quantity" is not a whole number' }]);
    expect(bad.missing).toEqual([]);
    const rescued = extractInputs(inputs, 'quantity: 4', { conversationAttributes: { quantity: 'lots' } });
    expect(rescued).toEqual({ values: { quantity: 4 }, sources: { quantity: 'message' }, missing: [], invalid: [] });
  });

  it('reports an explicit value that does not fit the type', () => {
    const result = extractInputs([input('quantity', 'integer')], 'quantity: 2.5');
    expect(result.invalid).toEqual([{ name: 'quantity', reason: '"2.5" is not a whole number' }]);
  });

  it('lists required inputs it could not fill, not optional ones', () => {
    const inputs = [input('order_id', 'string', 'Order number'), input('email', 'string', 'Email'), input('note', 'string', 'Anything else', false)];
    const result = extractInputs(inputs, 'where is my order ORD-5521?');
    expect(result.values).toEqual({ order_id: 'ORD-5521' });
    expect(result.missing).toEqual(['email']);
  });

  it('never invents a value', () => {
    const inputs = [
      input('order_id', 'string', 'Order number'),
      input('quantity', 'integer'),
      input('amount', 'decimal'),
      input('express', 'boolean'),
      input('email', 'string'),
      input('reason', 'string', 'Why the customer wants a refund'),
    ];
    const result = extractInputs(inputs, 'Do I owe anything on my account? I have no idea.');
    expect(result.values).toEqual({});
    expect(result.missing).toEqual(['order_id', 'quantity', 'amount', 'express', 'email', 'reason']);
  });

  it('leaves a value alone when it cannot tell which input it is for', () => {
    const inputs = [input('width', 'integer'), input('height', 'integer')];
    expect(extractInputs(inputs, 'make it 30').values).toEqual({});
    expect(extractInputs([input('quantity', 'integer')], 'between 3 and 5').values).toEqual({});
    expect(extractInputs([input('order_id', 'string', 'Order number')], 'ABC-1 or XYZ-2?').values).toEqual({});
  });

  it('does not treat "is" before an ordinary word as a value', () => {
    const result = extractInputs([input('order', 'string', 'Order reference')], 'my order is late');
    expect(result.values).toEqual({});
  });
});
