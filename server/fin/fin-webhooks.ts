// The Fin Agent API's events, delivered to the workspace's webhook URL:
// fin_replied (the agent's reply) and fin_status_updated (awaiting_user_reply,
// escalated, complete). Each body is signed with HMAC-SHA256 under the
// workspace's webhook secret, sent as `X-Fin-Agent-API-Webhook-Signature:
// sha256=<hex>` (the header the reference names), so a receiver can check it
// over the raw bytes. Deliveries go through the connectors' SSRF-guarded HTTP
// client with a short retry policy, never while an API request waits, and
// failures are logged with the target's origin only (no secret, no signature).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { sendRequest, type SendDeps } from '../connectors/http/send-request.ts';
import { SendError } from '../connectors/http/send-error.ts';
import type { RetryPolicy } from '../connectors/http/retry-policy.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { FIN_SIGNATURE_HEADER } from './fin-webhook-settings.ts';

export type FinReplyStatus = 'replying' | 'awaiting_user_reply' | 'complete';
export type FinStatus = 'thinking' | 'awaiting_user_reply' | 'escalated' | 'resolved' | 'complete';

export interface FinAgentMessageJson {
  author: 'fin';
  body: string;
  timestamp: string;
  timestamp_ms: string;
}

export interface FinRepliedEvent {
  event_name: 'fin_replied';
  conversation_id: string;
  user_id: string;
  message: FinAgentMessageJson;
  status: FinReplyStatus;
  created_at_ms: string;
}

export interface FinStatusUpdatedEvent {
  event_name: 'fin_status_updated';
  conversation_id: string;
  user_id: string;
  status: Exclude<FinStatus, 'thinking'>;
  reason?: string;
  created_at_ms: string;
}

export type FinEvent = FinRepliedEvent | FinStatusUpdatedEvent;

export interface FinWebhookDeps {
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  http: SendDeps;
}

// Three tries in all, a few seconds at most: the receiver dedupes with the
// Idempotency-Key, which is what lets a POST be retried after a 5xx.
export const WEBHOOK_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 400, maxDelayMs: 2_000, minAttemptMs: 250 };
const WEBHOOK_BUDGET_MS = 10_000;
const MAX_RECEIVER_RESPONSE_BYTES = 16 * 1024;

const signatureOf = (secret: string, rawBody: string | Buffer) => `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;

/** What a receiver does: recompute over the raw body and compare in constant time. */
export function verifyFinSignature(secret: string, rawBody: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signatureOf(secret, rawBody));
  const given = Buffer.from(header.trim());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type DeliveryOutcome =
  | { delivered: true; status: number; attempts: number }
  | { delivered: false; reason: 'not_configured' | 'rejected' | 'failed'; status?: number; attempts: number };

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
};

/** Sends one event to the workspace's webhook, if one is set. Never throws. */
export async function deliverFinEvent(deps: FinWebhookDeps, workspaceId: number, event: FinEvent): Promise<DeliveryOutcome> {
  const log = { workspaceId, event: event.event_name, conversationId: event.conversation_id, status: event.status };
  try {
    const workspace = await deps.db.workspace.findUnique({ where: { id: workspaceId }, select: { finWebhookUrl: true, finWebhookSecretEncrypted: true } });
    if (!workspace?.finWebhookUrl || !workspace.finWebhookSecretEncrypted) return { delivered: false, reason: 'not_configured', attempts: 0 };
    const body = JSON.stringify(event);
    const secret = deps.secrets.decrypt(workspace.finWebhookSecretEncrypted);
    const target = originOf(workspace.finWebhookUrl);
    try {
      const result = await sendRequest(
        {
          method: 'POST',
          url: workspace.finWebhookUrl,
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'Patchbay-Fin-Agent-API-Webhooks',
            [FIN_SIGNATURE_HEADER]: signatureOf(secret, body),
            'Idempotency-Key': randomUUID(),
          },
          body,
          budgetMs: WEBHOOK_BUDGET_MS,
          maxResponseBytes: MAX_RECEIVER_RESPONSE_BYTES,
        },
        { ...deps.http, retryPolicy: WEBHOOK_RETRY_POLICY },
      );
      const attempts = result.attempts.length;
      if (result.status >= 200 && result.status < 300) {
        deps.logger.debug({ ...log, target, httpStatus: result.status, attempts }, 'fin agent webhook delivered');
        return { delivered: true, status: result.status, attempts };
      }
      deps.logger.warn({ ...log, target, httpStatus: result.status, attempts }, 'fin agent webhook refused by the receiver');
      return { delivered: false, reason: 'rejected', status: result.status, attempts };
    } catch (error) {
      if (!(error instanceof SendError)) throw error;
      deps.logger.warn({ ...log, target, errorType: error.errorType, error: error.message, attempts: error.attempts.length }, 'fin agent webhook could not be delivered');
      return { delivered: false, reason: 'failed', attempts: error.attempts.length };
    }
  } catch (error) {
    deps.logger.error({ ...log, err: error instanceof Error ? { type: error.name, message: error.message } : String(error) }, 'fin agent webhook delivery crashed');
    return { delivered: false, reason: 'failed', attempts: 0 };
  }
}
