// Scenario 7: the inbox at phone width (400x800).
import { expect, it } from 'vitest';
import { screenshot, signedInContext, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';
import { NARROW } from './support/chromium.ts';
import { conversationView } from './support/inbox-page.ts';

const { server, browser } = useBrowserSuite();

it('shows the list, opens a conversation full width with a back control, and goes back to the list', async () => {
  const { conversationId } = await server.seedConversation({ contact: { name: 'Nora Narrow', email: 'nora@customer.test' }, parts: [{ body: 'Typing this on my phone' }] });
  const context = await signedInContext(browser, server, server.alice, { viewport: NARROW });
  const page = await context.newPage();
  await page.goto('/inbox');

  const list = page.getByTestId('conversation-list');
  const row = page.getByTestId(`conversation-row-${conversationId}`);
  await row.waitFor();
  expect(await textOf(row)).toContain('Nora Narrow');
  // Nothing wider than the window: no sideways scrolling to reach the list.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(NARROW.width);

  await row.click();
  const view = conversationView(page);
  await view.getByText('Typing this on my phone').waitFor();
  const viewBox = await view.boundingBox();
  expect(viewBox!.width).toBeGreaterThan(NARROW.width * 0.9);
  expect(await list.isVisible()).toBe(false);
  const back = page.getByRole('button', { name: /back/i }).or(page.getByRole('link', { name: /back/i }));
  await back.first().waitFor();
  await screenshot(page, 'narrow-conversation');

  await back.first().click();
  await row.waitFor();
  expect(await list.isVisible()).toBe(true);
  await screenshot(page, 'narrow-list');
  await context.close();
});
