// Applying a macro: its actions run in order through the inbox's own
// functions, so each step validates, writes and publishes exactly as when a
// teammate does it by hand. The first failing step stops the macro; the steps
// before it stay applied, and the answer says which step failed and why.
import { parseId } from '../connectors/load-connector.ts';
import type { AppDeps } from '../http/app-deps.ts';
import { AppError } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import { updateContactAttributes } from '../inbox/contact-profile.ts';
import type { ConversationDetailJson } from '../inbox/conversation-json.ts';
import { addConversationTag, removeConversationTag } from '../inbox/conversation-tags.ts';
import { getConversationDetail } from '../inbox/get-conversation-detail.ts';
import { nowOf } from '../inbox/inbox-deps.ts';
import { conversationNotFound } from '../inbox/load-conversation.ts';
import { replyToConversation } from '../inbox/reply-to-conversation.ts';
import { runConnectorOnConversation, type ConnectorRunJson } from '../inbox/run-connector-on-conversation.ts';
import { updateConversation } from '../inbox/update-conversation.ts';
import type { MacroAction } from './macro-input.ts';
import { findVisibleMacro, macroActions } from './manage-macros.ts';
import { placeholderContext, renderPlaceholders, type PlaceholderContext } from './render-placeholders.ts';

export interface FailedStep {
  index: number;
  type: MacroAction['type'];
  message: string;
}

export interface MacroApplicationJson {
  type: 'macro.application';
  macro_id: string;
  success: boolean;
  steps_completed: number;
  failed_step: FailedStep | null;
  conversation: ConversationDetailJson;
}

// A step that cannot be done; its message is shown to the teammate.
class StepFailed extends Error {}

// Read afresh before every step that renders text: an earlier step (a
// connector's object mapping, a set attribute) may have changed what the
// placeholders show.
async function loadPlaceholderContext(deps: AppDeps, principal: Principal, conversationId: number): Promise<{ context: PlaceholderContext; contactId: number }> {
  const [conversation, teammate] = await Promise.all([
    deps.db.conversation.findFirst({ where: { id: conversationId, workspaceId: principal.workspaceId }, include: { contact: { include: { company: true } } } }),
    principal.adminId === null ? null : deps.db.admin.findFirst({ where: { id: principal.adminId, workspaceId: principal.workspaceId }, select: { id: true, name: true, email: true } }),
  ]);
  if (!conversation) throw conversationNotFound(conversationId);
  const { contact } = conversation;
  return { contactId: contact.id, context: placeholderContext({ contact, company: contact.company, conversation, teammate }) };
}

function connectorFailure(run: ConnectorRunJson): string {
  const inputs = run.input_errors.map((e) => e.message);
  // The error message often is the one input error: say each thing once.
  return [...new Set([run.error_message, ...inputs].filter((m): m is string => Boolean(m)))].join('; ') || 'The data connector failed';
}

async function runStep(deps: AppDeps, principal: Principal, conversationId: number, macroId: number, action: MacroAction): Promise<void> {
  const rendered = async () => loadPlaceholderContext(deps, principal, conversationId);
  switch (action.type) {
    case 'reply':
    case 'note': {
      const { context } = await rendered();
      await replyToConversation(deps, principal, conversationId, { messageType: action.type === 'reply' ? 'comment' : 'note', body: renderPlaceholders(action.body, context) });
      return;
    }
    case 'add_tag':
      await addConversationTag(deps, principal, conversationId, action.tag);
      return;
    case 'remove_tag':
      await removeConversationTag(deps, principal, conversationId, action.tag);
      return;
    case 'set_attribute': {
      const { context, contactId } = await rendered();
      const value = typeof action.value === 'string' ? renderPlaceholders(action.value, context) : action.value;
      if (action.target === 'conversation') await updateConversation(deps, principal, conversationId, { customAttributes: { [action.name]: value } });
      else await updateContactAttributes(deps, principal, contactId, { [action.name]: value });
      return;
    }
    case 'assign': {
      if (action.assignee_id === 'me' && principal.adminId === null) throw new StepFailed('"me" needs a caller who is an admin; this API token belongs to no admin');
      const assigneeId = action.assignee_id === 'me' ? principal.adminId : action.assignee_id === null ? null : Number(action.assignee_id);
      await updateConversation(deps, principal, conversationId, { assigneeId });
      return;
    }
    case 'snooze':
      await updateConversation(deps, principal, conversationId, { state: 'snoozed', snoozedUntil: new Date(nowOf(deps).getTime() + action.minutes * 60_000) });
      return;
    case 'close':
      await updateConversation(deps, principal, conversationId, { state: 'closed' });
      return;
    case 'run_connector': {
      const { context } = await rendered();
      const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, value]) => [name, renderPlaceholders(value, context)]));
      const run = await runConnectorOnConversation(deps, principal, conversationId, { connectorId: Number(action.data_connector_id), inputs, sourceId: String(macroId) });
      if (!run.success) throw new StepFailed(connectorFailure(run));
      return;
    }
  }
}

export async function applyMacro(deps: AppDeps, principal: Principal, conversationIdParam: string, macroIdParam: string): Promise<MacroApplicationJson> {
  const macro = await findVisibleMacro(deps.db, principal, macroIdParam);
  const conversationId = parseId(conversationIdParam);
  if (conversationId === null) throw conversationNotFound(conversationIdParam);
  // Not found before anything runs, rather than as a failed first step.
  await getConversationDetail(deps, principal, conversationId);
  const available = Array.isArray(macro.availableOn) ? macro.availableOn : [];
  if (!available.includes('inbox')) {
    throw new AppError(422, { code: 'parameter_invalid', field: 'macro_id', message: `macro_id: macro "${macro.name}" is not available in the inbox (available_on: ${available.join(', ')})` });
  }

  const actions = macroActions(macro);
  let failed: FailedStep | null = null;
  let completed = 0;
  for (const [index, action] of actions.entries()) {
    try {
      await runStep(deps, principal, conversationId, macro.id, action);
      completed++;
    } catch (error) {
      if (!(error instanceof StepFailed || error instanceof AppError)) throw error;
      failed = { index, type: action.type, message: error.message };
      break;
    }
  }
  return {
    type: 'macro.application',
    macro_id: String(macro.id),
    success: failed === null,
    steps_completed: completed,
    failed_step: failed,
    conversation: await getConversationDetail(deps, principal, conversationId),
  };
}
