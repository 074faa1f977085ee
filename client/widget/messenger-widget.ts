// One booted messenger: its session, its latest conversation, its socket and
// its UI (launcher + panel) inside a shadow root, so the host page's styles
// stay out and ours stay in.
import { io, type Socket } from 'socket.io-client';
import { h, timeOf } from './dom.ts';
import { MessengerApi, MessengerApiError, messageOf, type ConversationDetail, type MessengerPart } from './messenger-api.ts';
import { OtpForm } from './otp-form.ts';
import { clearSession, loadSession, saveSession, userKeyOf, type BootOptions, type StoredSession } from './session-store.ts';
import { WIDGET_CSS } from './widget-styles.ts';

export type ClientFunction = (inputs: Record<string, unknown>) => unknown;
export interface HandoffPayload {
  conversation_id: string;
  summary: string;
  email: string | null;
}

// What the host page registered; shared by every boot of the page.
export interface HostHooks {
  clientFunctions: Map<string, ClientFunction>;
  handoff: ((payload: HandoffPayload) => unknown) | null;
}

type PartStatus = 'sent' | 'sending' | 'failed';
interface LocalPart extends MessengerPart {
  status: PartStatus;
  // Set on messages typed here; keeps their element when the server's id arrives.
  localId?: string;
  error?: string;
  retryable?: boolean;
}

type Ack = (reply: unknown) => void;

const TYPING_TIMEOUT_MS = 60_000;
const JOIN_TIMEOUT_MS = 8_000;
// A start that failed on the way (no answer, 408, 429, 5xx) is tried again by
// itself after 2 s, 4 s, 8 s… up to 30 s; one the server refused is not.
const RESTART_MAX_DELAY_MS = 30_000;
const transient = (error: unknown) =>
  !(error instanceof MessengerApiError) || error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
let localIds = 0;

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z"/></svg>';

const byId = (a: LocalPart, b: LocalPart) => {
  // Messages still on their way go last, in the order they were typed.
  if (!a.id || !b.id) return a.id ? -1 : b.id ? 1 : 0;
  return Number(a.id) - Number(b.id);
};

export class MessengerWidget {
  private readonly api: MessengerApi;
  private readonly base: URL;
  private readonly hostElement: HTMLElement;
  private readonly ui: {
    launcher: HTMLButtonElement;
    panel: HTMLDivElement;
    status: HTMLDivElement;
    log: HTMLDivElement;
    empty: HTMLDivElement;
    typing: HTMLDivElement;
    alert: HTMLDivElement;
    input: HTMLTextAreaElement;
    newConversation: HTMLButtonElement;
  };
  private socket: Socket | null = null;
  private conversationId: string | null = null;
  private parts: LocalPart[] = [];
  private readonly elements = new Map<string, { element: HTMLElement; signature: string }>();
  private readonly otpForms = new Map<string, OtpForm>();
  private creating: Promise<void> | null = null;
  private ready: Promise<void> = Promise.resolve();
  private startFailed = false;
  private restarts = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;

  constructor(
    base: string,
    private readonly options: BootOptions,
    private readonly hooks: HostHooks,
  ) {
    this.base = new URL(base);
    this.api = new MessengerApi(base);
    this.hostElement = document.createElement('patchbay-messenger');
    const shadow = this.hostElement.attachShadow({ mode: 'open' });
    this.ui = this.buildUi(shadow);
    (document.body ?? document.documentElement).append(this.hostElement);
    void this.begin();
  }

  // ---- host API ----

  show() {
    this.ui.panel.hidden = false;
    this.ui.launcher.setAttribute('aria-expanded', 'true');
    this.ui.launcher.setAttribute('aria-label', 'Close chat');
    this.ui.launcher.innerHTML = CLOSE_ICON;
    this.scrollToEnd();
    this.ui.input.focus();
  }

