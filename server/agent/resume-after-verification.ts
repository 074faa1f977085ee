// OTP step-up in the chat: the agent refused a question because the customer
// had to prove their email first, and remembered that question
// (VERIFY_KEY). Once the customer verifies the emailed code, the server
// answers the remembered question by itself; the answer reaches the
// messenger as a normal bot part. The widget does nothing more.
import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import type { OtpVerifiedEvent } from '../identity/otp/otp-routes.ts';
import { readAwaitingVerification, readTemporary, VERIFY_KEY } from './agent-memory.ts';
import { answerCustomerMessage, type AgentTurn, type AnswerCustomerMessageInput } from './answer-customer-message.ts';

export type { OtpVerifiedEvent };

// Which agent answers: the deterministic one, or the language-model agent (same turn shape).
export type AnswerFn = (deps: PipelineDeps, input: AnswerCustomerMessageInput) => Promise<AgentTurn>;

export interface ResumeOptions {
  // The agent that answers (the deterministic one by default).
  answer?: AnswerFn | undefined;
  // Wraps each answer (the messenger's typing indicator).
  around?: ((conversationId: number, work: () => Promise<unknown>) => Promise<unknown>) | undefined;
}

// Answers again every question of the contact's open conversations that
// waited for this verification (only the verified conversation's when the
// code was for one). Returns what each turn did, for tests and logs.
export async function resumeAfterVerification(deps: PipelineDeps, event: OtpVerifiedEvent, options: ResumeOptions = {}): Promise<unknown[]> {
  const answer = options.answer ?? answerCustomerMessage;
  const conversations = await deps.db.conversation.findMany({
    where: { workspaceId: event.workspaceId, contactId: event.contactId, state: { not: 'closed' }, ...(event.conversationId !== null && { id: event.conversationId }) },
    select: { id: true, temporaryAttributes: true },
    orderBy: { id: 'asc' },
  });
  const turns: unknown[] = [];
  for (const conversation of conversations) {
    const awaiting = readAwaitingVerification(readTemporary(conversation)[VERIFY_KEY]);
    if (!awaiting) continue;
    // Claim the question first, so two verifications (two tabs) answer it once.
    const claimed = await claim(deps, event.workspaceId, conversation.id, awaiting.partId);
    if (!claimed) continue;
    const input: AnswerCustomerMessageInput = { workspaceId: event.workspaceId, conversationId: conversation.id, partId: awaiting.partId, customer: { identityVerified: awaiting.identityVerified }, session: event.session };
    const work = () => answer(deps, input);
    turns.push(await (options.around ? options.around(conversation.id, work) : work()));
  }
  return turns;
}

// Removes the remembered question if it is still the one read; false when another resume (or a new message) got there first.
async function claim(deps: PipelineDeps, workspaceId: number, conversationId: number, partId: number): Promise<boolean> {
  return deps.db.$transaction(async (tx) => {
    const current = await tx.conversation.findFirst({ where: { id: conversationId, workspaceId }, select: { temporaryAttributes: true, updatedAt: true } });
    if (!current) return false;
    const attributes = readTemporary(current);
    const awaiting = readAwaitingVerification(attributes[VERIFY_KEY]);
    if (!awaiting || awaiting.partId !== partId) return false;
    delete attributes[VERIFY_KEY];
    // Only if nobody changed the conversation since it was read: on PostgreSQL
    // (read committed) two verifications could otherwise both claim it.
    const { count } = await tx.conversation.updateMany({ where: { id: conversationId, updatedAt: current.updatedAt }, data: { temporaryAttributes: attributes as object } });
    return count === 1;
  });
}

export type { AgentTurn };
