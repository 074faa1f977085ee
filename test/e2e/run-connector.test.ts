// Scenarios 2, 3, 5 and 6: running connectors on a conversation from the
// inbox (Cmd/Ctrl+K palette, a message's "..." menu), the live result on this
// screen and another agent's, and a failing API.
import { describe, expect, it } from 'vitest';
import { documentMarker, eventually, markDocument, openConversationPage, screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';
import { conversationView, openRunConnectorFormFromPalette, partIds, pickConnectorInPalette, resultCards, sidebarValue } from './support/inbox-page.ts';

const orderStatusOf = (orderId: string) => `Shipped to Oslo (${orderId})`;

const { server, browser, contexts } = useBrowserSuite({
  setup: async (server) => {
    server.route('/lookup/orders/', (request) => {
      const orderId = decodeURIComponent(request.url.slice('/lookup/orders/'.length));
      return { body: { status: orderStatusOf(orderId), carrier: 'PostNord' } };
    });
    server.route('/warranty/', () => ({ status: 500, body: { error: 'warranty service is down' } }));
    server.route('/tickets', (request) => ({ status: 201, body: { ticket: 'BUG-77', received: JSON.parse(request.body || 'null') } }));

    const toOrderStatus = [{ response_object_path: '', intercom_object_type: 'conversation', attribute_mappings: [{ response_attribute_path: 'status', intercom_attribute_identifier: 'order_status', mapping_type: 'primitive_mapping' }], reference_mappings: [] }];
    const orderInput = [{ name: 'order_id', type: 'string', description: 'The order number', required: true }];
    await server.createLiveConnector({ name: 'Look up order', description: 'Shipping status of an order', url: `${server.upstream.url}/lookup/orders/{{order_id}}`, data_inputs: orderInput, object_mappings: toOrderStatus });
    await server.createLiveConnector({ name: 'Check warranty', description: 'Warranty status of an order', url: `${server.upstream.url}/warranty/{{order_id}}`, data_inputs: orderInput, object_mappings: toOrderStatus });
    await server.createLiveConnector({
      name: 'Create bug ticket',
      description: 'Files the message as a bug for the engineering team',
      http_method: 'post',
      url: `${server.upstream.url}/tickets`,
      headers: [{ name: 'Content-Type', value: 'application/json' }],
      body: '{"text": "{{message}}"}',
      data_inputs: [{ name: 'message', type: 'string', description: 'The customer message to file', required: true }],
    });
  },
});

async function aliceContext(options?: { viewport?: { width: number; height: number } }) {
  const context = await signedInContext(browser, server, server.alice, options);
  contexts.push(context);
  return context;
}

const seedOrderConversation = (name: string, orderId: string) =>
  server.seedConversation({
    contact: { name, email: `${name.split(' ')[0]!.toLowerCase()}@customer.test` },
    customAttributes: { order_id: orderId, order_status: 'processing' },
    parts: [{ body: `Hi, where is my order ${orderId}?` }],
  });

describe('Cmd/Ctrl+K: Trigger data connector', () => {
  it('runs the picked connector with pre-filled inputs, shows the result card and updates the sidebar attribute without a reload', async () => {
    const { conversationId } = await seedOrderConversation('Dana Keys', 'ORD-2002');
    const page = await (await aliceContext()).newPage();
    await page.goto('/inbox');
    await page.getByTestId(`conversation-row-${conversationId}`).click();
    await conversationView(page).waitFor();
    await eventually(() => sidebarValue(page, 'order_status')).toContain('processing');
    expect(await resultCards(page).count()).toBe(0);
    await screenshot(page, 'inbox-conversation');
    const marker = await markDocument(page);

    const form = await openRunConnectorFormFromPalette(page, 'Look up order');
    await screenshot(page, 'palette-run-connector-form');
    // Pre-filled from the conversation's order_id attribute.
    expect(await form.getByRole('textbox').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toContain('ORD-2002');
    await page.keyboard.press('Enter');

    await resultCards(page).first().waitFor();
    await eventually(() => sidebarValue(page, 'order_status')).toContain(orderStatusOf('ORD-2002'));
    expect(await resultCards(page).count()).toBe(1);
    expect(await textOf(resultCards(page))).toContain('Look up order');
    expect(server.requestsTo('/lookup/orders/').map((r) => r.url)).toContain('/lookup/orders/ORD-2002');
    expect(await documentMarker(page)).toBe(marker);
    await screenshot(page, 'connector-result-card');
  });

  it('shows the palette over the open conversation', async () => {
    const { conversationId } = await seedOrderConversation('Paul Palette', 'ORD-2100');
    const page = await openConversationPage(await aliceContext(), conversationId);
    await page.keyboard.press('Control+k');
    const input = page.getByTestId('palette-input');
    await input.waitFor();
    await page.keyboard.type('Trigger');
    await page.getByRole('option', { name: /trigger data connector/i }).first().waitFor();
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    await screenshot(page, 'palette-open');
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
  });

  it("shows the new card and attribute live in a second agent's open conversation", async () => {
    const { conversationId } = await seedOrderConversation('Sam Second', 'ORD-3003');
    const alicePage = await openConversationPage(await aliceContext(), conversationId);
    const bobContext = await signedInContext(browser, server, server.bob);
    contexts.push(bobContext);
    const bobPage = await openConversationPage(bobContext, conversationId);
    await eventually(() => sidebarValue(bobPage, 'order_status')).toContain('processing');
    expect(await resultCards(bobPage).count()).toBe(0);
    const bobMarker = await markDocument(bobPage);

    await openRunConnectorFormFromPalette(alicePage, 'Look up order');
    await alicePage.keyboard.press('Enter');
    await resultCards(alicePage).first().waitFor();

    await eventually(() => sidebarValue(bobPage, 'order_status')).toContain(orderStatusOf('ORD-3003'));
    await eventually(() => resultCards(bobPage).count()).toBe(1);
    expect(await documentMarker(bobPage)).toBe(bobMarker);
  });

  it('shows a failing API as run-connector-error and changes nothing else', async () => {
    const { conversationId } = await seedOrderConversation('Fay Failing', 'ORD-6006');
    const page = await openConversationPage(await aliceContext(), conversationId);
    await eventually(() => sidebarValue(page, 'order_status')).toContain('processing');
    const before = await partIds(page);
    const partsInDb = () => server.db.conversationPart.count({ where: { conversationId } });
    const dbBefore = await partsInDb();
    const requestsBefore = server.requestsTo('/warranty/').length;

    await openRunConnectorFormFromPalette(page, 'Check warranty');
    await page.keyboard.press('Enter');

    const error = page.getByTestId('run-connector-error');
    await error.waitFor();
    // The API was really called (the pipeline retries a 500 a bounded number of
    // times) and its HTTP status is what the agent is told.
    expect(server.requestsTo('/warranty/').length).toBeGreaterThan(requestsBefore);
    expect(await textOf(error)).toMatch(/HTTP 500/);
    await screenshot(page, 'run-connector-error');
    expect(await partIds(page)).toEqual(before);
    expect(await resultCards(page).count()).toBe(0);
    expect(await sidebarValue(page, 'order_status')).toContain('processing');
    expect(await partsInDb()).toBe(dbBefore);
    const conversation = await server.db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conversation.customAttributes).toMatchObject({ order_status: 'processing' });
  });
  it('lists the failed run in the connector runs log, without a manual refresh', async () => {
    const { conversationId } = await seedOrderConversation('Rex Runs', 'ORD-6106');
    const page = await openConversationPage(await aliceContext(), conversationId);
    const runs = page.getByTestId('connector-runs');
    await page.getByText('No connector has run on this conversation yet.').waitFor();

    await openRunConnectorFormFromPalette(page, 'Check warranty');
    await page.keyboard.press('Enter');
    await page.getByTestId('run-connector-error').waitFor();

    // The pipeline logged the run against this conversation...
    const logged = await server.api<{ data: { data_connector_name: string; success: boolean }[] }>('GET', `/conversations/${conversationId}/connector_runs`);
    expect(logged.body.data.map((r) => [r.data_connector_name, r.success])).toEqual([['Check warranty', false]]);
    // ...and the agent sees it in the log, with why it failed.
    await eventually(() => textOf(runs)).toContain('Check warranty');
    expect(await textOf(runs)).toMatch(/failed.*HTTP 500/);
  });
});

describe('message "..." menu', () => {
  it("runs a connector whose input is the message's text, and the API receives that text", async () => {
    const message = 'The export button crashes when I pick "CSV" & then Save';
    const { conversationId, partIds: [partId] } = await server.seedConversation({
      contact: { name: 'Mia Menu', email: 'mia@customer.test' },
      parts: [{ body: message }],
    });
    const page = await openConversationPage(await aliceContext(), conversationId);
    const part = page.getByTestId(`part-${partId}`);
    await part.hover();
    await page.getByTestId(`message-menu-${partId}`).click();
    await page.getByRole('menuitem', { name: /trigger data connector/i }).click();
    const form = await pickConnectorInPalette(page, 'Create bug ticket');
    expect(await form.getByRole('textbox').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toContain(message);
    const before = server.requestsTo('/tickets').length;
    await form.getByTestId('run-connector-submit').click();

    await resultCards(page).first().waitFor();
    const received = server.requestsTo('/tickets').slice(before);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ text: message });
  });
});

