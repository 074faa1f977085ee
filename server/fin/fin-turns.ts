// The agent's side of a Fin Agent API conversation, after the request that
// brought the message has been answered: run the AI agent on the message, then
// tell the host through its webhook what it replied (fin_replied) and where it
// stands (fin_status_updated): awaiting_user_reply, or escalated followed by
// complete when it handed the conversation to the team (unassigned in the
// inbox, with a summary note).
import { answerCustomerMessage, type AgentTurn } from '../agent/answer-customer-message.ts';
import type { AnswerFn } from '../agent/resume-after-verification.ts';
import { createConversationQueue } from '../agent/conversation-queue.ts';
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import { nowOf } from '../inbox/inbox-deps.ts';
import { textToHtml } from './fin-input.ts';
import { AGENT_DONE, type FinTurnJob } from './fin-conversations.ts';
import { deliverFinEvent, type FinEvent, type FinStatusUpdatedEvent } from './fin-webhooks.ts';

const ESCALATION_REASONS = {
  no_answer: 'Fin could not find an answer to the question',
  action_failed: 'Fin could not complete the lookup needed to answer',
  error: 'Fin ran into an error while answering',
} as const;

export interface FinTurnRunner {
  /** Runs the job after the current one of the same conversation; never throws. */
  enqueue(job: FinTurnJob): void;
  /** Resolves once every job enqueued so far has finished (tests, shutdown). */
  idle(): Promise<void>;
}

export type FinTurnDeps = PipelineDeps & { answerCustomer?: AnswerFn | undefined };

export function createFinTurnRunner(deps: FinTurnDeps): FinTurnRunner {
  // One queue per conversation keeps its events in order. Only ordering lives
  // here: a turn's outcome is in the database and the webhook.
  const queue = createConversationQueue();
  return {
    enqueue(job) {
      void queue.run(job.conversationId, () => runFinTurn(deps, job));
    },
    idle: () => queue.idle(),
  };
}

const stamp = (deps: Pick<PipelineDeps, 'now'>) => nowOf(deps).toISOString();

/** One turn; errors end as an escalation, never as a rejection. */
export async function runFinTurn(deps: FinTurnDeps, job: FinTurnJob): Promise<void> {
  const base = { conversation_id: job.externalId, user_id: job.userId };
  // A message that arrived while an earlier turn was still running was queued
  // behind it; if that turn handed the conversation to the team, the team
  // answers this one too (as /fin/reply does once the hand-off is recorded).
  const current = await deps.db.finAgentConversation.findUnique({ where: { id: job.finConversationId }, select: { status: true } }).catch(() => null);
  if (current && AGENT_DONE.has(current.status)) return;
  const events: FinEvent[] = [];
  let finalStatus: 'awaiting_user_reply' | 'escalated' | 'complete';
  try {
    // The host's server vouches for its user (API token), as a verified identity token would.
    const answer = deps.answerCustomer ?? answerCustomerMessage;
    const turn = await answer(deps, { workspaceId: job.workspaceId, conversationId: job.conversationId, partId: job.partId, customer: { identityVerified: true } });
    const reply = turn.replyPartId === null ? null : await deps.db.conversationPart.findUnique({ where: { id: turn.replyPartId } });
    if (reply) {
      const at = reply.createdAt.toISOString();
      events.push({ event_name: 'fin_replied', ...base, message: { author: 'fin', body: textToHtml(reply.body), timestamp: at, timestamp_ms: at }, status: 'replying', created_at_ms: stamp(deps) });
    }
    if (turn.kind === 'handed_off') {
      finalStatus = 'escalated';
      events.push(status(deps, base, 'escalated', escalationReason(turn)), status(deps, base, 'complete'));
    } else {
      // Without follow-up questions the exchange ends with this answer.
      finalStatus = job.followUpQuestions ? 'awaiting_user_reply' : 'complete';
      events.push(status(deps, base, finalStatus));
    }
  } catch (error) {
    deps.logger.error(
      { workspaceId: job.workspaceId, conversationId: job.conversationId, partId: job.partId, err: error instanceof Error ? { type: error.name, message: error.message } : String(error) },
      'the AI agent failed on a Fin Agent API message',
    );
    finalStatus = 'escalated';
    events.push(status(deps, base, 'escalated', ESCALATION_REASONS.error), status(deps, base, 'complete'));
  }
  try {
    await deps.db.finAgentConversation.update({ where: { id: job.finConversationId }, data: { status: finalStatus } });
  } catch (error) {
    deps.logger.error({ workspaceId: job.workspaceId, conversationId: job.conversationId, err: error instanceof Error ? error.message : String(error) }, 'could not record the Fin conversation status');
  }
  // In order: a receiver sees the reply before the status that follows it.
  for (const event of events) await deliverFinEvent(deps, job.workspaceId, event);
}

function status(deps: FinTurnDeps, base: { conversation_id: string; user_id: string }, value: FinStatusUpdatedEvent['status'], reason?: string): FinStatusUpdatedEvent {
  return { event_name: 'fin_status_updated', ...base, status: value, ...(reason !== undefined && { reason }), created_at_ms: stamp(deps) };
}

function escalationReason(turn: AgentTurn): string {
  return turn.trace.outcome.executionResultId !== null || turn.trace.outcome.success === false ? ESCALATION_REASONS.action_failed : ESCALATION_REASONS.no_answer;
}
