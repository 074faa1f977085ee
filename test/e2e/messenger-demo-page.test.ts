// The demo as `npm start` shows it: the /demo host page ("Acme") embeds the
// widget with one script tag; signed-in customers boot with an identity JWT
// the server signed; the built-in agent runs the "Get account balance"
// connector against the demo API (served on 127.0.0.1 by the same process)
// and answers each customer with their own balance.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, eventually, screenshot } from './support/browser-session.ts';
import { DESKTOP, launchChromium } from './support/chromium.ts';
import { startDemoE2eServer, type DemoE2eServer } from './support/demo-e2e-server.ts';
import { bubbleTexts, openChat, sendMessage, widgetOf } from './support/messenger-widget-page.ts';

let server: DemoE2eServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  server = await startDemoE2eServer();
  browser = await launchChromium();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function demoPage(persona: string): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(UI_TIMEOUT);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[browser error] ${error.message}\n`));
  await page.goto(`${server.url}/demo?as=${persona}`);
  return page;
}

const BALANCE_QUESTION = 'Do I owe anything on my account?';

describe('the demo host page', () => {
  it('answers two signed-in customers, each with their own balance, and keeps the JWT secret on the server', async () => {
    const maria = await demoPage('maria');
    const html = await maria.content();
    // The page carries a signed token, never the workspace's messenger secret.
    const workspace = await server.db.workspace.findUniqueOrThrow({ where: { id: server.workspaceId } });
    expect(workspace.messengerSecretEncrypted).not.toBeNull();
    expect(html).toMatch(/"user_jwt":"eyJ[\w-]+\.[\w-]+\.[\w-]+"/);
    expect(html).not.toContain(workspace.messengerSecretEncrypted!);

    const mariaWidget = await openChat(maria);
    // A verified user sees their history: the seeded conversation.
    await mariaWidget.message(/I thought my last invoice was paid/).waitFor();
    await sendMessage(maria, BALANCE_QUESTION);
    await mariaWidget.message(BALANCE_QUESTION).and(maria.locator('[data-status="sent"]')).waitFor();
    const mariaAnswer = mariaWidget.message(/Outstanding balance/);
    await mariaAnswer.waitFor();
    expect(await bubbleTexts(mariaAnswer)).toEqual([expect.stringContaining('Outstanding balance: 42.00 USD')]);
    await screenshot(maria, 'messenger-demo-maria-balance');

    const li = await demoPage('li');
    const liWidget = await openChat(li);
    // Li's history, not Maria's.
    await liWidget.message(/ORD-5521/).waitFor();
    expect(await liWidget.message(/last invoice was paid/).count()).toBe(0);
    // A teammate has replied in that conversation, so the team answers there; the AI agent answers in a new one.
    await li.locator('patchbay-messenger').getByRole('button', { name: 'New conversation' }).click();
    await sendMessage(li, BALANCE_QUESTION);
    const liAnswer = liWidget.message(/Outstanding balance/);
    await liAnswer.waitFor();
    const liText = (await bubbleTexts(liAnswer)).join('\n');
    expect(liText).toContain('Outstanding balance: 0.00 USD');
    expect(liText).not.toContain('42.00');
    await screenshot(li, 'messenger-demo-li-balance');

    // Each answer came from a real run of the connector for that contact.
    const runs = await server.db.executionResult.findMany({ where: { workspaceId: server.workspaceId, sourceType: 'fin', success: true }, select: { requestUrl: true } });
    const urls = runs.map((r) => r.requestUrl);
    expect(urls.some((u) => u?.endsWith('/demo-api/accounts/acct_1001/balance'))).toBe(true);
    expect(urls.some((u) => u?.endsWith('/demo-api/accounts/acct_1002/balance'))).toBe(true);
  });

  it('steps an unverified customer up with an emailed code: a wrong code shows the attempts left, the right one gets the answer', async () => {
    const jon = await demoPage('jon');
    const widget = await openChat(jon);
    await sendMessage(jon, BALANCE_QUESTION);
    // Contract 1: the agent's part carries action verify_email; the widget shows the code form under it.
    const form = widget.root.locator('[data-action="verify_email"]');
    await form.getByRole('button', { name: 'Send me a code' }).click();
    const codeInput = form.getByRole('textbox', { name: 'Verification code' });
    await codeInput.waitFor();
    const hint = form.locator('[data-otp-hint]');
    await eventually(() => hint.textContent()).toMatch(/^\d attempts left · expires at \d{1,2}:\d{2}/);
    const attempts = Number((await hint.textContent())!.split(' ')[0]);
    expect(attempts).toBeGreaterThan(1);
    // The address the code went to, masked by the server.
    expect(await form.textContent()).toContain('We sent a code to j***@example.org.');

    let code: string | null = null;
    await eventually(async () => (code = await server.latestOtpCode('jon@example.org'))).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '111111' : '000000';
    await codeInput.fill(wrong);
    await codeInput.press('Enter');
    const left = attempts - 1;
    await eventually(() => form.getByRole('alert').textContent()).toBe(`That code is not right; ${left} ${left === 1 ? 'try' : 'tries'} left.`);
    expect(await hint.textContent()).toMatch(new RegExp(`^${left} attempts? left`));
    await screenshot(jon, 'messenger-demo-otp-wrong-code');

    await codeInput.fill(code!);
    await form.getByRole('button', { name: 'Verify' }).click();
    await form.getByText(/Verified/).waitFor();
    // Contract 2: the server resumes the question by itself once the code is verified.
    const answer = widget.message(/Outstanding balance/);
    await answer.waitFor();
    expect((await bubbleTexts(answer)).join('\n')).toContain('Outstanding balance: 129.00 USD');
    await screenshot(jon, 'messenger-demo-otp-answered');

    // Jon only claimed his user_id, so he sees just the conversations of his own
    // session: the reload resumes that session (kept in localStorage), not a new one.
    await jon.reload();
    const resumed = await openChat(jon);
    await resumed.message(/Outstanding balance: 129\.00 USD/).waitFor();
  });

  it('lets an anonymous visitor chat as a lead and resumes the same lead after a reload', async () => {
    const page = await demoPage('visitor');
    const widget = await openChat(page);
    await widget.root.getByText('Hi there').waitFor();
    await sendMessage(page, 'Hello, do you ship to Canada?');
    await widget.message('Hello, do you ship to Canada?').and(page.locator('[data-status="sent"]')).waitFor();
    const anonymousId = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.startsWith('patchbay.messenger:'))?.[1]);
    expect(JSON.parse(anonymousId!).anonymous_id).toMatch(/^anon_/);

    const leadCount = await server.db.contact.count({ where: { workspaceId: server.workspaceId, role: 'lead' } });
    await page.reload();
    const again = await openChat(page);
    await again.message('Hello, do you ship to Canada?').waitFor();
    const leads = await server.db.contact.findMany({ where: { workspaceId: server.workspaceId, anonymousId: JSON.parse(anonymousId!).anonymous_id } });
    expect(leads).toHaveLength(1);
    expect(leads[0]!.role).toBe('lead');
    expect(await widgetOf(page).customerMessages.count()).toBeGreaterThanOrEqual(1);

    // The stored session ended on the server (expired, revoked): the widget boots
    // again with the stored anonymous_id and is back in the same lead's conversation.
    const ended = await server.db.messengerSession.deleteMany({ where: { contactId: leads[0]!.id } });
    expect(ended.count).toBeGreaterThan(0);
    await page.reload();
    const rebooted = await openChat(page);
    await rebooted.message('Hello, do you ship to Canada?').waitFor();
    expect(await server.db.contact.count({ where: { workspaceId: server.workspaceId, role: 'lead' } })).toBe(leadCount);
    expect(await server.db.messengerSession.count({ where: { contactId: leads[0]!.id } })).toBe(1);
  });

  it('fits a phone screen: no sideways scrolling, and the chat launcher is on screen', async () => {
    const page = await demoPage('jon');
    await page.setViewportSize({ width: 375, height: 667 });
    const launcher = widgetOf(page).launcher;
    await launcher.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const box = await launcher.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    expect(box!.y + box!.height).toBeLessThanOrEqual(667);
  });
});
