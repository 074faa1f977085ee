import { Router } from 'express';
import { addConversationTag, removeConversationTag } from '../../inbox/conversation-tags.ts';
import { listConversationConnectors } from '../../inbox/conversation-connectors.ts';
import { getConversationDetail } from '../../inbox/get-conversation-detail.ts';
import {
  conversationConnectorsQuery,
  listConversationsQuery,
  replySchema,
  runConnectorSchema,
  tagSchema,
  updateConversationSchema,
} from '../../inbox/inbox-input.ts';
import { listConversationConnectorRuns } from '../../inbox/list-connector-runs.ts';
import { listConversations } from '../../inbox/list-conversations.ts';
import { conversationNotFound } from '../../inbox/load-conversation.ts';
import { markConversationRead } from '../../inbox/mark-conversation-read.ts';
import { replyToConversation } from '../../inbox/reply-to-conversation.ts';
import { runConnectorOnConversation } from '../../inbox/run-connector-on-conversation.ts';
import { updateConversation } from '../../inbox/update-conversation.ts';
import { parseId } from '../../connectors/load-connector.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

// An id that is not a positive integer names no conversation.
const conversationId = (raw: string) => {
  const id = parseId(raw);
  if (id === null) throw conversationNotFound();
  return id;
};

// Patchbay extension: the agent inbox. Agents and admins alike work it.
export function conversationsRoutes(deps: AppDeps): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = parseOrThrow(listConversationsQuery, req.query, 400);
    res.json(await listConversations(deps, principalOf(res), { state: q.state, assignee: q.assignee, q: q.q, perPage: q.per_page, startingAfter: q.starting_after }));
  });

  router.get('/:id', async (req, res) => {
    res.json(await getConversationDetail(deps, principalOf(res), conversationId(req.params.id)));
  });

  router.patch('/:id', async (req, res) => {
    const id = conversationId(req.params.id);
    const input = parseOrThrow(updateConversationSchema, req.body ?? {});
    res.json(
      await updateConversation(deps, principalOf(res), id, {
        state: input.state,
        snoozedUntil: input.snoozed_until ?? undefined,
        assigneeId: input.assignee_id,
        customAttributes: input.custom_attributes,
      }),
    );
  });

  router.post('/:id/read', async (req, res) => {
    res.json(await markConversationRead(deps, principalOf(res), conversationId(req.params.id)));
  });

  router.post('/:id/reply', async (req, res) => {
    const id = conversationId(req.params.id);
    const input = parseOrThrow(replySchema, req.body ?? {});
    res.status(201).json(await replyToConversation(deps, principalOf(res), id, { messageType: input.message_type, body: input.body }));
  });

  router.post('/:id/tags', async (req, res) => {
    const id = conversationId(req.params.id);
    const input = parseOrThrow(tagSchema, req.body ?? {});
    res.json(await addConversationTag(deps, principalOf(res), id, input.name));
  });

  router.delete('/:id/tags/:name', async (req, res) => {
    res.json(await removeConversationTag(deps, principalOf(res), conversationId(req.params.id), req.params.name));
  });

  router.get('/:id/connector_runs', async (req, res) => {
    res.json(await listConversationConnectorRuns(deps, principalOf(res), conversationId(req.params.id)));
  });

  router.get('/:id/connectors', async (req, res) => {
    const id = conversationId(req.params.id);
    const q = parseOrThrow(conversationConnectorsQuery, req.query, 400);
    res.json(await listConversationConnectors(deps, principalOf(res), id, { conversationPartId: q.conversation_part_id }));
  });

  router.post('/:id/run_connector', async (req, res) => {
    const id = conversationId(req.params.id);
    const input = parseOrThrow(runConnectorSchema, req.body ?? {});
    res.json(
      await runConnectorOnConversation(deps, principalOf(res), id, {
        connectorId: input.data_connector_id,
        inputs: input.inputs,
        conversationPartId: input.conversation_part_id ?? null,
      }),
    );
  });

  return router;
}
