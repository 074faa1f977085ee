import type { DataInput } from '../../connectors/connector-input.ts';
import { coerceInputValue } from '../../connectors/pipeline/coerce-inputs.ts';

// Fills a connector's data inputs for the deterministic agent. Context first
// (verified contact attributes, then conversation attributes), the customer's
// message second. A value is taken from the message only when it is clearly
// the one meant: an explicit "order_id: X", a value next to a word that names
// the input ("order ORD-5521", "quantity 3"), an identifier whose letters name
// it (ORD- for order), or the only value of that kind for the only input of
// that kind. Anything less certain is left for the agent to ask about; a value
// is never guessed or made up.
//
// Values come out as the pipeline's coerceInputs accepts them (numbers,
// booleans, strings), so the run validates them again on the way in.

export interface ExtractableInput {
  name: string;
  type: DataInput['type'];
  description?: string | null;
  required?: boolean;
}

export interface ExtractContext {
  contactAttributes?: Record<string, unknown>;
  conversationAttributes?: Record<string, unknown>;
}

export type ExtractedValue = string | number | boolean;

export interface ExtractResult {
  values: Record<string, ExtractedValue>;
  sources: Record<string, 'context' | 'message'>;
  // Required inputs with nothing found for them.
  missing: string[];
  // Inputs for which something was found that does not fit the type; the agent asks for these too.
  invalid: { name: string; reason: string }[];
}