  hide() {
    const hadFocus = this.hostElement.shadowRoot?.activeElement !== null && this.hostElement.shadowRoot?.activeElement !== this.ui.launcher;
    this.ui.panel.hidden = true;
    this.ui.launcher.setAttribute('aria-expanded', 'false');
    this.ui.launcher.setAttribute('aria-label', 'Open chat');
    this.ui.launcher.innerHTML = CHAT_ICON;
    if (hadFocus) this.ui.launcher.focus();
  }

  // `forget`: the host signed the person out; the next boot must not resume their session.
  destroy({ forget = false } = {}) {
    this.destroyed = true;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.hostElement.remove();
    if (forget) clearSession(this.base.href, this.options.workspace_id);
  }

  // ---- session and conversation ----

  private begin(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.startFailed = false;
    this.ready = this.start();
    this.ready.catch(() => {});
    return this.ready;
  }

  // What every call waits for: the started session. After a failed start
  // (server down at boot), the next call, a retry or "Try again" starts again.
  private whenReady(): Promise<void> {
    return this.startFailed ? this.begin() : this.ready;
  }

  private async start(): Promise<void> {
    this.setStatus('Connecting…');
    try {
      await this.openSession();
      await this.loadLatestConversation();
      // "Connecting…" stays until the socket's first connect clears it: until
      // then the agent's typing and hand-off events could not reach this page.
      this.connectSocket();
      this.restarts = 0;
      this.setAlert(null);
    } catch (error) {
      if (this.destroyed) throw error;
      this.startFailed = true;
      this.setStatus('');
      this.setAlert(`The chat could not start: ${messageOf(error)}`, () => void this.whenReady());
      if (transient(error)) {
        const delay = Math.min(RESTART_MAX_DELAY_MS, 2_000 * 2 ** this.restarts++);
        this.restartTimer = setTimeout(() => !this.destroyed && this.startFailed && void this.begin(), delay);
      }
      throw error;
    }
  }

  private async openSession(): Promise<void> {
    const userKey = userKeyOf(this.options);
    const stored = loadSession(this.base.href, this.options.workspace_id);
    // Resumed: a visitor (same lead) or a claimed user_id (whose conversations are
    // those of its session). An identity token boots afresh, so its claims
    // (email, protected attributes) apply and the session is verified; tokens
    // given at boot live in the server's memory of one session and need a boot too.
    if (stored && stored.user_key === userKey && !this.options.user_jwt && !this.options.auth_tokens) {
      this.api.token = stored.token;
      try {
        await this.api.session();
        return;
      } catch (error) {
        if (!(error instanceof MessengerApiError && error.sessionInvalid)) throw error;
      }
    }
    await this.boot(userKey, stored);
  }

  private async boot(userKey: string, stored: StoredSession | null): Promise<void> {
    const o = this.options;
    this.api.token = null;
    const answer = await this.api.boot({
      workspace_id: o.workspace_id,
      ...(o.user_jwt && { user_jwt: o.user_jwt }),
      ...(o.user_id && { user_id: o.user_id }),
      ...(o.email && { email: o.email }),
      ...(o.name && { name: o.name }),
      ...(o.auth_tokens && { auth_tokens: o.auth_tokens }),
      // The same visitor comes back as the same lead.
      ...(userKey === 'anon' && stored?.user_key === 'anon' && stored.anonymous_id && { anonymous_id: stored.anonymous_id }),
    });
    this.api.token = answer.session_token;
    saveSession(this.base.href, o.workspace_id, { token: answer.session_token, anonymous_id: answer.contact.anonymous_id, user_key: userKey });
  }

  // A new session for the same person, after the server ended the current one.
  private reboot(): Promise<void> {
    return this.boot(userKeyOf(this.options), loadSession(this.base.href, this.options.workspace_id));
  }

