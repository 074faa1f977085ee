import { describe, expect, it } from 'vitest';
import { historyMessages, MAX_FACTS_CHARS, MAX_HISTORY_MESSAGES, systemPrompt } from '../../../../server/agent/llm/system-prompt.ts';

describe('systemPrompt', () => {
  it('states the rules, the hand-off tool, and the customer facts and earlier data', () => {
    const prompt = systemPrompt({ workspaceName: 'Acme', customerFacts: { account_id: 'ACC-1' }, knownData: { 'Account balance > Balance due': 12 }, handoffToolName: 'handoff_to_team' });
    expect(prompt).toContain('AI support agent of Acme');
    expect(prompt).toMatch(/only from the results of the tools/);
    expect(prompt).toMatch(/Never invent/);
    expect(prompt).toMatch(/ask the customer for it/);
    expect(prompt).toContain('call handoff_to_team');
    expect(prompt).toContain('{"account_id":"ACC-1"}');
    expect(prompt).toContain('{"Account balance > Balance due":12}');
  });

  it('leaves out empty sections and cuts long ones', () => {
    const prompt = systemPrompt({ workspaceName: 'Acme', customerFacts: {}, knownData: { big: 'x'.repeat(MAX_FACTS_CHARS * 2) }, handoffToolName: 'h' });
    expect(prompt).not.toContain('What we know about this customer');
    expect(prompt).toContain('… (cut)');
    expect(prompt.length).toBeLessThan(MAX_FACTS_CHARS + 2000);
  });
});

describe('historyMessages', () => {
  it('keeps customer-visible comments in order and never internal notes', () => {
    const messages = historyMessages([
      { id: 1, authorType: 'customer', partType: 'comment', body: 'Hi' },
      { id: 2, authorType: 'bot', partType: 'note', body: 'internal: customer is VIP' },
      { id: 3, authorType: 'admin', partType: 'comment', body: 'Hello, how can I help?' },
      { id: 4, authorType: 'bot', partType: 'connector_result', body: 'raw' },
      { id: 5, authorType: 'customer', partType: 'comment', body: 'My balance?' },
    ]);
    expect(messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: 'My balance?' },
    ]);
  });

  it('keeps only the latest messages', () => {
    const parts = Array.from({ length: MAX_HISTORY_MESSAGES + 5 }, (_, i) => ({ id: i, authorType: 'customer', partType: 'comment', body: `m${i}` }));
    const messages = historyMessages(parts);
    expect(messages).toHaveLength(MAX_HISTORY_MESSAGES);
    expect(messages.at(-1)).toEqual({ role: 'user', content: `m${MAX_HISTORY_MESSAGES + 4}` });
  });
});
