// What an agent does on the inbox page, by the stable data-testids and the
// keyboard, shared by the scenarios.
import type { Locator, Page } from 'playwright-core';
import { textOf } from './browser-session.ts';

export const conversationView = (page: Page) => page.getByTestId('conversation-view');
export const sidebarAttribute = (page: Page, name: string) => page.getByTestId('sidebar').getByTestId(`sidebar-attr-${name}`);
export const resultCards = (page: Page) => conversationView(page).getByTestId('connector-result-card');
// Every rendered message of the open conversation (part-<id>, nothing nested under it).
export const parts = (page: Page) => conversationView(page).locator('[data-testid^="part-"]');
export const partIds = (page: Page) => parts(page).evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-testid')));

export async function openPalette(page: Page): Promise<Locator> {
  await page.keyboard.press('Control+k');
  const input = page.getByTestId('palette-input');
  await input.waitFor();
  return input;
}

// Ctrl+K, "Trigger data connector", then the connector picked by typing its
// name: the keyboard only, as an agent who never leaves the keyboard would.
export async function openRunConnectorFormFromPalette(page: Page, connectorName: string): Promise<Locator> {
  await openPalette(page);
  await page.keyboard.type('Trigger data connector');
  await waitForHighlightedAction(page, /trigger data connector/i);
  await page.keyboard.press('Enter');
  return pickConnectorInPalette(page, connectorName);
}

// In the palette's list of connectors: filter by typing the name, Enter, and the form opens.
export async function pickConnectorInPalette(page: Page, connectorName: string): Promise<Locator> {
  await page.getByTestId('palette-input').waitFor();
  await page.keyboard.type(connectorName);
  await waitForHighlightedAction(page, new RegExp(escapeRegExp(connectorName), 'i'));
  await page.keyboard.press('Enter');
  const form = page.getByTestId('run-connector-form');
  await form.waitFor();
  // The dialog moves focus to its first field once it has mounted; an Enter
  // pressed before that lands on the page and runs nothing.
  await page.waitForFunction(() => document.querySelector('[data-testid="run-connector-form"]')?.contains(document.activeElement) === true);
  return form;
}

// kbar filters asynchronously; Enter before the list has settled would run whatever was first.
async function waitForHighlightedAction(page: Page, name: RegExp): Promise<void> {
  const option = page.getByRole('option', { name, selected: true });
  await option.first().waitFor();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function sidebarValue(page: Page, name: string): Promise<string | null> {
  return textOf(sidebarAttribute(page, name));
}
