// The widget's HTTP side: the /messenger endpoints of the Patchbay server the
// script was loaded from. No cookies: every call carries the session token.

export type PartAction = { type: 'verify_email' } | { type: 'confirm_action'; connector_name: string };

export interface MessengerPart {
  type: 'messenger_part';
  id: string;
  conversation_id: string;
  author: { type: 'customer' | 'admin' | 'bot'; name: string | null };
  body: string;
  created_at: string;
  action?: PartAction | null;
}

export interface ConversationSummary {
  type: 'messenger_conversation';
  id: string;
  open: boolean;
  created_at: string;
  last_activity_at: string;
}

export interface ConversationDetail extends ConversationSummary {
  parts: MessengerPart[];
}

export interface SessionContact {
  id: string;
  user_id: string | null;
  anonymous_id: string | null;
  email: string | null;
  name: string | null;
}

export interface BootAnswer {
  session_token: string;
  identity_verified: boolean;
  contact: SessionContact;
}

export interface SessionAnswer {
  identity_verified: boolean;
  contact: SessionContact;
}

export interface OtpChallenge {
  email: string;
  expires_at: string;
  attempts_left: number;
  resend_available_at: string;
}

export interface OtpVerification {
  verified: true;
  email: string;
  verified_until: string;
}

// An answer other than 2xx, or no answer at all (status 0).
export class MessengerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { attempts_left?: number; expires_at?: string; retry_after_seconds?: number } = {},
  ) {
    super(message);
  }

  get sessionInvalid(): boolean {
    return this.status === 401;
  }
}

// What the customer is shown for a failed call: the server's message, or a generic one.
export const messageOf = (error: unknown) => (error instanceof Error ? error.message : 'Something went wrong; try again.');

interface ErrorList {
  errors?: { code?: string; message?: string }[];
  attempts_left?: number;
  expires_at?: string;
  retry_after_seconds?: number;
}

export class MessengerApi {
  token: string | null = null;

  constructor(readonly origin: string) {}

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}/messenger${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
          ...(this.token && { Authorization: `Bearer ${this.token}` }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
      });
    } catch {
      throw new MessengerApiError(0, 'network_error', 'We could not reach the server. Check your connection and try again.');
    }
    const text = await response.text().catch(() => '');
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      const list = (json ?? {}) as ErrorList;
      const first = list.errors?.[0];
      throw new MessengerApiError(response.status, first?.code ?? 'server_error', first?.message ?? `The server answered ${response.status}; try again.`, {
        ...(typeof list.attempts_left === 'number' && { attempts_left: list.attempts_left }),
        ...(typeof list.expires_at === 'string' && { expires_at: list.expires_at }),
        ...(typeof list.retry_after_seconds === 'number' && { retry_after_seconds: list.retry_after_seconds }),
      });
    }
    return json as T;
  }

  boot(body: Record<string, unknown>) {
    return this.call<BootAnswer>('POST', '/boot', body);
  }
  session() {
    return this.call<SessionAnswer>('GET', '/session');
  }
  listConversations() {
    return this.call<{ data: ConversationSummary[] }>('GET', '/conversations');
  }
  getConversation(id: string) {
    return this.call<ConversationDetail>('GET', `/conversations/${encodeURIComponent(id)}`);
  }
  startConversation(body: string) {
    return this.call<ConversationDetail>('POST', '/conversations', { body });
  }
  postMessage(conversationId: string, body: string) {
    return this.call<MessengerPart>('POST', `/conversations/${encodeURIComponent(conversationId)}/messages`, { body });
  }
  requestOtp(conversationId: string) {
    return this.call<OtpChallenge>('POST', '/otp/request', { conversation_id: conversationId });
  }
  verifyOtp(conversationId: string, code: string) {
    return this.call<OtpVerification>('POST', '/otp/verify', { conversation_id: conversationId, code });
  }
}
