// Scenario 1: an admin signs in with email and password and lands in the inbox.
import { expect, it } from 'vitest';
import { newContext, screenshot, textOf } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';

const { server, browser } = useBrowserSuite();

it('signs in with email and password and shows the conversation list, newest first', async () => {
  const older = await server.seedConversation({ contact: { name: 'Olga Older', email: 'olga@customer.test' }, parts: [{ body: 'My invoice looks wrong' }] });
  const newer = await server.seedConversation({ contact: { name: 'Nina Newer', email: 'nina@customer.test' }, parts: [{ body: 'Where is my parcel?' }] });
  const context = await newContext(browser, server);
  const page = await context.newPage();

  await page.goto('/');
  await page.getByLabel('Email').fill(server.alice.email);
  await page.getByLabel('Password').fill(server.alice.password);
  await screenshot(page, 'sign-in');
  await page.getByLabel('Password').press('Enter');

  const list = page.getByTestId('conversation-list');
  await list.waitFor();
  const newerRow = list.getByTestId(`conversation-row-${newer.conversationId}`);
  const olderRow = list.getByTestId(`conversation-row-${older.conversationId}`);
  await newerRow.waitFor();
  expect(await textOf(newerRow)).toContain('Nina Newer');
  expect(await textOf(newerRow)).toContain('Where is my parcel?');
  expect(await textOf(olderRow)).toContain('Olga Older');
  // Last activity first: the newer conversation's row comes before the older one's.
  const order = await list.locator('[data-testid^="conversation-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
  expect(order.indexOf(`conversation-row-${newer.conversationId}`)).toBeLessThan(order.indexOf(`conversation-row-${older.conversationId}`));
  await screenshot(page, 'inbox-list');
  await context.close();
});

it('refuses a wrong password and stays on the sign-in form', async () => {
  const context = await newContext(browser, server);
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Email').fill(server.alice.email);
  await page.getByLabel('Password').fill('not the password at all');
  await page.getByLabel('Password').press('Enter');
  await page.getByRole('alert').waitFor();
  expect(await textOf(page.getByRole('alert'))).toMatch(/email or password|credentials/i);
  expect(await page.getByTestId('conversation-list').count()).toBe(0);
  await context.close();
});
