// Write connectors (POST/PUT/PATCH/DELETE) change something for the customer,
// so the agent asks before it runs one and runs it only on a clear yes. A
// message that is neither a clear yes nor a clear no is not taken as either.
import { joinWords, lowerFirst, plainName } from './compose-reply.ts';
import type { ExtractedValue } from './extract-inputs.ts';

export const WRITE_METHODS: ReadonlySet<string> = new Set(['post', 'put', 'patch', 'delete']);
export const isWriteMethod = (method: string) => WRITE_METHODS.has(method.toLowerCase());

const YES = new Set([
  'yes', 'y', 'yeah', 'yea', 'yep', 'yup', 'ok', 'okay', 'k', 'sure', 'go ahead', 'go for it', 'please do', 'please', 'confirm', 'confirmed',
  'do it', 'absolutely', 'of course', 'correct', 'right', 'alright', 'all right', 'sounds good', 'proceed', 'affirmative',
]);
const NO = new Set([
  'no', 'n', 'nope', 'nah', 'no thanks', 'no thank you', 'cancel', 'stop', 'dont', 'do not', 'don t', 'never mind', 'nevermind', 'not now',
  'no dont', 'no do not', 'please dont', 'please do not', 'abort',
]);
// Words that may follow a yes or a no without changing it: "yes please", "no thanks".
const TRAILERS = new Set(['please', 'thanks', 'thank you', 'go ahead', 'please do', 'do it', 'thats fine', 'that s fine', 'cancel it', 'dont do it', 'don t do it']);

function normalise(message: string): string {
  return message
    .toLowerCase()
    .replace(/[’']/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ t /g, 't ')
    .replace(/ t$/, 't');
}

function matches(text: string, words: ReadonlySet<string>): boolean {
  if (words.has(text)) return true;
  // "yes go ahead", "ok sure", "no thanks": a word of the set, then a trailer or another word of the set.
  for (const word of words) {
    if (!text.startsWith(`${word} `)) continue;
    const rest = text.slice(word.length + 1);
    if (words.has(rest) || TRAILERS.has(rest)) return true;
  }
  return false;
}

// 'yes', 'no', or null when the message is neither (case and punctuation ignored).
export function confirmationAnswer(message: string): 'yes' | 'no' | null {
  const text = normalise(message);
  if (text === '' || text.length > 40) return null;
  if (matches(text, NO)) return 'no';
  if (matches(text, YES)) return 'yes';
  return null;
}

// "I can request a refund with order ID ORD-1 and reason charged twice. Shall I go ahead?"
export function confirmActionQuestion(connectorName: string, values: Record<string, ExtractedValue>): string {
  const shown = Object.entries(values).map(([name, value]) => `${plainName(name)} ${typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)}`);
  const what = lowerFirst(connectorName);
  return shown.length > 0 ? `I can ${what} with ${joinWords(shown)}. Shall I go ahead?` : `I can ${what} for you. Shall I go ahead?`;
}

// The question again, once, when the answer was neither yes nor no.
export function confirmReaskReply(question: string): string {
  return `Sorry, I need a clear yes or no before I do anything. ${question}`;
}
export const CANCELLED_REPLY = "No problem, I won't do that. Is there anything else I can help with?";
