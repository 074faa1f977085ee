// Request bodies of the Fin Agent API (/fin/start, /fin/reply) as the reference
// defines them (fin_agent_message, fin_agent_user, ...). Unknown properties are
// ignored, as the reference does not forbid them; every listed one is checked.
import { z } from 'zod';
import { AppError, type ErrorItem } from '../http/app-error.ts';
import { MAX_CUSTOMER_MESSAGE_LENGTH } from '../messenger/messenger-conversations.ts';

// The reference's "limit to 10" for history, attributes and attachments.
const FIN_LIST_LIMIT = 10;
const MAX_EXTERNAL_ID_LENGTH = 255;

const dateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, like 2025-01-24T10:01:20.000Z' });

const messageBody = z
  .string({ error: 'must be a string' })
  .max(MAX_CUSTOMER_MESSAGE_LENGTH, `must be at most ${MAX_CUSTOMER_MESSAGE_LENGTH} characters`)
  .refine((body) => htmlToText(body).length > 0, 'must not be empty');

const historyMessageSchema = z.object({
  author: z.enum(['user', 'agent', 'fin'], { error: 'must be one of user, agent, fin' }),
  body: messageBody,
  timestamp: dateTime.optional(),
  timestamp_ms: dateTime.optional(),
});

// The message a caller sends to Fin is the user's own.
const userMessageSchema = historyMessageSchema.extend({
  author: z.literal('user', { error: 'must be user (the message sent to Fin is the user\'s)' }),
});

const attributesSchema = z
  .record(z.string().min(1).max(190), z.unknown())
  .refine((attributes) => Object.keys(attributes).length <= FIN_LIST_LIMIT, `must have at most ${FIN_LIST_LIMIT} attributes`);

const finUserSchema = z.object({
  id: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(MAX_EXTERNAL_ID_LENGTH),
  name: z.string({ error: 'must be a string' }).trim().max(255).optional(),
  email: z.email({ error: 'must be a valid email address' }).max(320).transform((e) => e.toLowerCase()).optional(),
  attributes: attributesSchema.optional(),
});

const attachmentSchema = z
  .object({
    type: z.enum(['url', 'file'], { error: 'must be url or file' }),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).optional(),
    name: z.string().min(1).max(255).optional(),
    content_type: z.string().min(1).max(255).optional(),
    // Not kept (see fin-conversations.ts), so the reference's truncated sample data is accepted as well.
    data: z.string().min(1, 'must not be empty').optional(),
  })
  .superRefine((attachment, ctx) => {
    const need = attachment.type === 'url' ? (['url'] as const) : (['name', 'content_type', 'data'] as const);
    for (const key of need) if (attachment[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `is required when type is ${attachment.type}` });
  });

const settingsSchema = z.object({
  follow_up_questions: z.boolean({ error: 'must be a boolean' }).optional(),
  email: z.boolean({ error: 'must be a boolean' }).optional(),
});

const conversationId = z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(MAX_EXTERNAL_ID_LENGTH);

export const finStartSchema = z.object({
  conversation_id: conversationId,
  message: userMessageSchema,
  user: finUserSchema,
  attachments: z.array(attachmentSchema).max(FIN_LIST_LIMIT, `must have at most ${FIN_LIST_LIMIT} attachments`).optional(),
  conversation_metadata: z
    .object({
      history: z.array(historyMessageSchema).max(FIN_LIST_LIMIT, `Conversation history cannot contain more than ${FIN_LIST_LIMIT} items`).optional(),
      attributes: attributesSchema.optional(),
    })
    .optional(),
  settings: settingsSchema.optional(),
});
export type FinStartInput = z.output<typeof finStartSchema>;

export const finReplySchema = z.object({
  conversation_id: conversationId,
  message: userMessageSchema,
  user: finUserSchema,
  attachments: z.array(attachmentSchema).max(FIN_LIST_LIMIT, `must have at most ${FIN_LIST_LIMIT} attachments`).optional(),
  settings: settingsSchema.optional(),
});
export type FinReplyInput = z.output<typeof finReplySchema>;
export type FinUserInput = z.output<typeof finUserSchema>;
export type FinAttachmentInput = z.output<typeof attachmentSchema>;

const valueAt = (body: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[key] : undefined), body);

function describeIssue(issue: z.core.$ZodIssue, body: unknown): ErrorItem {
  const field = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined;
  // The reference answers every request problem with 400 parameter_invalid ("conversation_id is required").
  if (missing) return { code: 'parameter_invalid', message: `${field} is required`, field };
  return { code: 'parameter_invalid', message: field ? `${field}: ${issue.message}` : issue.message, ...(field && { field }) };
}

export function parseFinRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError(400, { code: 'parameter_invalid', message: 'The request body must be a JSON object' });
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new AppError(400, result.error.issues.map((issue) => describeIssue(issue, body)));
  return result.data;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * The reference accepts plain text or HTML. Conversations store text (the
 * agent reads it, the inbox shows it escaped), so markup becomes line breaks.
 */
export function htmlToText(body: string): string {
  if (!/<[a-z/!][^>]*>|&[a-z#0-9]+;/i.test(body)) return body.trim();
  return body
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6])\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Fin's replies are HTML in the reference: one paragraph per block of text. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0)
    .map((block) => `<p>${escapeHtml(block).replace(/\n/g, '<br>')}</p>`)
    .join('');
}
