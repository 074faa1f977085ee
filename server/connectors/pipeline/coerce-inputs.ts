import type { DataInput } from '../connector-input.ts';

// Turns the values a caller (AI agent, workflow, admin test, REST) gives for a
// connector's data inputs into typed values, or says exactly what is wrong.
//
// Rules, strict on purpose so a value never changes meaning on the way:
// - missing: undefined, null, or a string of only whitespace. It takes the
//   input's default_value (coerced like a provided value); otherwise, with
//   validateMissing, a required input is an error and anything else is null.
// - string: strings as they are (not trimmed); numbers and booleans become
//   their text; objects and arrays are refused.
// - integer: integer numbers, or strings of decimal digits with an optional
//   leading "-" (surrounding whitespace ignored). "4.2", "1e3", "0x1A", "+7",
//   "1,000" are refused. The result must be a safe integer (|n| <= 2^53 - 1).
// - decimal: finite numbers, or strings like "12", "-0.5", "12.50", ".5"
//   (no exponent, no thousands separator, no decimal comma).
// - boolean: true/false, "true"/"false" in any case, 1/0 and "1"/"0".
//   "yes"/"no" and "on"/"off" are refused.
// - a provided name that is not a data input of the connector is an error.

export type InputValue = string | number | boolean | null;
export type DataInputDefinition = Pick<DataInput, 'name' | 'type'> & Partial<Pick<DataInput, 'required' | 'default_value'>>;
export interface InputError {
  field: string;
  message: string;
}
export type CoerceInputsResult = { values: Record<string, InputValue> } | { error: InputError[] };

const INTEGER_TEXT = /^-?\d+$/;
const DECIMAL_TEXT = /^-?(\d+(\.\d*)?|\.\d+)$/;

export type Coerced = { ok: true; value: InputValue } | { ok: false; rule: string };

function shown(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 50 ? `${value.slice(0, 50)}…` : value);
  return String(value);
}

function coerceInteger(value: unknown): Coerced {
  const rule = 'must be an integer';
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) n = Number(value.trim());
  else return { ok: false, rule };
  if (!Number.isInteger(n)) return { ok: false, rule };
  if (!Number.isSafeInteger(n)) return { ok: false, rule: `must be an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` };
  return { ok: true, value: n === 0 ? 0 : n };
}

function coerceDecimal(value: unknown): Coerced {
  const rule = 'must be a decimal number';
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) n = Number(value.trim());
  else return { ok: false, rule };
  if (!Number.isFinite(n)) return { ok: false, rule: 'must be a finite decimal number' };
  return { ok: true, value: n === 0 ? 0 : n };
}

function coerceBoolean(value: unknown): Coerced {
  if (typeof value === 'boolean') return { ok: true, value };
  if (value === 1 || value === 0) return { ok: true, value: value === 1 };
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1') return { ok: true, value: true };
    if (text === 'false' || text === '0') return { ok: true, value: false };
  }
  return { ok: false, rule: 'must be true or false' };
}

function coerceString(value: unknown): Coerced {
  if (typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value: String(value) };
  if (typeof value === 'boolean' || typeof value === 'bigint') return { ok: true, value: String(value) };
  return { ok: false, rule: 'must be text' };
}

export function coerceInputValue(type: DataInput['type'], value: unknown): Coerced {
  switch (type) {
    case 'integer':
      return coerceInteger(value);
    case 'decimal':
      return coerceDecimal(value);
    case 'boolean':
      return coerceBoolean(value);
    case 'string':
      return coerceString(value);
    default:
      return { ok: false, rule: `has an unknown type "${String(type)}"` };
  }
}

const isMissing = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

export function coerceInputs(
  definitions: DataInputDefinition[],
  provided: Record<string, unknown>,
  options: { validateMissing: boolean },
): CoerceInputsResult {
  const errors: InputError[] = [];
  const entries: [string, InputValue][] = [];
  const known = new Set(definitions.map((d) => d.name));

  for (const name of Object.keys(provided)) {
    if (known.has(name) || provided[name] === undefined) continue;
    const list = [...known].join(', ') || 'none';
    errors.push({ field: name, message: `${name} is not a data input of this connector (data inputs: ${list})` });
  }

  for (const definition of definitions) {
    const { name, type } = definition;
    const given = Object.hasOwn(provided, name) ? provided[name] : undefined;
    if (!isMissing(given)) {
      const result = coerceInputValue(type, given);
      if (result.ok) entries.push([name, result.value]);
      else errors.push({ field: name, message: `${name} ${result.rule}, got ${shown(given)}` });
      continue;
    }
    const fallback = definition.default_value ?? '';
    if (fallback.trim() !== '') {
      const result = coerceInputValue(type, fallback);
      if (result.ok) entries.push([name, result.value]);
      else errors.push({ field: name, message: `${name}: the default value ${shown(fallback)} is invalid (${name} ${result.rule})` });
      continue;
    }
    if (options.validateMissing && definition.required) errors.push({ field: name, message: `${name} is required` });
    else entries.push([name, null]);
  }

  // fromEntries defines own properties, so an input named "__proto__" stays a plain key.
  return errors.length > 0 ? { error: errors } : { values: Object.fromEntries(entries) };
}