  // Runs a call; when the session has ended meanwhile, boots again and retries once.
  private async withSession<T>(call: () => Promise<T>): Promise<T> {
    await this.whenReady();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof MessengerApiError && error.sessionInvalid)) throw error;
      await this.reboot();
      this.socket?.disconnect().connect();
      return call();
    }
  }

  private async loadLatestConversation(): Promise<void> {
    const list = await this.api.listConversations();
    const latest = list.data[0];
    if (!latest) return this.renderLog();
    this.conversationId = latest.id;
    this.mergeParts((await this.api.getConversation(latest.id)).parts);
  }

  private startNewConversation() {
    if (this.conversationId) this.socket?.emit('messenger.leave', { conversation_id: this.conversationId });
    this.conversationId = null;
    this.parts = this.parts.filter((p) => p.status !== 'sent');
    this.otpForms.clear();
    this.setTyping(false);
    this.renderLog();
    this.ui.input.focus();
  }

  // ---- realtime ----

  private connectSocket() {
    const socket = io(this.base.origin, {
      path: `${this.base.pathname.replace(/\/$/, '')}/socket.io`,
      // A function, so every reconnect sends the current token (a reboot replaces it).
      auth: (cb) => cb({ messenger_token: this.api.token }),
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelayMax: 5_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.setStatus('');
      void this.joinAndCatchUp();
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') this.setStatus('Reconnecting…');
    });
    socket.on('connect_error', (error) => {
      this.setStatus('Reconnecting…');
      // A refused handshake is not retried by socket.io: the session ended, so boot again.
      if (/unauthorized/i.test(error.message) && !socket.active) {
        void this.reboot()
          .then(() => socket.connect())
          .catch(() => setTimeout(() => !this.destroyed && socket.connect(), 5_000));
      }
    });
    socket.on('messenger.part.created', (event: { conversation_id?: unknown; part?: MessengerPart }) => {
      if (event.part && String(event.conversation_id ?? event.part.conversation_id) === this.conversationId) this.receivePart(event.part);
    });
    socket.on('messenger.typing', (event: { conversation_id?: unknown; typing?: unknown }) => {
      if (String(event.conversation_id) === this.conversationId) this.setTyping(event.typing === true);
    });
    socket.on('messenger.handoff', (event: { conversation_id?: unknown; summary?: unknown; email?: unknown }) => {
      const handoff = this.hooks.handoff;
      if (!handoff) return;
      const payload: HandoffPayload = {
        conversation_id: String(event.conversation_id ?? ''),
        summary: typeof event.summary === 'string' ? event.summary : '',
        email: typeof event.email === 'string' ? event.email : null,
      };
      // The host's function must not break the chat, whatever it does.
      Promise.resolve()
        .then(() => handoff(payload))
        .catch((error: unknown) => console.error('Patchbay: the handoff function failed', error));
    });
    socket.on('messenger.client_function', (payload: { name?: unknown; inputs?: unknown }, ack?: Ack) => {
      void this.runClientFunction(payload, typeof ack === 'function' ? ack : () => {});
    });
  }

  // On every (re)connection: join the room, then fetch the conversation, so
  // parts written while the socket was away (or before it joined) show too.
  private async joinAndCatchUp(): Promise<void> {
    const id = this.conversationId;
    const socket = this.socket;
    if (!id || !socket?.connected) return;
    try {
      const reply = (await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('messenger.join', { conversation_id: id })) as { ok?: boolean; error?: string };
      if (!reply?.ok) this.setAlert(`Live updates are off: ${reply?.error ?? 'the conversation could not be joined'}`);
    } catch {
      // No answer in time: the next reconnection tries again; the fetch below still catches up.
    }
    try {
      const detail = await this.withSession(() => this.api.getConversation(id));
      if (this.conversationId === id) this.mergeParts(detail.parts);
    } catch (error) {
      this.setAlert(`Could not load the latest messages: ${messageOf(error)}`, () => void this.joinAndCatchUp());
    }
  }

  private async runClientFunction(payload: { name?: unknown; inputs?: unknown }, ack: Ack): Promise<void> {
    const name = typeof payload?.name === 'string' ? payload.name : '';
    const fn = this.hooks.clientFunctions.get(name);
    if (!fn) return ack({ ok: false, error: `No client function named "${name}" is registered on this page` });
    const inputs = payload.inputs && typeof payload.inputs === 'object' && !Array.isArray(payload.inputs) ? (payload.inputs as Record<string, unknown>) : {};
    let result: unknown;
    try {
      result = await fn(inputs);
    } catch (error) {
      return ack({ ok: false, error: error instanceof Error ? error.message || error.name : String(error) });
    }
    try {
      ack({ ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
    } catch {
      ack({ ok: false, error: `The client function "${name}" returned a value that is not JSON` });
    }
  }

  // ---- parts ----

  private receivePart(part: MessengerPart) {
    if (part.author.type !== 'customer') this.setTyping(false);
    if (this.parts.some((p) => p.id === part.id)) return this.mergeParts([part]);
    // Our own message, echoed before its POST answered: it is the oldest one on its way with that text.
    const mine = part.author.type === 'customer' ? this.parts.find((p) => p.status === 'sending' && !p.id && p.body === part.body) : undefined;
    if (mine) Object.assign(mine, part, { status: 'sent' as const });
    else this.parts.push({ ...part, status: 'sent' });
    this.parts.sort(byId);
    this.renderLog();
  }

  private mergeParts(serverParts: MessengerPart[]) {
    for (const part of serverParts) {
      const existing = this.parts.find((p) => p.id === part.id);
      if (existing) Object.assign(existing, part, { status: 'sent' as const });
      else this.parts.push({ ...part, status: 'sent' });
    }
    this.parts.sort(byId);
    this.renderLog();
  }

  // The POST answered: the typed message becomes the saved part, unless the socket brought it already.
  private settle(temp: LocalPart, part: MessengerPart) {
    const echoed = this.parts.find((p) => p.id === part.id && p !== temp);
    if (echoed) this.parts = this.parts.filter((p) => p !== temp);
    else Object.assign(temp, part, { status: 'sent' as const, error: undefined });
    this.parts.sort(byId);
    this.renderLog();
  }

  private send(text: string) {
    const body = text.trim();
    if (!body) return;
    const temp: LocalPart = {
      type: 'messenger_part',
      id: '',
      localId: `local-${++localIds}`,
      conversation_id: this.conversationId ?? '',
      author: { type: 'customer', name: null },
      body,
      created_at: new Date().toISOString(),
      status: 'sending',
    };
    this.parts.push(temp);
    this.renderLog();
    this.scrollToEnd();
    void this.deliver(temp);
  }

  private async deliver(temp: LocalPart): Promise<void> {
    temp.status = 'sending';
    temp.error = undefined;
    this.renderLog();
    try {
      await this.whenReady();
      // A first message starts the conversation; messages typed meanwhile wait for it.
      while (this.creating) await this.creating.catch(() => {});
      const id = this.conversationId;
      if (id) {
        this.settle(temp, await this.withSession(() => this.api.postMessage(id, temp.body)));
      } else {
        const creating = this.createConversation(temp);
        this.creating = creating;
        try {
          await creating;
        } finally {
          this.creating = null;
        }
      }
    } catch (error) {
      temp.status = 'failed';
      temp.error = messageOf(error);
      // A message the server refused as it is (too long) will not pass by retrying.
      temp.retryable = !(error instanceof MessengerApiError && error.status === 422);
      this.renderLog();
    }
  }

  private async createConversation(temp: LocalPart): Promise<void> {
    const detail: ConversationDetail = await this.withSession(() => this.api.startConversation(temp.body));
    this.conversationId = detail.id;
    const first = [...detail.parts].reverse().find((p) => p.author.type === 'customer' && p.body === temp.body);
    if (first) this.settle(temp, first);
    this.mergeParts(detail.parts);
    // The agent may answer before the socket is in the room: joining fetches once more.
    await this.joinAndCatchUp();
  }

  private setTyping(typing: boolean) {
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = null;
    this.ui.typing.hidden = !typing;
    // A lost "typing: false" must not leave the dots on forever.
    if (typing) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_TIMEOUT_MS);
    if (typing) this.scrollToEnd();
  }

  // ---- rendering ----

  private buildUi(shadow: ShadowRoot) {
    const style = h('style', {}, [WIDGET_CSS]);
    const panelId = 'pb-panel';
    const launcher = h('button', { type: 'button', class: 'pb-launcher', 'aria-label': 'Open chat', 'aria-expanded': 'false', 'aria-controls': panelId });
    launcher.innerHTML = CHAT_ICON;
    launcher.addEventListener('click', () => (this.ui.panel.hidden ? this.show() : this.hide()));

    const empty = h('div', { class: 'pb-empty' }, [h('strong', {}, ['Hi there 👋']), 'Ask us anything: our AI agent answers right away, and the team is here if it cannot.']);
    const log = h('div', { class: 'pb-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Messages', tabindex: '0' }, [empty]);
    const typing = h('div', { class: 'pb-typing', role: 'status', hidden: true }, [
      h('span', { class: 'pb-dots', 'aria-hidden': 'true' }, [h('span'), h('span'), h('span')]),
      'AI agent is typing…',
    ]);
    const status = h('div', { class: 'pb-status', role: 'status' });
    const alert = h('div', { class: 'pb-alert', role: 'alert' });
    const input = h('textarea', { id: 'pb-input', class: 'pb-input', rows: '1', placeholder: 'Write a message…', maxlength: '5000' });
    const send = h('button', { type: 'submit', class: 'pb-send' }, ['Send']);
    const form = h('form', { class: 'pb-composer' }, [h('label', { for: 'pb-input', class: 'pb-sr' }, ['Message']), input, send]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value;
      if (!text.trim()) return;
      input.value = '';
      this.send(text);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    // Shown once there is a conversation to leave.
    const newConversation = h('button', { type: 'button', class: 'pb-new', hidden: true, onclick: () => this.startNewConversation() }, ['New conversation']);
    const close = h('button', { type: 'button', class: 'pb-close', 'aria-label': 'Close chat', onclick: () => this.hide() }, ['×']);
    const panel = h('div', { id: panelId, class: 'pb-panel', role: 'dialog', 'aria-label': 'Chat with us', hidden: true }, [
      h('div', { class: 'pb-header' }, [h('h2', { class: 'pb-title' }, ['Chat with us']), newConversation, close]),
      status,
      log,
      typing,
      alert,
      form,
    ]);
    const root = h('div', { class: 'pb-root' }, [panel, launcher]);
    // Escape closes the panel from anywhere in the widget, the launcher included.
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !panel.hidden) {
        event.stopPropagation();
        this.hide();
      }
    });
    shadow.append(style, root);
    return { launcher, panel, status, log, empty, typing, alert, input, newConversation };
  }

  private setStatus(text: string) {
    if (this.ui.status.textContent !== text) this.ui.status.textContent = text;
  }

  private setAlert(text: string | null, retry?: () => void) {
    if (text === null) return this.ui.alert.replaceChildren();
    const again = retry
      ? h('button', { type: 'button', class: 'pb-link', onclick: () => { this.setAlert(null); retry(); } }, ['Try again'])
      : '';
    this.ui.alert.replaceChildren(h('span', {}, [text]), again);
  }

  private scrollToEnd() {
    const log = this.ui.log;
    requestAnimationFrame(() => (log.scrollTop = log.scrollHeight));
  }

  private renderLog() {
    const log = this.ui.log;
    this.ui.newConversation.hidden = this.conversationId === null;
    if (this.parts.length === 0) {
      log.replaceChildren(this.ui.empty);
      this.elements.clear();
      return;
    }
    this.ui.empty.remove();
    const lastVerify = [...this.parts].reverse().find((p) => p.action?.type === 'verify_email');
    let lastCustomer = -1;
    this.parts.forEach((p, i) => p.author.type === 'customer' && (lastCustomer = i));
    const wanted: HTMLElement[] = [];
    const keys = new Set<string>();
    this.parts.forEach((part, index) => {
      const key = part.localId ?? part.id;
      keys.add(key);
      const showOtp = part === lastVerify && !!this.conversationId;
      const confirmOpen = part.action?.type === 'confirm_action' && index > lastCustomer;
      const signature = JSON.stringify([part.id, part.body, part.status, part.error, part.action ?? null, showOtp, confirmOpen, part.author]);
      let entry = this.elements.get(key);
      if (!entry) {
        entry = { element: h('div', { class: 'pb-msg' }), signature: '' };
        this.elements.set(key, entry);
      }
      if (entry.signature !== signature) {
        this.fillMessage(entry.element, part, { showOtp, confirmOpen });
        entry.signature = signature;
      }
      wanted.push(entry.element);
    });
    for (const key of [...this.elements.keys()]) if (!keys.has(key)) this.elements.delete(key);
    wanted.forEach((element, i) => {
      if (log.children[i] !== element) log.insertBefore(element, log.children[i] ?? null);
    });
    while (log.children.length > wanted.length) log.lastElementChild!.remove();
    this.scrollToEnd();
  }

  private fillMessage(element: HTMLElement, part: LocalPart, state: { showOtp: boolean; confirmOpen: boolean }) {
    element.dataset.author = part.author.type;
    element.dataset.status = part.status;
    if (part.id) element.dataset.partId = part.id;
    const who = part.author.type === 'customer' ? 'You' : part.author.type === 'bot' ? 'AI agent' : (part.author.name ?? 'Support team');
    const meta: (Node | string)[] = [];
    if (part.status === 'sending') meta.push(h('span', {}, ['Sending…']));
    else if (part.status === 'failed') {
      meta.push(h('span', { class: 'pb-failed' }, [`Not sent: ${part.error ?? 'try again'}`]));
      if (part.retryable !== false) meta.push(h('button', { type: 'button', class: 'pb-link', onclick: () => void this.deliver(part) }, ['Retry']));
      meta.push(
        h('button', {
          type: 'button',
          class: 'pb-link',
          onclick: () => {
            // Back into the composer: the typed text is never lost.
            this.parts = this.parts.filter((p) => p !== part);
            this.ui.input.value = part.body + (this.ui.input.value ? `\n${this.ui.input.value}` : '');
            this.renderLog();
            this.ui.input.focus();
          },
        }, ['Edit']),
      );
    } else meta.push(h('span', {}, [timeOf(part.created_at)]));

    const children: Node[] = [
      h('div', { class: 'pb-author' }, [who]),
      h('div', { class: 'pb-bubble' }, [part.body]),
      h('div', { class: 'pb-meta' }, meta),
    ];
    if (state.showOtp && this.conversationId) {
      let form = this.otpForms.get(part.id);
      if (!form) {
        form = new OtpForm(this.api, this.conversationId);
        this.otpForms.set(part.id, form);
      }
      children.push(form.element);
    }
    if (state.confirmOpen) {
      children.push(
        h('div', { class: 'pb-action', 'data-action': 'confirm_action' }, [
          h('div', { class: 'pb-row' }, [
            h('button', { type: 'button', class: 'pb-btn', onclick: () => this.send('Yes') }, ['Yes']),
            h('button', { type: 'button', class: 'pb-btn pb-secondary', onclick: () => this.send('No') }, ['No']),
          ]),
        ]),
      );
    }
    element.replaceChildren(...children);
  }
}
