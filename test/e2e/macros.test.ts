// Scenario 4: a macro with a reply and a connector step, applied from the
// composer's macro picker.
import { expect, it } from 'vitest';
import { eventually, openConversationPage, screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';
import { conversationView, resultCards, sidebarValue } from './support/inbox-page.ts';

const { server, browser, contexts } = useBrowserSuite({
  setup: async (server) => {
    server.route('/refunds/', (request) => ({ body: { refund_status: `Refund approved for ${decodeURIComponent(request.url.slice('/refunds/'.length))}` } }));
  },
});

it('applies a macro from the composer: the reply and the connector card appear, and the runs log names the macro', async () => {
  const connectorId = await server.createLiveConnector({
    name: 'Approve refund',
    url: `${server.upstream.url}/refunds/{{order_id}}`,
    data_inputs: [{ name: 'order_id', type: 'string', required: true }],
    object_mappings: [{ response_object_path: '', intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'refund_status', intercom_attribute_identifier: 'order_status', mapping_type: 'primitive_mapping' }], reference_mappings: [] }],
  });
  const macro = await server.api<{ id: string }>('POST', '/macros', {
    name: 'Refund and reassure',
    actions: [
      { type: 'reply', body: 'Thanks {{contact.name|fallback:"there"}}, your refund is on its way.' },
      { type: 'run_connector', data_connector_id: connectorId, inputs: { order_id: '{{conversation.custom_attributes.order_id}}' } },
    ],
  });
  expect(macro.status, JSON.stringify(macro.body)).toBe(201);
  const { conversationId } = await server.seedConversation({
    contact: { name: 'Rita Refund', email: 'rita@customer.test' },
    customAttributes: { order_id: 'ORD-4004', order_status: 'delivered' },
    parts: [{ body: 'I was charged twice for ORD-4004.' }],
  });
  const context = await signedInContext(browser, server, server.alice);
  contexts.push(context);
  const page = await openConversationPage(context, conversationId);

  const picker = page.getByTestId('composer').getByTestId('macro-picker');
  await picker.getByRole('button', { name: /macro/i }).click();
  await picker.getByRole('option', { name: /refund and reassure/i }).click();

  const view = conversationView(page);
  await view.getByText('Thanks Rita Refund, your refund is on its way.').waitFor();
  await resultCards(page).first().waitFor();
  expect(await textOf(resultCards(page))).toContain('Approve refund');
  await eventually(() => sidebarValue(page, 'order_status')).toContain('Refund approved for ORD-4004');

  const runs = page.getByTestId('connector-runs');
  await eventually(() => textOf(runs)).toContain('Approve refund');
  // The run's source is this macro (by name, or by id as "macro #<id>").
  expect(await textOf(runs)).toMatch(new RegExp(`Refund and reassure|macro #${macro.body.id}\\b`));
  await screenshot(page, 'macro-applied');
  expect(server.requestsTo('/refunds/').map((r) => r.url)).toEqual(['/refunds/ORD-4004']);
  const logged = await server.db.executionResult.findMany({ where: { dataConnectorId: Number(connectorId) } });
  expect(logged.map((r) => ({ sourceType: r.sourceType, sourceId: r.sourceId }))).toEqual([{ sourceType: 'inbox', sourceId: macro.body.id }]);
});
