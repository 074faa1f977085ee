import { describe, expect, it } from 'vitest';
import { askForInputsReply, composeDataReply, HANDOFF_REPLY, NO_DETAILS_REPLY, RUN_FAILURE_REPLY } from '../../../server/agent/deterministic/compose-reply.ts';
import { shapeResponse, type ShapeField } from '../../../server/connectors/pipeline/shape-response.ts';

describe('composeDataReply', () => {
  it('shows restricted fields under their customer-facing labels without formatting twice', () => {
    const fields: ShapeField[] = [
      { path: 'balance_cents', label: 'Amount due', formatter: 'minor_units_to_amount', formatter_options: null, selected: true },
      { path: 'customer.city', label: null, formatter: null, formatter_options: null, selected: true },
    ];
    const raw = { balance_cents: 1200, customer: { city: 'Lyon', tax_id: 'SECRET-1' }, internal_note: 'vip' };
    const { shaped } = shapeResponse(raw, { mode: 'redacted_access', fields });
    const reply = composeDataReply(shaped, { mode: 'redacted_access', fields });
    expect(reply).toBe("Here's what I found:\nAmount due: 12\nCustomer city: Lyon");
    expect(reply).not.toContain('SECRET-1');
    expect(reply).not.toContain('vip');
  });

  it('applies labels and formatters to full-access data and humanises the rest', () => {
    const reply = composeDataReply(
      { paid: true, due_at: 0, unpaid_balance: 0 },
      { mode: 'full_access', fields: [{ path: 'due_at', label: 'Due', formatter: 'unix_seconds_to_iso' }, { path: 'unpaid_balance', formatter: 'zero_as_text', formatter_options: { text: 'Nothing owed' } }] },
    );
    expect(reply).toBe("Here's what I found:\nPaid: Yes\nDue: 1970-01-01T00:00:00.000Z\nUnpaid balance: Nothing owed");
  });

  it('summarises lists with a count and the first few entries', () => {
    const reply = composeDataReply(
      { tags: ['a', 'b', 'c', 'd', 'e'], orders: [{ id: 'ORD-1', status: 'shipped' }, { id: 'ORD-2', status: 'pending' }], empty: [] },
      { mode: 'full_access', fields: [{ path: 'orders.status', label: 'State' }] },
    );
    expect(reply.split('\n')).toEqual([
      "Here's what I found:",
      'Tags: 5 items: a, b, c and 2 more',
      'Orders: 2 items',
      '- ID: ORD-1, State: shipped',
      '- ID: ORD-2, State: pending',
      'Empty: none',
    ]);
    const many = composeDataReply([1, 2, 3, 4], { mode: 'full_access' });
    expect(many).toBe("Here's what I found:\nResults: 4 items: 1, 2, 3 and 1 more");
  });

  it('passes code block output on as written', () => {
    const text = 'Your balance is **€12.00**.\nNext invoice: 1 May';
    expect(composeDataReply(text, { mode: 'code_block_transformation' })).toBe(text);
    expect(composeDataReply({ total: 3 }, { mode: 'code_block_transformation' })).toBe("Here's what I found:\nTotal: 3");
  });

  it('says so when there is nothing to show', () => {
    expect(composeDataReply({}, { mode: 'redacted_access' })).toBe(NO_DETAILS_REPLY);
    expect(composeDataReply(null, { mode: 'full_access' })).toBe(NO_DETAILS_REPLY);
  });

  it('never shows a field that is not in the shaped data', () => {
    const reply = composeDataReply({ status: 'open' }, { mode: 'redacted_access', fields: [{ path: 'status' }, { path: 'secret_token', label: 'Token' }] });
    expect(reply).toBe("Here's what I found:\nStatus: open");
  });
});

describe('customer messages', () => {
  it('asks for missing inputs in plain words', () => {
    expect(askForInputsReply([{ name: 'order_id' }])).toBe('To look that up, could you tell me your order ID?');
    expect(askForInputsReply([{ name: 'emailAddress' }, { name: 'postcode' }, { name: 'account_number' }])).toBe(
      'To look that up, could you tell me your email address, your postcode and your account number?',
    );
    expect(askForInputsReply([], [{ name: 'quantity', reason: '"2.5" is not a whole number' }])).toBe(
      'The quantity I have doesn\'t look right ("2.5" is not a whole number). To look that up, could you tell me your quantity?',
    );
    // An acronym at the start stays upper case ("aPI key" before).
    expect(askForInputsReply([{ name: 'api_key' }, { name: 'sku' }])).toBe('To look that up, could you tell me your API key and your SKU?');
  });

  it('hands off plainly and reports run failures plainly', () => {
    expect(HANDOFF_REPLY).toMatch(/passed your question to the team/);
    expect(RUN_FAILURE_REPLY).toBe("I couldn't get that information right now; I've passed this to the team.");
  });
});
