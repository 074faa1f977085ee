// Checks a model's tool-call arguments against the connector's data inputs
// (the same rules as the tool's JSON schema and the pipeline's coercion):
// unknown names and wrongly typed values are invalid, and a required input
// without a default must be given. Missing inputs are told apart, because the
// model should ask the customer for them rather than guess.
import type { DataInput } from '../../connectors/connector-input.ts';
import { coerceInputs, type InputError, type InputValue } from '../../connectors/pipeline/coerce-inputs.ts';

export type ArgumentsCheck =
  | { ok: true; values: Record<string, InputValue> }
  | { ok: false; missing: string[]; invalid: InputError[] };

type Definition = Pick<DataInput, 'name' | 'type'> & Partial<Pick<DataInput, 'required' | 'default_value'>>;

const isMissing = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

export function checkToolArguments(definitions: readonly Definition[], args: Record<string, unknown>): ArgumentsCheck {
  const missing = definitions
    .filter((d) => d.required && !(d.default_value ?? '').trim() && isMissing(Object.hasOwn(args, d.name) ? args[d.name] : undefined))
    .map((d) => d.name);
  const coerced = coerceInputs([...definitions], args, { validateMissing: true });
  if (!('error' in coerced)) return { ok: true, values: coerced.values };
  const invalid = coerced.error.filter((e) => !missing.includes(e.field));
  return { ok: false, missing, invalid };
}

// The arguments as the pipeline's inputs: only values that were given.
export function givenValues(values: Record<string, InputValue>): Record<string, string | number | boolean> {
  const given: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(values)) if (value !== null) given[name] = value;
  return given;
}
