// The request bodies and query strings of the inbox endpoints. Shapes and
// types are checked here; what needs the database (does the teammate exist,
// is the attribute defined) is checked by the domain functions.
import { z } from 'zod';
import { parseId } from '../connectors/load-connector.ts';
import { perPageQuery } from '../http/cursor.ts';
import { ASSIGNEE_FILTERS, STATE_FILTERS } from './list-conversations.ts';
import { REPLY_TYPES } from './reply-to-conversation.ts';
import { CONVERSATION_STATES } from './update-conversation.ts';

const oneOf = (values: readonly string[], what: string) => ({ error: `${what} must be one of: ${values.join(', ')}` });

// Ids as strings (or numbers, for scripts), checked like path ids.
const id = (field: string) =>
  z.union([z.string(), z.number()], { error: `${field} must be an id (a string of digits)` }).transform((value, ctx) => {
    const parsed = parseId(String(value));
    if (parsed === null) ctx.addIssue({ code: 'custom', message: `must be a positive numeric id` });
    return parsed ?? z.NEVER;
  });

const attributes = z
  .record(z.string().max(200), z.unknown(), { error: 'custom_attributes must be an object of attribute names and values' })
  .refine((value) => Object.keys(value).length <= 100, 'at most 100 attributes at once');

export const listConversationsQuery = z.object({
  state: z.enum(STATE_FILTERS, oneOf(STATE_FILTERS, 'state')).default('open'),
  assignee: z.enum(ASSIGNEE_FILTERS, oneOf(ASSIGNEE_FILTERS, 'assignee')).default('all'),
  q: z.string({ error: 'q must be given once' }).max(200, 'q must be at most 200 characters').optional(),
  per_page: perPageQuery(150, 20),
  starting_after: z.string({ error: 'starting_after must be given once' }).max(500).optional(),
});

export const replySchema = z.strictObject({
  message_type: z.enum(REPLY_TYPES, oneOf(REPLY_TYPES, 'message_type')),
  body: z.string({ error: 'body must be text' }),
});

export const updateConversationSchema = z.strictObject({
  state: z.enum(CONVERSATION_STATES, oneOf(CONVERSATION_STATES, 'state')).optional(),
  snoozed_until: z.iso
    .datetime({ offset: true, error: 'snoozed_until must be an ISO 8601 date-time, like 2026-03-20T09:00:00Z' })
    .transform((value) => new Date(value))
    .nullish(),
  assignee_id: id('assignee_id').nullable().optional(),
  custom_attributes: attributes.optional(),
});

export const tagSchema = z.strictObject({ name: z.string({ error: 'name must be text' }) });

export const updateContactSchema = z.strictObject({ custom_attributes: attributes });

export const runConnectorSchema = z.strictObject({
  data_connector_id: id('data_connector_id'),
  inputs: z.record(z.string(), z.unknown(), { error: 'inputs must be an object of data input values' }).default({}),
  conversation_part_id: id('conversation_part_id').nullish(),
});

export const conversationConnectorsQuery = z.object({
  conversation_part_id: z
    .string({ error: 'conversation_part_id must be given once' })
    .transform((value, ctx) => {
      const parsed = parseId(value);
      if (parsed === null) ctx.addIssue({ code: 'custom', message: 'must be a positive numeric id' });
      return parsed ?? z.NEVER;
    })
    .optional(),
});
