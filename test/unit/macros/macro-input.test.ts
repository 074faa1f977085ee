import { describe, expect, it } from 'vitest';
import { AppError } from '../../../server/http/app-error.ts';
import { parseOrThrow } from '../../../server/http/validation.ts';
import { createMacroSchema, updateMacroSchema } from '../../../server/macros/macro-input.ts';

const errorsOf = (body: unknown, schema: typeof createMacroSchema | typeof updateMacroSchema = createMacroSchema) => {
  try {
    parseOrThrow(schema, body);
  } catch (error) {
    if (error instanceof AppError) return error.errors;
    throw error;
  }
  throw new Error('expected a validation error');
};

describe('macro input', () => {
  it('fills defaults and keeps actions in order', () => {
    const input = parseOrThrow(createMacroSchema, { name: ' Refund ', actions: [{ type: 'close' }, { type: 'run_connector', data_connector_id: '4' }] });
    expect(input).toEqual({ name: 'Refund', visible_to: 'everyone', available_on: ['inbox'], actions: [{ type: 'close' }, { type: 'run_connector', data_connector_id: '4', inputs: {} }] });
  });

  it.each([
    [{ name: '', actions: [{ type: 'close' }] }, 'name', 'name: must not be empty'],
    [{ name: 'x'.repeat(201), actions: [{ type: 'close' }] }, 'name', 'name: must be at most 200 characters'],
    [{ name: 'n', actions: [] }, 'actions', 'actions: must have at least one action'],
    [{ name: 'n', actions: Array.from({ length: 21 }, () => ({ type: 'close' })) }, 'actions', 'actions: must have at most 20 actions'],
    [{ name: 'n', visible_to: 'specific_teams', actions: [{ type: 'close' }] }, 'visible_to', 'visible_to: must be one of: everyone, me'],
    [{ name: 'n', available_on: ['inbox', 'inbox'], actions: [{ type: 'close' }] }, 'available_on', 'available_on: must not repeat a value'],
    [{ name: 'n', actions: [{ type: 'close' }, { type: 'explode' }] }, 'actions.1.type', 'actions.1.type: must be one of: reply, note, add_tag, remove_tag, set_attribute, assign, snooze, close, run_connector'],
    [{ name: 'n', actions: [{ type: 'reply', body: '   ' }] }, 'actions.0.body', 'actions.0.body: must not be empty'],
    [{ name: 'n', actions: [{ type: 'snooze', minutes: 1.5 }] }, 'actions.0.minutes', 'actions.0.minutes: must be a whole number of minutes'],
    [{ name: 'n', actions: [{ type: 'snooze', minutes: 0 }] }, 'actions.0.minutes', 'actions.0.minutes: must be at least 1'],
    [{ name: 'n', actions: [{ type: 'assign', assignee_id: 'you' }] }, 'actions.0.assignee_id', 'actions.0.assignee_id: must be an admin id, "me" or null'],
    [{ name: 'n', actions: [{ type: 'set_attribute', target: 'company', name: 'x', value: 1 }] }, 'actions.0.target', 'actions.0.target: must be one of: contact, conversation'],
    [{ name: 'n', actions: [{ type: 'set_attribute', target: 'contact', name: 'x', value: { a: 1 } }] }, 'actions.0.value', 'actions.0.value: must be a string, number, boolean or null'],
    [{ name: 'n', actions: [{ type: 'run_connector', data_connector_id: 'abc' }] }, 'actions.0.data_connector_id', 'actions.0.data_connector_id: must be a numeric id such as "12"'],
    [{ name: 'n', actions: [{ type: 'run_connector', data_connector_id: '1', inputs: { q: 5 } }] }, 'actions.0.inputs.q', 'actions.0.inputs.q: must be a string (placeholders allowed)'],
    [{ name: 'n', actions: [{ type: 'close', body: 'x' }] }, 'actions.0.body', 'Unknown field: actions.0.body'],
  ])('%j is refused naming %s', (body, field, message) => {
    expect(errorsOf(body)).toContainEqual(expect.objectContaining({ field, message }));
  });

  it('names a missing field', () => {
    expect(errorsOf({ name: 'n', actions: [{ type: 'add_tag' }] })).toEqual([{ code: 'parameter_not_found', field: 'actions.0.tag', message: 'actions.0.tag is required' }]);
    expect(errorsOf({ name: 'n', actions: [{ type: 'set_attribute', name: 'plan' }] })).toEqual([
      { code: 'parameter_invalid', field: 'actions.0.target', message: 'actions.0.target: must be one of: contact, conversation' },
      { code: 'parameter_invalid', field: 'actions.0.value', message: 'actions.0.value: must be a string, number, boolean or null' },
    ]);
  });

  it('lets PATCH change any subset, but not to nothing', () => {
    expect(parseOrThrow(updateMacroSchema, { name: 'New' })).toEqual({ name: 'New' });
    expect(errorsOf({ actions: [] }, updateMacroSchema)).toContainEqual(expect.objectContaining({ field: 'actions' }));
  });
});
