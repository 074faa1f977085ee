// The sample connectors of the demo workspace. They call the demo API that
// Patchbay itself serves under /demo-api, so the demo works with no outside service.
export function demoConnectors(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, '');
  return [
    {
      live: true,
      name: 'Get account balance',
      description: 'Returns the outstanding balance and the last invoice of the customer\'s account. Use it when a customer asks whether they owe money, about their balance, or about unpaid invoices.',
      exampleQuestions: ['Do I owe anything on my account?', 'What is my balance?', 'Is my last invoice paid?'],
      httpMethod: 'get' as const,
      url: `${base}/accounts/{{user.account_id}}/balance`,
      headers: [{ name: 'Accept', value: 'application/json' }],
      directFinUsage: true,
      customerAuthentication: true,
      dataTransformationType: 'redacted_access' as const,
      responseFields: [
        { path: 'balance_cents', type: 'integer', example_value: 4200, redacted: false, label: 'Outstanding balance', formatter: 'minor_units_to_amount', formatter_options: { currency: 'USD' }, selected: true },
        { path: 'currency', type: 'string', example_value: 'usd', redacted: false, label: null, formatter: null, formatter_options: null, selected: false },
        { path: 'last_invoice.id', type: 'string', example_value: 'in_1001', redacted: false, label: 'Last invoice', formatter: null, formatter_options: null, selected: true },
        { path: 'last_invoice.due_date', type: 'integer', example_value: 1767225600, redacted: false, label: 'Due date', formatter: 'unix_seconds_to_iso', formatter_options: null, selected: true },
        { path: 'card_last4', type: 'string', example_value: '4242', redacted: true, label: null, formatter: null, formatter_options: null, selected: false },
      ],
      objectMappings: [
        {
          response_object_path: '',
          intercom_object_type: 'user',
          attribute_mappings: [{ response_attribute_path: 'balance', intercom_attribute_identifier: 'outstanding_balance', mapping_type: 'primitive_mapping' }],
          reference_mappings: [],
        },
      ],
      responseLogging: 'redacted_formatted' as const,
    },
    {
      live: true,
      name: 'Look up order',
      description: 'Fetches the shipping status and estimated delivery date of an order. Use it when a customer asks where their order is.',
      exampleQuestions: ['Where is my order?', 'When will order ORD-5521 arrive?'],
      httpMethod: 'get' as const,
      url: `${base}/orders/{{order_id}}`,
      headers: [{ name: 'Accept', value: 'application/json' }],
      dataInputs: [{ name: 'order_id', type: 'string', description: 'The order number, like ORD-5521', required: true, default_value: '' }],
      directFinUsage: true,
      validateMissingAttributes: true,
      objectMappings: [
        {
          response_object_path: '',
          intercom_object_type: 'conversation',
          attribute_mappings: [{ response_attribute_path: 'status', intercom_attribute_identifier: 'order_status', mapping_type: 'primitive_mapping' }],
          reference_mappings: [],
        },
      ],
    },
    {
      live: false,
      name: 'Request a refund',
      description: 'Files a refund request for an order with the billing team. Agents run it from the inbox after checking the charge.',
      exampleQuestions: ['I was charged twice, can I get a refund?'],
      httpMethod: 'post' as const,
      url: `${base}/refunds`,
      headers: [
        { name: 'Content-Type', value: 'application/json' },
        { name: 'Idempotency-Key', value: 'refund-{{conversation.id}}-{{order_id}}' },
      ],
      body: '{"order_id": "{{order_id}}", "reason": "{{reason}}", "requested_by": "{{user.email}}"}',
      dataInputs: [
        { name: 'order_id', type: 'string', description: 'The order to refund', required: true, default_value: '' },
        { name: 'reason', type: 'string', description: 'Why the customer wants a refund', required: true, default_value: '' },
      ],
      directFinUsage: false,
    },
  ];
}
