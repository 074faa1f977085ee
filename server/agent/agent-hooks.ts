// How the AI agent is attached to the messenger (start-server.ts): it answers
// each customer message, and answers again a question that waited for the
// customer to verify their email. While it works, the customer's messenger
// shows it typing.
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import type { CustomerMessageEvent } from '../messenger/messenger-conversations.ts';
import { publishMessengerTyping } from '../realtime/realtime-events.ts';
import { answerCustomerMessage } from './answer-customer-message.ts';
import { createConversationQueue } from './conversation-queue.ts';
import { resumeAfterVerification, type AnswerFn, type OtpVerifiedEvent } from './resume-after-verification.ts';

export interface AgentHooks {
  onCustomerMessage: (event: CustomerMessageEvent) => Promise<void>;
  onOtpVerified: (event: OtpVerifiedEvent) => Promise<void>;
}

/**
 * Whether a teammate has taken the conversation over: it is assigned to
 * someone, or a teammate has replied in it. From then on the team answers and
 * the agent stays out, so the customer never gets a bot and a person talking
 * over each other. (A hand-off leaves the conversation unassigned: the agent
 * keeps helping until someone picks it up.)
 */
async function teamHasTakenOver(deps: Pick<PipelineDeps, 'db'>, workspaceId: number, conversationId: number): Promise<boolean> {
  const conversation = await deps.db.conversation.findFirst({
    where: { id: conversationId, workspaceId },
    select: { assigneeAdminId: true, parts: { where: { authorType: 'admin', partType: 'comment' }, select: { id: true }, take: 1 } },
  });
  return conversation !== null && (conversation.assigneeAdminId !== null || conversation.parts.length > 0);
}

// typing: true before the agent works, false after, whatever happened.
async function withTyping<T>(deps: Pick<PipelineDeps, 'bus'>, workspaceId: number, conversationId: number, work: () => Promise<T>): Promise<T> {
  publishMessengerTyping(deps.bus, workspaceId, conversationId, true);
  try {
    return await work();
  } finally {
    publishMessengerTyping(deps.bus, workspaceId, conversationId, false);
  }
}

export function agentHooks(deps: PipelineDeps, options: { answer?: AnswerFn | undefined } = {}): AgentHooks {
  const answer: AnswerFn = options.answer ?? answerCustomerMessage;
  // A conversation's turns never overlap: each reads what the one before it wrote.
  const queue = createConversationQueue();
  // Nothing at all (not even typing) once the team has taken the conversation over.
  const turn = (workspaceId: number, conversationId: number, work: () => Promise<unknown>) =>
    queue.run(conversationId, async () => ((await teamHasTakenOver(deps, workspaceId, conversationId)) ? undefined : withTyping(deps, workspaceId, conversationId, work)));
  return {
    async onCustomerMessage(event) {
      await turn(event.workspaceId, event.conversationId, () => answer(deps, event));
    },
    async onOtpVerified(event) {
      await resumeAfterVerification(deps, event, { answer, around: (conversationId, work) => turn(event.workspaceId, conversationId, work) });
    },
  };
}