// Names under which the same contact fact is stored; an input named by any of
// them is filled from whichever the context has.
const ALIAS_GROUPS = [
  ['email', 'email_address', 'user_email', 'customer_email', 'contact_email'],
  ['user_id', 'external_id'],
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Letters and digits, possibly joined by dashes/underscores, with at least one
// letter and one digit: ORD-5521, ACC_9, INV-2024-001, A1B2C3.
const IDENTIFIER = /(?<![\w@.-])(?=[A-Za-z0-9_-]*[A-Za-z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*(?![\w@-]|\.\w)/g;
const NUMBER = /(?<![\w.,-]|[\w]-)-?\d+(?:\.\d+)?(?![\w-]|[.,]\d)/g;
const YES = new Set(['yes', 'y', 'yeah', 'yep', 'true', 'sure', 'correct']);
const NO = new Set(['no', 'n', 'nope', 'false', 'nah']);

// Words in an input's name or description that say nothing about which value it wants.
const WEAK_HINTS = new Set(['id', 'the', 'a', 'an', 'of', 'for', 'to', 'is', 'number', 'num', 'no', 'code', 'value', 'customer', 'customers', 'user', 'users', 'this', 'that', 'their', 'which', 'with', 'and', 'or', 'in', 'on', 'by']);
// Words that make a string input want an identifier rather than free text.
const IDENTIFIER_WORDS = /\b(id|ids|number|num|no|code|reference|ref|key|sku)\b/;

interface Candidate {
  kind: 'email' | 'identifier' | 'number';
  text: string;
  index: number;
}

function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function hintsOf(input: ExtractableInput): string[] {
  return [...new Set([...words(input.name), ...words(input.description ?? '')])].filter((w) => w.length >= 3 && !WEAK_HINTS.has(w) && !/^\d+$/.test(w));
}

function isEmailInput(input: ExtractableInput): boolean {
  return input.type === 'string' && words(`${input.name} ${input.description ?? ''}`).some((w) => w === 'email' || w === 'mail');
}

function isIdentifierInput(input: ExtractableInput): boolean {
  if (input.type !== 'string' || isEmailInput(input)) return false;
  return IDENTIFIER_WORDS.test(words(input.name).join(' ')) || IDENTIFIER_WORDS.test(words(input.description ?? '').join(' '));
}

function candidatesIn(message: string): Candidate[] {
  const found: Candidate[] = [];
  const taken: [number, number][] = [];
  const overlaps = (start: number, end: number) => taken.some(([s, e]) => start < e && end > s);
  const collect = (kind: Candidate['kind'], pattern: RegExp) => {
    for (const match of message.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (overlaps(start, end)) continue;
      taken.push([start, end]);
      found.push({ kind, text: match[0], index: start });
    }
  };
  // Emails first, then identifiers, so "5521" inside "ORD-5521" is not also a number.
  collect('email', EMAIL);
  collect('identifier', IDENTIFIER);
  collect('number', NUMBER);
  return found.sort((a, b) => a.index - b.index);
}

function fits(input: ExtractableInput, candidate: Candidate): boolean {
  switch (input.type) {
    case 'integer':
      return candidate.kind === 'number' && /^-?\d+$/.test(candidate.text);
    case 'decimal':
      return candidate.kind === 'number';
    case 'boolean':
      return false;
    case 'string':
      if (isEmailInput(input)) return candidate.kind === 'email';
      if (isIdentifierInput(input)) return candidate.kind === 'identifier' || (candidate.kind === 'number' && /^\d+$/.test(candidate.text));
      return false;
  }
}

// The words right before a value ("order", "order number", "account no.", "quantity of").
function precedingWords(message: string, candidate: Candidate): string[] {
  return words(message.slice(Math.max(0, candidate.index - 40), candidate.index)).slice(-3);
}

function namedBy(input: ExtractableInput, message: string, candidate: Candidate): boolean {
  const hints = hintsOf(input);
  if (hints.length === 0) return false;
  const before = precedingWords(message, candidate);
  if (before.some((w) => hints.some((h) => h === w || (w.length >= 4 && h.startsWith(w)) || (h.length >= 4 && w.startsWith(h))))) return true;
  if (candidate.kind === 'identifier') {
    // ORD-5521 -> "ord", INV2024 -> "inv": letters that abbreviate a hint word.
    const prefix = /^[A-Za-z]+/.exec(candidate.text)?.[0].toLowerCase();
    if (prefix && prefix.length >= 2 && hints.some((h) => h.startsWith(prefix))) return true;
  }
  return false;
}

// "order_id: X", "quantity = 3", "email is x@y.z". "is" alone is weak ("my
// order is late"), so the caller only trusts it for a value that looks like one.
function explicitValue(input: ExtractableInput, message: string): { text: string; weak: boolean } | undefined {
  const spelled = [input.name, input.name.replace(/_/g, ' ')].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?:^|[^\\w])(?:${spelled.join('|')})\\s*(:|=|\\bis\\b)\\s*([^\\s,;]+)`, 'i');
  const [, joiner, value] = pattern.exec(message) ?? [];
  if (joiner === undefined || value === undefined) return undefined;
  return { text: value.replace(/[.!?)]+$/, ''), weak: joiner.toLowerCase() === 'is' };
}

function wholeMessageBoolean(message: string): boolean | undefined {
  const answer = message.trim().toLowerCase().replace(/[.!?]+$/, '');
  if (YES.has(answer)) return true;
  if (NO.has(answer)) return false;
  return undefined;
}

function fromContext(input: ExtractableInput, context: ExtractContext): { found: true; value: unknown; where: string } | { found: false } {
  const group = ALIAS_GROUPS.find((names) => names.includes(input.name.toLowerCase()));
  const names = [input.name, ...(group ?? []).filter((n) => n !== input.name)];
  const sources: [string, Record<string, unknown> | undefined][] = [
    ['contact', context.contactAttributes],
    ['conversation', context.conversationAttributes],
  ];
  for (const name of names) {
    for (const [where, attributes] of sources) {
      if (!attributes || !Object.hasOwn(attributes, name)) continue;
      const value = attributes[name];
      if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) continue;
      return { found: true, value, where: `${where} attribute "${name}"` };
    }
  }
  return { found: false };
}

const TYPE_WORDS: Record<DataInput['type'], string> = { string: 'text', integer: 'a whole number', decimal: 'a number', boolean: 'yes or no' };

export function extractInputs(inputs: ExtractableInput[], message: string, context: ExtractContext = {}): ExtractResult {
  const result: ExtractResult = { values: {}, sources: {}, missing: [], invalid: [] };
  const pending: ExtractableInput[] = [];
  const invalid = new Map<string, string>();

  for (const input of inputs) {
    const found = fromContext(input, context);
    if (!found.found) {
      pending.push(input);
      continue;
    }
    const coerced = coerceInputValue(input.type, found.value);
    if (coerced.ok && coerced.value !== null) {
      result.values[input.name] = coerced.value;
      result.sources[input.name] = 'context';
    } else {
      invalid.set(input.name, `the ${found.where} is not ${TYPE_WORDS[input.type]}`);
      pending.push(input);
    }
  }

  const candidates = candidatesIn(message);
  const used = new Set<Candidate>();
  const take = (input: ExtractableInput, raw: unknown): boolean => {
    const coerced = coerceInputValue(input.type, raw);
    if (!coerced.ok || coerced.value === null) {
      invalid.set(input.name, `"${String(raw)}" is not ${TYPE_WORDS[input.type]}`);
      return false;
    }
    result.values[input.name] = coerced.value;
    result.sources[input.name] = 'message';
    invalid.delete(input.name);
    return true;
  };

  // Most specific evidence first, so a weaker rule never takes a value a stronger one wanted.
  let open = pending.filter((input) => {
    const explicit = explicitValue(input, message);
    if (explicit === undefined) return true;
    const word = explicit.text.toLowerCase();
    const answer = YES.has(word) ? true : NO.has(word) ? false : undefined;
    const candidate = candidates.find((c) => c.text === explicit.text && !used.has(c));
    if (explicit.weak && !(input.type === 'boolean' ? answer !== undefined : candidate !== undefined && fits(input, candidate))) return true;
    if (candidate) used.add(candidate);
    return !take(input, input.type === 'boolean' && answer !== undefined ? answer : explicit.text);
  });

  open = open.filter((input) => {
    const named = candidates.filter((c) => !used.has(c) && fits(input, c) && namedBy(input, message, c));
    const [only] = named;
    if (only === undefined || named.length !== 1) return true;
    used.add(only);
    return !take(input, only.text);
  });

  // The only value of a kind for the only input that wants that kind.
  const loose = open.filter((input) => input.type !== 'boolean');
  open = open.filter((input) => {
    if (input.type === 'boolean') {
      const answer = open.filter((i) => i.type === 'boolean').length === 1 ? wholeMessageBoolean(message) : undefined;
      return answer === undefined || !take(input, answer);
    }
    const fitting = candidates.filter((c) => !used.has(c) && fits(input, c));
    const rivals = loose.filter((other) => candidates.some((c) => !used.has(c) && fits(other, c)));
    const [only] = fitting;
    if (only === undefined || fitting.length !== 1 || rivals.length !== 1) return true;
    used.add(only);
    return !take(input, only.text);
  });

  for (const input of inputs) {
    if (Object.hasOwn(result.values, input.name)) continue;
    const reason = invalid.get(input.name);
    if (reason !== undefined) result.invalid.push({ name: input.name, reason });
    else if (input.required) result.missing.push(input.name);
  }
  return result;
}
