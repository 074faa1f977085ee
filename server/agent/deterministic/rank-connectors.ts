import MiniSearch, { type SearchResult } from 'minisearch';

// The deterministic agent's connector choice (no language model configured):
// lexical similarity between the customer's message and each candidate's name,
// description and example questions. Candidates are the live, direct-use
// connectors that already passed the gate; this only decides which one the
// message is about. It is deliberately cautious: a wrong connector shows the
// customer someone's idea of an answer to a question they did not ask, so when
// the best match is weak or barely ahead of the next one the agent hands off.

export interface CandidateInput {
  name: string;
  type: string;
  description: string;
  required: boolean;
}

export interface CandidateConnector {
  id: string;
  name: string;
  description: string;
  exampleQuestions: string[];
  dataInputs: CandidateInput[];
}

export interface RankedConnector<C extends CandidateConnector = CandidateConnector> {
  connector: C;
  score: number;
  matchedTerms: string[];
}

export type RankDecision<C extends CandidateConnector = CandidateConnector> =
  | { kind: 'confident'; pick: RankedConnector<C> }
  // reason is for the decision trace (preview), not for the customer.
  | { kind: 'unsure'; reason: 'no_candidates' | 'no_match' | 'weak_match' | 'ambiguous' };

export interface RankResult<C extends CandidateConnector = CandidateConnector> {
  ranked: RankedConnector<C>[];
  decision: RankDecision<C>;
}

export interface RankOptions {
  // The best score must reach this. Scores grow with the number of distinct
  // query terms matched and with field boosts: one word matched in a name or
  // an example question scores about 8, one word of a description about 1.5,
  // a question matching several words 20 and more.
  minScore?: number;
  // ...and be at least this many times the runner-up's score.
  minRatio?: number;
}

const DEFAULT_MIN_SCORE = 4;
const DEFAULT_MIN_RATIO = 1.6;

// Small on purpose: words that carry no intent in support questions. Words
// like "order", "account", "cancel" stay; they are what connectors are about.
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by can could did do does for from had has have how i i\'m im in is it its me of on or ' +
    'please so that the their there these they this to was we were what whats when where which who why will with ' +
    'would you your my mine our s t d ll ve re anything something any some just hi hello hey thanks thank get got tell know want need'
  ).split(' '),
);

// Stop words are dropped from both the index and the query, so "is" in a
// description never matches "is" in a question.
function processTerm(term: string): string | null {
  const lower = term.toLowerCase().replace(/['’]/g, '');
  if (lower.length < 2 || STOP_WORDS.has(lower)) return null;
  return lower;
}

// Short words are matched exactly: prefix "ca" would match "cancel" and
// "card", and one edit on a four-letter word is a different word.
const prefixFor = (term: string) => term.length >= 4;
const fuzzyFor = (term: string) => (term.length >= 5 ? 0.2 : false);

export function rankConnectors<C extends CandidateConnector>(message: string, candidates: C[], options: RankOptions = {}): RankResult<C> {
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  const minRatio = options.minRatio ?? DEFAULT_MIN_RATIO;
  if (candidates.length === 0) return { ranked: [], decision: { kind: 'unsure', reason: 'no_candidates' } };

  const byKey = new Map<string, C>();
  const search = new MiniSearch<{ key: string; name: string; description: string; exampleQuestions: string }>({
    idField: 'key',
    fields: ['name', 'description', 'exampleQuestions'],
    processTerm,
    searchOptions: {
      boost: { name: 3, exampleQuestions: 2, description: 1 },
      prefix: prefixFor,
      fuzzy: fuzzyFor,
      combineWith: 'OR',
    },
  });
  // Keys by position so two candidates sharing an id cannot collide in the index.
  candidates.forEach((connector, index) => {
    const key = String(index);
    byKey.set(key, connector);
    search.add({ key, name: connector.name, description: connector.description, exampleQuestions: connector.exampleQuestions.join('\n') });
  });

  const scale = uniqueTermIdf(candidates.length);
  const ranked = search.search(message).map((result: SearchResult) => ({
    connector: byKey.get(String(result.id)) as C,
    score: result.score / scale,
    matchedTerms: [...new Set(result.queryTerms)],
  }));
  return { ranked, decision: decide(ranked, minScore, minRatio) };
}

// BM25 weighs a term by how few documents hold it, so the same match scores
// about 3.5 times higher among 3 connectors than alone, and higher again among
// 50. Dividing by the weight of a term found in exactly one document (the
// formula minisearch uses) makes one threshold mean the same in a workspace
// with one direct-use connector and in one with many.
function uniqueTermIdf(documentCount: number): number {
  return Math.log(1 + (documentCount - 0.5) / 1.5);
}

function decide<C extends CandidateConnector>(ranked: RankedConnector<C>[], minScore: number, minRatio: number): RankDecision<C> {
  const [best, second] = ranked;
  if (!best) return { kind: 'unsure', reason: 'no_match' };
  if (best.score < minScore) return { kind: 'unsure', reason: 'weak_match' };
  if (second && best.score < second.score * minRatio) return { kind: 'unsure', reason: 'ambiguous' };
  return { kind: 'confident', pick: best };
}
