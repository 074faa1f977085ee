// What the AI agent keeps in conversation.temporaryAttributes between turns:
// its own notes under reserved `__agent_*` keys, and the data connectors
// returned as "Connector name > field" (the temporary attributes teammates
// see). Everything here is plain data in, plain data out: the writes happen in
// answer-customer-message.ts, inside the turn's transaction.
import type { Contact, Conversation, Prisma } from '../db/generated/sqlite/client.ts';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import type { RunOutcome } from '../connectors/pipeline/run-connector.ts';
import { isEmailVerified } from '../identity/otp/otp-verification.ts';
import { readAttributes } from '../inbox/conversation-json.ts';
import type { ExtractedValue } from './deterministic/extract-inputs.ts';

// The connector whose inputs the agent asked the customer for.
export const PENDING_KEY = '__agent_pending';
// Which inputs each connector last ran with, and the "Name > field" keys it wrote.
const RUNS_KEY = '__agent_runs';
// A write connector the agent asked the customer to confirm.
export const CONFIRM_KEY = '__agent_awaiting_confirmation';
// The customer message refused for want of identity verification, answered
// again once the customer verifies the emailed code (resume-after-verification.ts).
export const VERIFY_KEY = '__agent_awaiting_verification';

export const AGENT_KEYS: readonly string[] = [PENDING_KEY, RUNS_KEY, CONFIRM_KEY, VERIFY_KEY];

export type TemporaryAttributes = Record<string, Prisma.InputJsonValue>;

export interface Pending {
  connectorId: number;
  values: Record<string, ExtractedValue>;
}

export interface PendingConfirmation extends Pending {
  // The customer already answered the question once with something that was neither yes nor no.
  reasked: boolean;
}

export interface AwaitingVerification {
  partId: number;
  identityVerified: boolean;
}

interface RememberedRun {
  inputs: string;
  // The "Name > field" keys the run wrote, or null when the data was not an object.
  keys: string[] | null;
}

export function readTemporary(conversation: Pick<Conversation, 'temporaryAttributes'>): Record<string, unknown> {
  return isPlainObject(conversation.temporaryAttributes) ? { ...conversation.temporaryAttributes } : {};
}

function readValues(value: unknown): Record<string, ExtractedValue> {
  const values: Record<string, ExtractedValue> = {};
  if (!isPlainObject(value)) return values;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[k] = v;
  return values;
}

export function readPending(value: unknown): Pending | null {
  if (!isPlainObject(value) || typeof value.connectorId !== 'number' || !isPlainObject(value.values)) return null;
  return { connectorId: value.connectorId, values: readValues(value.values) };
}

export function readPendingConfirmation(value: unknown): PendingConfirmation | null {
  const pending = readPending(value);
  return pending && isPlainObject(value) ? { ...pending, reasked: value.reasked === true } : null;
}

export function readAwaitingVerification(value: unknown): AwaitingVerification | null {
  if (!isPlainObject(value) || typeof value.partId !== 'number') return null;
  return { partId: value.partId, identityVerified: value.identityVerified === true };
}

// What the agent may take as the customer's own facts: attributes the
// workspace set, the name, and identifiers only once the customer proved them.
export function contactContext(contact: Contact, customer: { identityVerified: boolean }): Record<string, unknown> {
  const attributes: Record<string, unknown> = { ...readAttributes(contact) };
  if (contact.name) attributes.name = contact.name;
  if (customer.identityVerified || contact.role === 'user') {
    if (contact.externalId) {
      attributes.user_id = contact.externalId;
      attributes.external_id = contact.externalId;
    }
  }
  if (contact.email && (customer.identityVerified || isEmailVerified(contact))) attributes.email = contact.email;
  return attributes;
}

const inputsKey = (values: Record<string, ExtractedValue>) => JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
const attributeKey = (connectorName: string, field: string) => `${connectorName} > ${field}`;

// Top-level fields only: a list is kept whole under its own name, never split per entry.
export function remember(attributes: TemporaryAttributes, connectorId: number, connectorName: string, values: Record<string, ExtractedValue>, outcome: Pick<RunOutcome, 'data'>): void {
  const runs = isPlainObject(attributes[RUNS_KEY]) ? { ...(attributes[RUNS_KEY] as TemporaryAttributes) } : {};
  const previous: unknown = runs[String(connectorId)];
  // Fields of an earlier run of this connector (other inputs) are replaced, not mixed in.
  if (isPlainObject(previous) && Array.isArray(previous.keys)) for (const key of previous.keys) if (typeof key === 'string') delete attributes[key];
  let keys: string[] | null = null;
  if (isPlainObject(outcome.data)) {
    keys = [];
    for (const [field, value] of Object.entries(outcome.data)) {
      const key = attributeKey(connectorName, field);
      attributes[key] = (value ?? null) as Prisma.InputJsonValue;
      keys.push(key);
    }
  } else {
    attributes[attributeKey(connectorName, 'result')] = (outcome.data ?? null) as Prisma.InputJsonValue;
  }
  const run: RememberedRun = { inputs: inputsKey(values), keys };
  runs[String(connectorId)] = run as unknown as Prisma.InputJsonValue;
  attributes[RUNS_KEY] = runs;
}

export function rememberedData(temporary: Record<string, unknown>, connectorId: number, connectorName: string, values: Record<string, ExtractedValue>): { found: true; data: unknown } | { found: false } {
  const runs = temporary[RUNS_KEY];
  const run = isPlainObject(runs) ? runs[String(connectorId)] : undefined;
  if (!isPlainObject(run) || run.inputs !== inputsKey(values)) return { found: false };
  if (run.keys === null) {
    const key = attributeKey(connectorName, 'result');
    return Object.hasOwn(temporary, key) ? { found: true, data: temporary[key] } : { found: false };
  }
  if (!Array.isArray(run.keys)) return { found: false };
  const prefix = attributeKey(connectorName, '');
  const data: Record<string, unknown> = {};
  for (const key of run.keys) {
    if (typeof key !== 'string' || !key.startsWith(prefix) || !Object.hasOwn(temporary, key)) return { found: false };
    data[key.slice(prefix.length)] = temporary[key];
  }
  return { found: true, data };
}

// The visible temporary attributes ("Name > field") that differ between two
// states: new or changed values, and null for removed ones. The agent's own
// `__agent_*` notes are not attributes and never appear.
export function temporaryChanges(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  const visible = (key: string) => !AGENT_KEYS.includes(key);
  for (const [key, value] of Object.entries(after)) {
    if (visible(key) && (!Object.hasOwn(before, key) || JSON.stringify(before[key]) !== JSON.stringify(value))) changes[key] = value;
  }
  for (const key of Object.keys(before)) if (visible(key) && !Object.hasOwn(after, key)) changes[key] = null;
  return changes;
}
