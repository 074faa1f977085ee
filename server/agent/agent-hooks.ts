// How the AI agent is attached to the messenger (start-server.ts): it answers
// each customer message, and answers again a question that waited for the
// customer to verify their email. While it works, the customer's messenger
// shows it typing.
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import type { CustomerMessageEvent } from '../messenger/messenger-conversations.ts';
import { publishMessengerTyping } from '../realtime/realtime-events.ts';
import { answerCustomerMessage } from './answer-customer-message.ts';
import { resumeAfterVerification, type AnswerFn, type OtpVerifiedEvent } from './resume-after-verification.ts';

export interface AgentHooks {
  onCustomerMessage: (event: CustomerMessageEvent) => Promise<void>;
  onOtpVerified: (event: OtpVerifiedEvent) => Promise<void>;
}

// typing: true before the agent works, false after, whatever happened.
export async function withTyping<T>(deps: Pick<PipelineDeps, 'bus'>, workspaceId: number, conversationId: number, work: () => Promise<T>): Promise<T> {
  publishMessengerTyping(deps.bus, workspaceId, conversationId, true);
  try {
    return await work();
  } finally {
    publishMessengerTyping(deps.bus, workspaceId, conversationId, false);
  }
}

export function agentHooks(deps: PipelineDeps, options: { answer?: AnswerFn | undefined } = {}): AgentHooks {
  const answer: AnswerFn = options.answer ?? answerCustomerMessage;
  return {
    async onCustomerMessage(event) {
      await withTyping(deps, event.workspaceId, event.conversationId, () => answer(deps, event));
    },
    async onOtpVerified(event) {
      await resumeAfterVerification(deps, event, { answer, around: (conversationId, work) => withTyping(deps, event.workspaceId, conversationId, work) });
    },
  };
}
