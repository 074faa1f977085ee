// One conversation's agent work, one piece at a time (in this process): a turn
// starts once the turns queued before it in that conversation are done, so a
// quick second "Yes" cannot run a write connector twice and replies leave in
// order. Other conversations are not held up. A conversation's entry goes as
// soon as its queue is empty, so the map only holds conversations at work.
// With several processes, messages of one conversation may still be answered
// in two at once (sticky sessions keep a messenger on one process).
export interface ConversationQueue {
  /** Runs `work` after the work queued before it for this conversation; its result or error is the caller's. */
  run<T>(conversationId: number, work: () => Promise<T>): Promise<T>;
  /** Resolves once everything queued so far (and queued meanwhile) is done. */
  idle(): Promise<void>;
  readonly size: number;
}

export function createConversationQueue(): ConversationQueue {
  const tails = new Map<number, Promise<void>>();
  return {
    run(conversationId, work) {
      const result = (tails.get(conversationId) ?? Promise.resolve()).then(work);
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(conversationId, tail);
      void tail.then(() => {
        if (tails.get(conversationId) === tail) tails.delete(conversationId);
      });
      return result;
    },
    async idle() {
      while (tails.size > 0) await Promise.all([...tails.values()]);
    },
    get size() {
      return tails.size;
    },
  };
}
