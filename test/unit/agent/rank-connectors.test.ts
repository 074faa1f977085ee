import { describe, expect, it } from 'vitest';
import { rankConnectors, type CandidateConnector } from '../../../server/agent/deterministic/rank-connectors.ts';

const connector = (id: string, name: string, description: string, exampleQuestions: string[]): CandidateConnector => ({
  id,
  name,
  description,
  exampleQuestions,
  dataInputs: [],
});

const balance = connector('1', 'Get account balance', 'Look up the unpaid balance on the customer account', [
  'How much do I owe?',
  'What is my account balance?',
  'Do I have an unpaid invoice?',
]);
const order = connector('2', 'Look up order', 'Find the status and delivery date of an order by its order number', ['Where is my order?', 'When will my package arrive?']);
const cancel = connector('3', 'Cancel subscription', 'Cancel the customer subscription at the end of the billing period', ['Cancel my subscription', 'I want to stop my plan']);
const all = [balance, order, cancel];

describe('rankConnectors', () => {
  it('picks the balance connector for "Do I owe anything on my account?"', () => {
    const result = rankConnectors('Do I owe anything on my account?', all);
    expect(result.decision.kind).toBe('confident');
    if (result.decision.kind !== 'confident') return;
    expect(result.decision.pick.connector.id).toBe('1');
    expect(result.decision.pick.matchedTerms).toEqual(expect.arrayContaining(['owe', 'account']));
    expect(result.ranked[0]?.connector.id).toBe('1');
  });

  it('picks the order lookup for "where is my order ORD-5521"', () => {
    const result = rankConnectors('where is my order ORD-5521', all);
    expect(result.decision.kind === 'confident' && result.decision.pick.connector.id).toBe('2');
  });

  it('tolerates a typo in a longer word', () => {
    const result = rankConnectors('stop my subscripton', all);
    expect(result.decision.kind === 'confident' && result.decision.pick.connector.id).toBe('3');
    expect(result.ranked[0]?.matchedTerms).toContain('subscripton');
  });

  it('is unsure about an unrelated message', () => {
    const result = rankConnectors("what's the weather", all);
    expect(result.decision).toEqual({ kind: 'unsure', reason: 'no_match' });
  });

  it('is unsure when only stop words or a description word match', () => {
    expect(rankConnectors('hello, can you help me?', all).decision.kind).toBe('unsure');
    const weak = rankConnectors('I have a question about billing', all);
    expect(weak.ranked[0]?.connector.id).toBe('3');
    expect(weak.decision).toEqual({ kind: 'unsure', reason: 'weak_match' });
  });

  it('is unsure between two near-identical connectors', () => {
    const twin = connector('9', 'Get account balance (EU)', 'Look up the unpaid balance on the customer account in Europe', [
      'How much do I owe?',
      'What is my account balance?',
    ]);
    const result = rankConnectors('Do I owe anything on my account?', [balance, twin, order]);
    expect(result.ranked.slice(0, 2).map((r) => r.connector.id).sort()).toEqual(['1', '9']);
    expect(result.decision).toEqual({ kind: 'unsure', reason: 'ambiguous' });
  });

  it('means the same with a single candidate as among several', () => {
    const alone = rankConnectors('Do I owe anything on my account?', [balance]);
    expect(alone.decision.kind === 'confident' && alone.decision.pick.connector.id).toBe('1');
    expect(rankConnectors("what's the weather", [order]).decision.kind).toBe('unsure');
  });

  it('is unsure with no candidates and honours stricter options', () => {
    expect(rankConnectors('where is my order', []).decision).toEqual({ kind: 'unsure', reason: 'no_candidates' });
    expect(rankConnectors('where is my order', all, { minScore: 1000 }).decision).toEqual({ kind: 'unsure', reason: 'weak_match' });
  });

  it('keeps candidates that share an id apart', () => {
    const result = rankConnectors('cancel my subscription', [cancel, { ...order, id: '3' }]);
    expect(result.decision.kind === 'confident' && result.decision.pick.connector.name).toBe('Cancel subscription');
  });
});
