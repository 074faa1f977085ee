// The whole customer path on a fresh demo started like `npx patchbay`: a
// visitor opens the messenger, asks about an order, and the built-in agent
// answers with what the demo API says about it; a question no connector
// covers goes to the team.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startMessengerServer, type MessengerServer } from '../../support/agent-fixtures.ts';

let demo: MessengerServer;

beforeAll(async () => {
  demo = await startMessengerServer();
});
afterAll(async () => {
  await demo?.close();
});

const messenger = (method: string, route: string, body: unknown) => demo.messenger(method, route, body);
const botReplies = (conversationId: string, count: number) => demo.botReplies(conversationId, count);

it('answers an order question with the demo API’s data for that order', async () => {
  const started = await messenger('POST', '/conversations', { body: 'Where is my order ORD-5521?' });
  expect(started.status).toBe(201);
  const [reply] = await botReplies(started.body.id, 1);
  expect(reply).toMatch(/in_transit|in transit/i);
  expect(reply).toContain('UPS');
});

it('asks for the order number when the message has none, then answers', async () => {
  const started = await messenger('POST', '/conversations', { body: 'Can you look up my order?' });
  const [ask] = await botReplies(started.body.id, 1);
  expect(ask).toMatch(/order/i);
  expect(ask).not.toContain('UPS');
  expect((await messenger('POST', `/conversations/${started.body.id}/messages`, { body: 'ORD-5521' })).status).toBe(201);
  const replies = await botReplies(started.body.id, 2);
  expect(replies[1]).toContain('UPS');
});

it('hands a question no connector covers to the team', async () => {
  const started = await messenger('POST', '/conversations', { body: 'What is the weather like in Lisbon?' });
  const [reply] = await botReplies(started.body.id, 1);
  expect(reply).toMatch(/team/i);
});
