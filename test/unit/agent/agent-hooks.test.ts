// The messenger's agent hooks answer one message of a conversation at a time
// (a quick second "Yes" must not run a write connector twice), other
// conversations in parallel, and show the agent typing around each turn.
import { describe, expect, it } from 'vitest';
import { agentHooks } from '../../../server/agent/agent-hooks.ts';
import type { AnswerFn } from '../../../server/agent/resume-after-verification.ts';
import type { PipelineDeps } from '../../../server/connectors/pipeline/pipeline-deps.ts';
import type { RealtimeEvent } from '../../../server/realtime/realtime-events.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const message = (conversationId: number, partId: number) => ({ workspaceId: 1, conversationId, partId, customer: { identityVerified: false }, session: { id: 's' } });

describe('agentHooks', () => {
  it("queues a conversation's turns behind each other, but not other conversations'", async () => {
    const log: string[] = [];
    const gates = new Map<number, ReturnType<typeof deferred>>();
    const answer: AnswerFn = async (_deps, input) => {
      log.push(`start ${input.partId}`);
      const gate = deferred();
      gates.set(input.partId, gate);
      await gate.promise;
      log.push(`end ${input.partId}`);
      if (input.partId === 1) throw new Error('the first turn failed');
      return { kind: 'answered', connectorId: null, replyPartId: null, trace: {} as never };
    };
    const published: RealtimeEvent[] = [];
    // No teammate has taken these conversations over (agent-messenger-flow.test.ts covers that on a real database).
    const db = { conversation: { findFirst: async () => ({ assigneeAdminId: null, parts: [] }) } };
    const hooks = agentHooks({ db, bus: { publish: (event: RealtimeEvent) => void published.push(event) } } as unknown as PipelineDeps, { answer });

    const first = hooks.onCustomerMessage(message(10, 1));
    const second = hooks.onCustomerMessage(message(10, 2));
    const other = hooks.onCustomerMessage(message(20, 3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(log).toEqual(['start 1', 'start 3']);

    gates.get(1)!.resolve();
    await expect(first).rejects.toThrow('the first turn failed');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The failed turn does not block the next one.
    expect(log).toEqual(['start 1', 'start 3', 'end 1', 'start 2']);
    gates.get(2)!.resolve();
    gates.get(3)!.resolve();
    await Promise.all([second, other]);
    const typing = published.filter((e) => e.type === 'messenger.typing' && e.conversation_id === '10').map((e) => (e as { typing: boolean }).typing);
    expect(typing).toEqual([true, false, true, false]);
  });
});
