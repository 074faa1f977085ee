// Scenario 8: a message that arrives while the page's socket is cut off shows
// up once it reconnects, without a reload.
import { expect, it } from 'vitest';
import { documentMarker, eventually, markDocument, openConversationPage, signedInContext } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';
import { conversationView } from './support/inbox-page.ts';

const { server, browser } = useBrowserSuite();

// socket.io backs off between attempts while the network is down; the wait covers its longest delay.
const RECONNECT_TIMEOUT = 30_000;

it('shows a reply posted while the socket was disconnected after it reconnects', async () => {
  const { conversationId } = await server.seedConversation({ contact: { name: 'Otto Offline', email: 'otto@customer.test' }, parts: [{ body: 'Is anyone there?' }] });
  const context = await signedInContext(browser, server, server.alice);
  const page = await openConversationPage(context, conversationId);
  const status = page.getByTestId('live-status');
  const liveState = () => status.getAttribute('data-status');
  await eventually(liveState).toBe('live');
  const marker = await markDocument(page);

  // Offline closes the page's WebSocket at once (and fails any polling).
  await context.setOffline(true);
  await eventually(liveState).toMatch(/^(offline|reconnecting)$/);

  // Bob answers meanwhile, through the API as his own browser would.
  const bob = await browser.newContext({ baseURL: server.url });
  const login = await bob.request.post('/auth/login', { data: { email: server.bob.email, password: server.bob.password } });
  const { csrf_token: csrf } = (await login.json()) as { csrf_token: string };
  const reply = await bob.request.post(`/api/conversations/${conversationId}/reply`, { data: { message_type: 'comment', body: 'Yes! Bob here, on it.' }, headers: { 'X-CSRF-Token': csrf } });
  expect(reply.status(), await reply.text()).toBe(201);
  await bob.close();
  expect(await conversationView(page).getByText('Yes! Bob here, on it.').count()).toBe(0);

  await context.setOffline(false);
  await conversationView(page).getByText('Yes! Bob here, on it.').waitFor({ timeout: RECONNECT_TIMEOUT });
  await eventually(liveState).toBe('live');
  expect(await documentMarker(page)).toBe(marker);
  await context.close();
});
