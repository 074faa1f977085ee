import { describe, expect, it } from 'vitest';
import { confirmActionQuestion, confirmationAnswer, isWriteMethod } from '../../../../server/agent/deterministic/confirm-action.ts';

describe('confirmationAnswer', () => {
  it.each(['Yes', 'yes.', ' YES! ', 'y', 'ok', 'Okay', 'sure', 'Go ahead', 'please do', 'Confirm', 'yes, go ahead!', 'yes please', 'ok sure', 'Yep 👍'])('%j is yes', (message) => {
    expect(confirmationAnswer(message)).toBe('yes');
  });
  it.each(['No', 'no.', 'NO!', 'nope', 'No thanks', "don't", 'Do not', 'cancel', 'never mind', 'no, cancel it'])('%j is no', (message) => {
    expect(confirmationAnswer(message)).toBe('no');
  });
  it.each(['', 'maybe', 'what happens to my data?', 'yes but first tell me my balance', 'I guess not sure', 'okay so how much do I owe on account ACC-1 right now?'])('%j is neither', (message) => {
    expect(confirmationAnswer(message)).toBeNull();
  });
});

describe('confirmActionQuestion', () => {
  it('names the action and the inputs it would use', () => {
    expect(confirmActionQuestion('Request a refund', { order_id: 'ORD-1', reason: 'charged twice' })).toBe('I can request a refund with order ID ORD-1 and reason charged twice. Shall I go ahead?');
    expect(confirmActionQuestion('Cancel subscription', {})).toBe('I can cancel subscription for you. Shall I go ahead?');
    expect(confirmActionQuestion('SMS resend', { notify: true })).toBe('I can SMS resend with notify yes. Shall I go ahead?');
  });
});

it('treats POST, PUT, PATCH and DELETE as writes', () => {
  expect(['post', 'PUT', 'patch', 'delete'].every(isWriteMethod)).toBe(true);
  expect(isWriteMethod('get')).toBe(false);
});
