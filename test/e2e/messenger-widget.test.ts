// The messenger widget embedded in a host page on another origin (served by
// the test's upstream on 127.0.0.1), as on a customer's website: style
// isolation, keyboard use, signed-in customers each getting their own data
// from a connector, a failed send kept and retried, and messages posted while
// the socket was down caught up after it reconnects.
import { SignJWT } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, newContext, screenshot, UI_TIMEOUT } from './support/browser-session.ts';
import { useBrowserSuite } from './support/browser-suite.ts';
import { bubbleTexts, openChat, sendMessage, widgetOf } from './support/messenger-widget-page.ts';

const suite = useBrowserSuite();
const { server, browser } = suite;

const BALANCES: Record<string, number> = { acct_A100: 1250, acct_B200: 98_765 };
const hostPages = new Map<string, string>();
let messengerSecret = '';
let pageCount = 0;

// Rules a careless (or hostile) site could have: every one of them would show
// in the widget if its styles leaked in.
const AGGRESSIVE_CSS = `
  html { font-size: 40px !important; }
  * { font-family: "Comic Sans MS", cursive !important; color: rgb(255, 0, 0) !important; letter-spacing: 6px !important; box-sizing: content-box !important; }
  body { line-height: 4 !important; text-transform: uppercase !important; }
  button { background: rgb(0, 255, 0) !important; border: 9px dashed rgb(255, 0, 255) !important; padding: 30px !important; font-size: 30px !important; }
  div, p, span { padding: 25px !important; margin: 25px !important; background: rgb(255, 255, 0) !important; }
  textarea { font-size: 50px !important; height: 300px !important; }
  .pb-bubble, .pb-launcher, .pb-panel { display: none !important; }
`;

