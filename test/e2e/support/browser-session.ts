// Browser contexts signed in as a seeded admin, screenshots, and the waiting
// helpers the scenarios use instead of sleeps.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DESKTOP } from './chromium.ts';
import type { E2eServer, SeededAdmin } from './e2e-server.ts';

const SCREENSHOT_DIR = fileURLToPath(new URL('../../../test-results/screenshots', import.meta.url));

// Long enough for a cold page on a busy CI machine; the waits end as soon as the state is there.
export const UI_TIMEOUT = 15_000;

export interface ContextOptions {
  viewport?: { width: number; height: number };
}

// A fresh context (own cookies, own socket) whose pages show uncaught errors in the test output.
export async function newContext(browser: Browser, server: E2eServer, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url, viewport: options.viewport ?? DESKTOP });
  context.setDefaultTimeout(UI_TIMEOUT);
  context.on('page', (page) => {
    page.on('pageerror', (error) => process.stderr.write(`[browser error] ${error.message}\n`));
  });
  return context;
}

// Signs in through POST /auth/login inside the context, so its pages share the
// session cookie; the sign-in form itself is covered by its own scenario.
export async function signedInContext(browser: Browser, server: E2eServer, admin: SeededAdmin, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await newContext(browser, server, options);
  const response = await context.request.post('/auth/login', { data: { email: admin.email, password: admin.password } });
  if (response.status() !== 200) throw new Error(`sign-in as ${admin.email} failed: ${response.status()} ${await response.text()}`);
  return context;
}

export async function openConversationPage(context: BrowserContext, conversationId: number): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`/inbox/conversations/${conversationId}`);
  await page.getByTestId('conversation-view').waitFor();
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

// Polls until the assertion inside holds (vitest's expect.poll with the UI timeout).
export const eventually = <T>(read: () => T | Promise<T>, message?: string) => expect.poll(read, { timeout: UI_TIMEOUT, interval: 100, ...(message && { message }) });

export const textOf = async (locator: Locator) => ((await locator.count()) === 0 ? null : ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim());

// A value only this document holds: if it is still there later, the page was
// not reloaded or navigated away in between.
export async function markDocument(page: Page): Promise<string> {
  const marker = `e2e-${Math.random().toString(36).slice(2)}`;
  await page.evaluate((value) => {
    (window as unknown as { __e2eMarker?: string }).__e2eMarker = value;
  }, marker);
  return marker;
}

export const documentMarker = (page: Page) => page.evaluate(() => (window as unknown as { __e2eMarker?: string }).__e2eMarker ?? null);
