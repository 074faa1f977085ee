// Values a teammate gives for custom attributes, checked against the
// workspace's CustomAttributeDefinition the way other writers are: the type
// coercion of connector inputs (coerce-inputs.ts: "42" is an integer, "true"
// a boolean) and the messenger's type check for datetimes and string length
// (protected-attributes.ts). Only defined attributes can be written; null
// clears one.
import type { AttributeTarget } from '../db/generated/sqlite/client.ts';
import { coerceInputValue } from '../connectors/pipeline/coerce-inputs.ts';
import type { AttributeValue } from '../connectors/pipeline/map-attributes.ts';
import { AppError, type ErrorItem } from '../http/app-error.ts';
import { fitsAttributeType, MAX_STRING_ATTRIBUTE_LENGTH } from '../messenger/protected-attributes.ts';
import type { InboxDb } from './load-conversation.ts';

const RULES = {
  string: `must be text of at most ${MAX_STRING_ATTRIBUTE_LENGTH} characters`,
  integer: 'must be an integer',
  decimal: 'must be a decimal number',
  boolean: 'must be true or false',
  datetime: 'must be an ISO 8601 date-time or Unix seconds',
} as const;

const shown = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value.length > 50 ? `${value.slice(0, 50)}…` : value) : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : String(value));

export async function validateAttributeValues(
  db: InboxDb,
  workspaceId: number,
  target: Extract<AttributeTarget, 'contact' | 'conversation'>,
  values: Record<string, unknown>,
  field = 'custom_attributes',
): Promise<Record<string, AttributeValue>> {
  const definitions = await db.customAttributeDefinition.findMany({ where: { workspaceId, target }, select: { name: true, type: true } });
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const errors: ErrorItem[] = [];
  const accepted: [string, AttributeValue][] = [];
  for (const [name, value] of Object.entries(values)) {
    const at = `${field}.${name}`;
    const definition = byName.get(name);
    if (!definition) {
      const known = definitions.map((d) => d.name).sort().join(', ') || 'none';
      errors.push({ code: 'parameter_invalid', field: at, message: `${at}: no ${target} attribute named "${name}" (defined: ${known})` });
      continue;
    }
    if (value === null) {
      accepted.push([name, null]);
      continue;
    }
    if (definition.type === 'datetime') {
      if (fitsAttributeType('datetime', value)) accepted.push([name, value]);
      else errors.push({ code: 'parameter_invalid', field: at, message: `${at}: ${RULES.datetime}, got ${shown(value)}` });
      continue;
    }
    const coerced = coerceInputValue(definition.type, value);
    if (coerced.ok && fitsAttributeType(definition.type, coerced.value)) accepted.push([name, coerced.value]);
    else errors.push({ code: 'parameter_invalid', field: at, message: `${at}: ${RULES[definition.type]}, got ${shown(value)}` });
  }
  if (errors.length > 0) throw new AppError(422, errors);
  return Object.fromEntries(accepted);
}