function hostPage(boot: Record<string, unknown>, options: { css?: string; script?: string } = {}): string {
  const path = `/host/page-${++pageCount}`;
  hostPages.set(
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host ${pageCount}</title><style>${options.css ?? ''}</style></head>
<body><h1>Host shop</h1><button id="host-button" type="button">Host button</button>
<script>
  window.Patchbay = window.Patchbay || function () { (Patchbay.q = Patchbay.q || []).push(arguments); };
  window.handoffs = [];
  Patchbay('onHandoff', function (h) { window.handoffs.push(h); });
  ${options.script ?? ''}
  Patchbay('boot', ${JSON.stringify(boot)});
</script>
<script src="${server.url}/messenger/widget.js" async></script></body></html>`,
  );
  return `${server.upstream.url}${path}`;
}

const signJwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(messengerSecret));

beforeAll(async () => {
  server.route('/host/', (request) => {
    const html = hostPages.get(request.url);
    return html ? { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: html } : { status: 404, body: { error: 'no such page' } };
  });
  server.route('/billing/accounts/', (request) => {
    const id = decodeURIComponent(request.url.split('/')[3] ?? '');
    const cents = BALANCES[id];
    return cents === undefined ? { status: 404, body: { error: 'account_not_found' } } : { body: { account_id: id, balance_cents: cents, currency: 'usd' } };
  });
  await server.db.customAttributeDefinition.create({
    data: { workspaceId: server.workspaceId, target: 'contact', name: 'account_id', label: 'Account ID', type: 'string', protected: true },
  });
  const rotated = await server.api<{ secret: string }>('POST', '/messenger_security/rotate_secret');
  expect(rotated.status).toBe(200);
  messengerSecret = rotated.body.secret;
  await server.createLiveConnector({
    name: 'Get account balance',
    description: 'Returns the outstanding balance of the customer account. Use it when a customer asks whether they owe money or about their balance.',
    example_questions: ['Do I owe anything on my account?', 'What is my balance?'],
    url: `${server.upstream.url}/billing/accounts/{{user.account_id}}`,
    direct_fin_usage: true,
    customer_authentication: true,
    data_transformation_type: 'redacted_access',
    response_fields: [
      { path: 'balance_cents', type: 'integer', example_value: 4200, redacted: false, label: 'Outstanding balance', formatter: 'minor_units_to_amount', formatter_options: { currency: 'USD' }, selected: true },
    ],
  });
});

async function openHostPage(url: string, viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = suite.track(await newContext(browser, server, viewport && { viewport }));
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

describe('the messenger widget on a host page', () => {
  it('keeps the host page styles out of the widget and works from the keyboard', async () => {
    const { page } = await openHostPage(hostPage({ workspace_id: String(server.workspaceId) }, { css: AGGRESSIVE_CSS }));
    // The page's rules are live: they style the page's own button.
    expect(await page.locator('#host-button').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(0, 255, 0)');

    const widget = widgetOf(page);
    await widget.launcher.waitFor();
    const launcherStyle = await widget.launcher.evaluate((el) => {
      const s = getComputedStyle(el);
      return { background: s.backgroundColor, width: s.width, border: s.borderTopStyle, padding: s.paddingTop, display: s.display };
    });
    expect(launcherStyle).toEqual({ background: 'rgb(59, 91, 219)', width: '56px', border: 'none', padding: '0px', display: 'flex' });

    // Keyboard: Tab reaches the launcher, Enter opens, Enter sends, Escape closes.
    await widget.launcher.focus();
    await page.keyboard.press('Enter');
    await widget.panel.waitFor();
    await eventually(() => widget.input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await widget.root.locator('.pb-status:empty').waitFor({ state: 'attached' });
    await widget.root.getByText('Hi there').waitFor();
    await page.keyboard.type('Hello from a loud website');
    await page.keyboard.press('Enter');
    const mine = widget.message('Hello from a loud website');
    await mine.and(page.locator('[data-status="sent"]')).waitFor();
    expect(await widget.input.inputValue()).toBe('');

    const inside = await mine.locator('.pb-bubble').evaluate((el) => {
      const s = getComputedStyle(el);
      return { font: s.fontFamily, size: s.fontSize, color: s.color, spacing: s.letterSpacing, transform: s.textTransform, margin: s.marginTop, background: s.backgroundColor, display: s.display };
    });
    expect(inside.font).not.toMatch(/comic/i);
    expect(inside).toMatchObject({ size: '14px', color: 'rgb(255, 255, 255)', spacing: 'normal', transform: 'none', margin: '0px', background: 'rgb(59, 91, 219)', display: 'block' });
    const input = await widget.input.evaluate((el) => ({ size: getComputedStyle(el).fontSize, height: el.getBoundingClientRect().height, box: getComputedStyle(el).boxSizing }));
    expect(input.size).toBe('14px');
    expect(input.height).toBeLessThan(100);
    expect(input.box).toBe('border-box');
    // The message log is announced to screen readers.
    expect(await widget.root.getByRole('log', { name: 'Messages' }).getAttribute('aria-live')).toBe('polite');
    await screenshot(page, 'messenger-widget-style-isolation');

    await page.keyboard.press('Escape');
    await widget.panel.waitFor({ state: 'hidden' });
    expect(await widget.launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect(await widget.launcher.getAttribute('aria-expanded')).toBe('false');
  });

  it('fits a phone screen with the same margin on both sides, and Escape on the launcher closes the panel', async () => {
    const viewport = { width: 375, height: 667 };
    const { page } = await openHostPage(hostPage({ workspace_id: String(server.workspaceId) }), viewport);
    const widget = await openChat(page);
    const panel = (await widget.panel.boundingBox())!;
    const launcher = (await widget.launcher.boundingBox())!;
    const send = (await widget.root.getByRole('button', { name: 'Send' }).boundingBox())!;
    const right = viewport.width - (panel.x + panel.width);
    expect(panel.x).toBeGreaterThanOrEqual(8);
    expect(Math.abs(panel.x - right)).toBeLessThanOrEqual(1);
    expect(panel.y).toBeGreaterThanOrEqual(0);
    // Above the launcher, not under it, and the composer is on screen.
    expect(panel.y + panel.height).toBeLessThanOrEqual(launcher.y);
    expect(send.x + send.width).toBeLessThanOrEqual(viewport.width - 8);
    expect(launcher.x + launcher.width).toBeLessThanOrEqual(viewport.width);
    expect(launcher.y + launcher.height).toBeLessThanOrEqual(viewport.height);
    await screenshot(page, 'messenger-widget-phone');

    // The launcher (now "Close chat") has focus: Escape closes the panel from there too.
    await widget.launcher.focus();
    await page.keyboard.press('Escape');
    await widget.panel.waitFor({ state: 'hidden' });
    expect(await widget.launcher.getAttribute('aria-label')).toBe('Open chat');
  });

  it('says why it could not start while the server is down, starts by itself once it is back, and sends a message typed meanwhile on Retry', async () => {
    const context = suite.track(await newContext(browser, server));
    const page = await context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    // Only the script itself loads; every messenger call finds no server.
    const messengerCall = (url: URL) => url.origin === server.url && url.pathname.startsWith('/messenger/') && url.pathname !== '/messenger/widget.js';
    await page.route(messengerCall, (route) => route.abort('connectionrefused'));
    const jwt = await signJwt({ user_id: 'cust_h', email: 'hal@customer.test', name: 'Hal' });
    await page.goto(hostPage({ workspace_id: String(server.workspaceId), user_jwt: jwt }));
    const widget = widgetOf(page);
    await widget.launcher.click();
    await widget.panel.waitFor();
    // The widget's alert line (role alert; hidden again once empty).
    const alert = widget.root.locator('.pb-alert');
    await eventually(() => alert.textContent()).toMatch(/^The chat could not start: We could not reach the server\. Check your connection and try again\.Try again$/);
    await alert.getByRole('button', { name: 'Try again' }).waitFor();
    // No conversation yet, so nothing to leave.
    expect(await widget.root.getByRole('button', { name: 'New conversation' }).isVisible()).toBe(false);
    await screenshot(page, 'messenger-widget-server-down');

    await sendMessage(page, 'Is anyone there?');
    const failed = widget.message('Is anyone there?');
    await failed.and(page.locator('[data-status="failed"]')).waitFor();
    expect(await failed.locator('.pb-meta').textContent()).toContain('Not sent: We could not reach the server');

    // The server is back: the widget starts again without a click.
    await page.unroute(messengerCall);
    await eventually(() => alert.textContent(), 'the widget retries a start that failed for want of a server').toBe('');
    await eventually(() => widget.status.textContent()).toBe('');
    await failed.getByRole('button', { name: 'Retry' }).click();
    await widget.message('Is anyone there?').and(page.locator('[data-status="sent"]')).waitFor();
    await widget.botMessages.first().waitFor();
    // Nothing the session runs on reaches the console.
    const logged = consoleLines.join('\n');
    expect(logged).not.toContain('pbm_');
    expect(logged).not.toContain(jwt);
  });

  it('answers two signed-in customers (JWT signed by the host) with their own balance from the upstream', async () => {
    const first = await openHostPage(hostPage({ workspace_id: String(server.workspaceId), user_jwt: await signJwt({ user_id: 'cust_a', email: 'ada@customer.test', name: 'Ada', account_id: 'acct_A100' }) }));
    const second = await openHostPage(hostPage({ workspace_id: String(server.workspaceId), user_jwt: await signJwt({ user_id: 'cust_b', email: 'bo@customer.test', name: 'Bo', account_id: 'acct_B200' }) }));
    const question = 'Do I owe anything on my account?';
    for (const { page } of [first, second]) {
      await openChat(page);
      await sendMessage(page, question);
    }
    const firstAnswer = widgetOf(first.page).message(/Outstanding balance/);
    const secondAnswer = widgetOf(second.page).message(/Outstanding balance/);
    await firstAnswer.waitFor();
    await secondAnswer.waitFor();
    expect((await bubbleTexts(firstAnswer)).join('\n')).toContain('12.50 USD');
    expect((await bubbleTexts(secondAnswer)).join('\n')).toContain('987.65 USD');
    expect((await bubbleTexts(secondAnswer)).join('\n')).not.toContain('12.50');
    const calls = server.requestsTo('/billing/accounts/').map((r) => r.url);
    expect(calls).toEqual(expect.arrayContaining(['/billing/accounts/acct_A100', '/billing/accounts/acct_B200']));
    await screenshot(second.page, 'messenger-widget-second-customer');

    // A reload resumes the same session: the conversation is still there.
    await first.page.reload();
    await openChat(first.page);
    await widgetOf(first.page).message(/12\.50 USD/).waitFor();
  });

  it('keeps a message that could not be sent, retries it, and catches up on a reply posted while the socket was down', async () => {
    const { context, page } = await openHostPage(hostPage({ workspace_id: String(server.workspaceId), user_jwt: await signJwt({ user_id: 'cust_c', email: 'cy@customer.test', name: 'Cy' }) }));
    const widget = await openChat(page);
    await sendMessage(page, 'Hello, I have a question about shipping.');
    await widget.message('Hello, I have a question about shipping.').and(page.locator('[data-status="sent"]')).waitFor();
    const conversation = await server.db.conversation.findFirstOrThrow({ where: { workspaceId: server.workspaceId, contact: { externalId: 'cust_c' } } });
    // Wait for the agent's turn, so the only new part later is the teammate's.
    await widget.botMessages.first().waitFor();

    await context.setOffline(true);
    await eventually(() => widget.status.textContent()).toBe('Reconnecting…');

    // Sending while offline fails visibly and keeps the text.
    await sendMessage(page, 'Are you still there?');
    const failed = widget.message('Are you still there?');
    await failed.and(page.locator('[data-status="failed"]')).waitFor();
    expect(await failed.locator('.pb-meta').textContent()).toContain('Not sent: We could not reach the server');
    await screenshot(page, 'messenger-widget-send-failed');

    // A teammate answers meanwhile, through the REST API.
    const reply = await server.api('POST', `/conversations/${conversation.id}/reply`, { message_type: 'comment', body: 'Hi Cy, Alice from the team here.' });
    expect(reply.status).toBe(201);
    await page.waitForTimeout(300);
    expect(await widget.message('Hi Cy, Alice from the team here.').count()).toBe(0);

    await context.setOffline(false);
    const teammate = widget.message('Hi Cy, Alice from the team here.');
    await teammate.waitFor({ timeout: 30_000 });
    expect(await teammate.locator('.pb-author').textContent()).toBe(server.alice.name);
    await eventually(() => widget.status.textContent()).toBe('');

    await failed.getByRole('button', { name: 'Retry' }).click();
    await widget.message('Are you still there?').and(page.locator('[data-status="sent"]')).waitFor({ timeout: UI_TIMEOUT });
    // Every part shows once, however it arrived (POST answer, socket, catch-up fetch).
    const ids = await widget.root.locator('.pb-msg[data-part-id]').evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.partId));
    expect(new Set(ids).size).toBe(ids.length);
    const saved = await server.db.conversationPart.findMany({ where: { conversationId: conversation.id, partType: 'comment' }, select: { id: true } });
    expect(ids.sort()).toEqual(saved.map((p) => String(p.id)).sort());
    await screenshot(page, 'messenger-widget-reconnected');
  });

  it('calls the host page handoff function when the agent hands the conversation to the team', async () => {
    const { page } = await openHostPage(hostPage({ workspace_id: String(server.workspaceId), user_jwt: await signJwt({ user_id: 'cust_d', email: 'dee@customer.test', name: 'Dee' }) }));
    const widget = await openChat(page);
    // The very first message: the server puts the session's sockets in the new
    // conversation's room before the agent works, so its first events arrive.
    // Contract 3: messenger.typing while the agent works, messenger.handoff when it gives up.
    await widget.typing.evaluate((el) => {
      (window as unknown as { typingSeen: boolean }).typingSeen = false;
      // Read from the records, not the element: shown and hidden again can land in one batch.
      new MutationObserver((records) => {
        if (records.some((r) => r.attributeName === 'hidden' && r.oldValue !== null)) (window as unknown as { typingSeen: boolean }).typingSeen = true;
      }).observe(el, { attributes: true, attributeFilter: ['hidden'], attributeOldValue: true });
    });
    await sendMessage(page, 'My parrot learned to sing opera, is that normal?');
    await eventually(() => widget.botMessages.count()).toBe(1);
    await eventually(() => page.evaluate(() => (window as unknown as { handoffs: unknown[] }).handoffs.length)).toBe(1);
    const [handoff] = await page.evaluate(() => (window as unknown as { handoffs: { conversation_id: string; summary: string; email: string | null }[] }).handoffs);
    expect(handoff!.conversation_id).toMatch(/^\d+$/);
    expect(handoff!.summary).toContain('parrot');
    // Verified by the JWT, so the email is passed on.
    expect(handoff!.email).toBe('dee@customer.test');
    expect(await page.evaluate(() => (window as unknown as { typingSeen: boolean }).typingSeen)).toBe(true);
    await eventually(() => widget.typing.isHidden()).toBe(true);
  });

  it('runs a client-side connector through the function the host page registered, and reports a throwing one as failed', async () => {
    await server.createLiveConnector({
      name: 'Check cart total',
      description: 'Reads the total of the shopping cart in the customer browser. Use it when a customer asks how much is in their cart.',
      example_questions: ['How much is in my cart?', 'What is my cart total?'],
      execution_type: 'client_side',
      client_function_name: 'getCartTotal',
      client_function_timeout_ms: 5000,
      direct_fin_usage: true,
    });
    const script = `
      window.cartCalls = [];
      Patchbay('registerClientFunction', 'getCartTotal', function (inputs) {
        window.cartCalls.push(inputs);
        return new Promise(function (resolve) { setTimeout(function () { resolve({ cart_total: 'EUR 73.20', items: 3 }); }, 50); });
      });`;
    const { page } = await openHostPage(hostPage({ workspace_id: String(server.workspaceId), user_jwt: await signJwt({ user_id: 'cust_e', email: 'eve@customer.test', name: 'Eve' }) }, { script }));
    const widget = await openChat(page);
    await sendMessage(page, 'How much is in my cart?');
    const answer = widget.message(/EUR 73\.20/);
    await answer.waitFor();
    expect(await page.evaluate(() => (window as unknown as { cartCalls: unknown[] }).cartCalls.length)).toBe(1);
    const ok = await server.db.executionResult.findFirstOrThrow({ where: { workspaceId: server.workspaceId, sourceType: 'fin', dataConnector: { versions: { some: { name: 'Check cart total' } } } }, orderBy: { id: 'desc' } });
    expect(ok.success).toBe(true);

    const throwing = `Patchbay('registerClientFunction', 'getCartTotal', function () { throw new Error('cart storage unavailable'); });`;
    const second = await openHostPage(hostPage({ workspace_id: String(server.workspaceId), user_jwt: await signJwt({ user_id: 'cust_f', email: 'fay@customer.test', name: 'Fay' }) }, { script: throwing }));
    const secondWidget = await openChat(second.page);
    await sendMessage(second.page, 'How much is in my cart?');
    await secondWidget.botMessages.first().waitFor();
    await eventually(async () => {
      const failed = await server.db.executionResult.findFirst({ where: { workspaceId: server.workspaceId, success: false, errorType: 'client_side_action_error' }, orderBy: { id: 'desc' } });
      return failed?.errorMessage ?? null;
    }).toContain('cart storage unavailable');
    expect((await bubbleTexts(secondWidget.botMessages)).join('\n')).not.toContain('73.20');
  });

  it('asks to confirm a write connector with Yes/No buttons and runs it on Yes', async () => {
    server.route('/refunds', (request) => ({ status: 201, body: { refund_id: `re_${String(JSON.parse(request.body).order_id).replace(/\W/g, '')}`, status: 'pending' } }));
    await server.createLiveConnector({
      name: 'Request a refund',
      description: 'Files a refund request for an order. Use it when a customer asks for a refund of an order.',
      example_questions: ['Can I get a refund for my order?', 'I want a refund for order ORD-1234'],
      http_method: 'post',
      url: `${server.upstream.url}/refunds`,
      headers: [{ name: 'Content-Type', value: 'application/json' }],
      body: '{"order_id": "{{order_id}}"}',
      data_inputs: [{ name: 'order_id', type: 'string', description: 'The order number, like ORD-1234', required: true }],
      direct_fin_usage: true,
    });
    const { page } = await openHostPage(hostPage({ workspace_id: String(server.workspaceId), user_jwt: await signJwt({ user_id: 'cust_g', email: 'gus@customer.test', name: 'Gus' }) }));
    const widget = await openChat(page);
    await sendMessage(page, 'I want a refund for order ORD-4417');
    // Contract 1: the agent's question carries action confirm_action; the widget shows two buttons.
    const confirm = widget.root.locator('[data-action="confirm_action"]');
    await confirm.waitFor();
    expect(server.requestsTo('/refunds')).toHaveLength(0);
    await screenshot(page, 'messenger-widget-confirm-action');
    await confirm.getByRole('button', { name: 'Yes' }).click();
    await widget.message('Yes').waitFor();
    // Answered: the buttons are gone, and the refund was filed once.
    await confirm.waitFor({ state: 'detached' });
    await eventually(() => server.requestsTo('/refunds').length).toBe(1);
    expect(JSON.parse(server.requestsTo('/refunds')[0]!.body)).toEqual({ order_id: 'ORD-4417' });
    await widget.message(/re_ORD4417/).waitFor();
  });
});
