// Driving the messenger widget on a host page. The widget lives in an open
// shadow root; Playwright's role and CSS locators reach into it.
import type { Locator, Page } from 'playwright-core';

const exactly = (text: string) => new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

export const widgetOf = (page: Page) => {
  const root = page.locator('patchbay-messenger');
  return {
    root,
    launcher: root.locator('.pb-launcher'),
    panel: root.getByRole('dialog', { name: 'Chat with us' }),
    input: root.getByRole('textbox', { name: 'Message' }),
    messages: root.locator('.pb-msg'),
    botMessages: root.locator('.pb-msg[data-author="bot"]'),
    customerMessages: root.locator('.pb-msg[data-author="customer"]'),
    typing: root.locator('.pb-typing'),
    status: root.locator('.pb-status'),
    // A string matches a whole bubble; a RegExp any part of one.
    message: (text: string | RegExp): Locator => root.locator('.pb-msg').filter({ has: page.locator('.pb-bubble', { hasText: typeof text === 'string' ? exactly(text) : text }) }),
  };
};

export async function openChat(page: Page): Promise<ReturnType<typeof widgetOf>> {
  const widget = widgetOf(page);
  await widget.root.getByRole('button', { name: 'Open chat' }).click();
  await widget.panel.waitFor();
  // Booted: the "Connecting…" status is gone.
  await widget.root.locator('.pb-status:empty').waitFor({ state: 'attached' });
  return widget;
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  const widget = widgetOf(page);
  await widget.input.fill(text);
  await widget.input.press('Enter');
}

export async function bubbleTexts(locator: Locator): Promise<string[]> {
  return (await locator.locator('.pb-bubble').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}
