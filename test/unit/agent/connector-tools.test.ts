import { describe, expect, it } from 'vitest';
import { connectorTools, TOOL_NAME_PATTERN, toolSlug, type ToolConnector } from '../../../server/agent/llm/connector-tools.ts';

const balance: ToolConnector = {
  id: '12',
  name: 'Account balance',
  description: 'Looks up what the customer owes on their account',
  dataInputs: [
    { name: 'account_id', type: 'string', description: 'The account number, like ACC-123', required: true },
    { name: 'months', type: 'integer', description: 'How many months back', required: false },
    { name: 'min_amount', type: 'decimal', description: '', required: false },
    { name: 'include_paid', type: 'boolean', description: null, required: true, default: 'false' },
  ],
};

describe('connectorTools', () => {
  it('describes each connector as a function whose JSON schema comes from its data inputs', () => {
    const { tools, connectorIdByToolName, toolNameByConnectorId } = connectorTools([balance]);
    expect(tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'Account_balance',
          description: 'Looks up what the customer owes on their account',
          parameters: {
            type: 'object',
            properties: {
              account_id: { type: 'string', description: 'The account number, like ACC-123' },
              months: { type: 'integer', description: 'How many months back' },
              min_amount: { type: 'number' },
              include_paid: { type: 'boolean', default: false },
            },
            // include_paid is required but has a default the pipeline fills in.
            required: ['account_id'],
            additionalProperties: false,
          },
        },
      },
    ]);
    expect(connectorIdByToolName.get('Account_balance')).toBe('12');
    expect(toolNameByConnectorId.get('12')).toBe('Account_balance');
  });

  it('states text defaults in the JSON type of the input and drops ones that do not fit', () => {
    const { tools } = connectorTools([
      {
        id: '1',
        name: 'Defaults',
        description: 'd',
        dataInputs: [
          { name: 'n', type: 'integer', required: true, default: '30' },
          { name: 'x', type: 'decimal', required: false, default: '2.5' },
          { name: 's', type: 'string', required: false, default: 'EUR' },
          { name: 'b', type: 'boolean', required: true, default: 'maybe' },
        ],
      },
    ]);
    const parameters = tools[0]!.function.parameters;
    expect(parameters.properties).toEqual({
      n: { type: 'integer', default: 30 },
      x: { type: 'number', default: 2.5 },
      s: { type: 'string', default: 'EUR' },
      b: { type: 'boolean' },
    });
    expect(parameters.required).toEqual(['b']);
  });

  it('gives every connector a valid, unique function name mapped back to its id', () => {
    const connectors: ToolConnector[] = [
      { id: '1', name: 'Order status', description: 'a', dataInputs: [] },
      { id: '2', name: 'order status', description: 'b', dataInputs: [] },
      { id: '3', name: 'Order  status!', description: 'c', dataInputs: [] },
      { id: '4', name: 'Café — réservations', description: 'd', dataInputs: [] },
      { id: '5', name: '???', description: 'e', dataInputs: [] },
      { id: '6', name: 'x'.repeat(100), description: 'f', dataInputs: [] },
      { id: '7', name: 'x'.repeat(100), description: 'g', dataInputs: [] },
    ];
    const { tools, connectorIdByToolName } = connectorTools(connectors);
    const names = tools.map((t) => t.function.name);
    expect(names.slice(0, 5)).toEqual(['Order_status', 'order_status_2', 'Order_status_3', 'Cafe_reservations', 'connector']);
    expect(names[5]).toBe('x'.repeat(64));
    expect(names[6]).toBe(`${'x'.repeat(62)}_2`);
    for (const name of names) expect(name).toMatch(TOOL_NAME_PATTERN);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(connectors.length);
    expect(names.map((n) => connectorIdByToolName.get(n))).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('falls back to the connector name when it has no description', () => {
    const { tools } = connectorTools([{ id: '9', name: 'Refund order', description: '  ', dataInputs: [] }]);
    expect(tools[0]!.function.description).toBe('Refund order');
    expect(tools[0]!.function.parameters).toEqual({ type: 'object', properties: {}, required: [], additionalProperties: false });
  });

  it('slugs names to the allowed characters', () => {
    expect(toolSlug('  get-user_by.email  ')).toBe('get-user_by_email');
    expect(toolSlug('日本語')).toBe('connector');
  });
});
