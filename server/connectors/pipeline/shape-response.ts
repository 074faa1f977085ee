import type { ResponseField } from '../connector-input.ts';
import { cloneJson, defineOwn, isPlainObject } from './own-json.ts';
import { readPath, splitPath } from './read-path.ts';

// What the caller (AI agent, workflow, agent in the inbox) gets from a
// response. full_access: the response as it came. redacted_access ("manually
// restrict access"): only the selected fields, each under its customer-facing
// label when it has one (a single key, dots and all) or else nested under its
// path ("address.city" -> { address: { city } }), with its formatter applied.
// Fields marked redacted are still handed over: redaction is for logs (redact.ts).
//
// A formatter given a value it cannot format leaves the value as it was and
// adds a warning, so a changed API never breaks a conversation. null stays
// null without a warning. Formatters:
// - boolean_text {true_text, false_text}: booleans only; defaults "Yes"/"No".
// - unix_seconds_to_iso / unix_ms_to_iso: numbers or numeric strings -> ISO 8601 UTC.
// - minor_units_to_amount {currency?, exponent?}: an integer count of minor
//   units (number or digit string) -> with a currency, the text "12.34 EUR";
//   without one, the number 12.34. exponent defaults to the currency's
//   (0 for JPY, KRW and other zero-decimal currencies, 3 for BHD, JOD, KWD,
//   OMR, TND, IQD, LYD, else 2); the text always shows exactly that many decimals.
// - zero_as_text {text}: a numeric zero (0, "0", "0.00") -> text; other values unchanged.

export type ShapeField = Pick<ResponseField, 'path'> &
  Partial<Pick<ResponseField, 'label' | 'formatter' | 'formatter_options' | 'selected' | 'redacted'>>;
export type DataTransformationMode = 'full_access' | 'redacted_access';
export interface ShapeConfig {
  mode: DataTransformationMode;
  fields: ShapeField[];
}
export interface ShapeWarning {
  field: string;
  message: string;
}
export interface ShapeResult {
  shaped: unknown;
  warnings: ShapeWarning[];
}

// Where a field's value sits in a shaped body; redaction of shaped logs uses the same keys.
export function shapedKeyPath(field: Pick<ShapeField, 'path' | 'label'>): string[] {
  return field.label ? [field.label] : splitPath(field.path);
}

type Formatted = { value: unknown; warning?: string };

const ZERO_DECIMAL_CURRENCIES = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'JPY', 'KMF', 'KRW', 'MGA', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL_CURRENCIES = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
const NUMERIC_TEXT = /^-?\d+(\.\d+)?$/;
const INTEGER_TEXT = /^-?\d+$/;

const describe = (value: unknown) => (Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : JSON.stringify(value));
const unchanged = (value: unknown, warning: string): Formatted => ({ value, warning });

function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) return Number(value.trim());
  return undefined;
}

function optionText(options: Record<string, unknown>, key: string, fallback?: string): string | undefined {
  const value = options[key];
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' ? value : undefined;
}

function toIso(value: unknown, unitMs: number, formatter: string): Formatted {
  const n = numberFrom(value);
  if (n === undefined) return unchanged(value, `${formatter} expects a Unix timestamp, got ${describe(value)}`);
  const date = new Date(n * unitMs);
  if (Number.isNaN(date.getTime())) return unchanged(value, `${formatter}: ${describe(value)} is out of the date range`);
  return { value: date.toISOString() };
}

export function minorUnitsToAmount(value: unknown, options: Record<string, unknown>): Formatted {
  const currencyOption = options.currency;
  if (currencyOption !== undefined && currencyOption !== null && (typeof currencyOption !== 'string' || !/^[A-Za-z]{3}$/.test(currencyOption))) {
    return unchanged(value, `minor_units_to_amount: currency must be a three-letter code, got ${describe(currencyOption)}`);
  }
  const currency = typeof currencyOption === 'string' ? currencyOption.toUpperCase() : undefined;
  const exponentOption = options.exponent;
  let exponent = currency && ZERO_DECIMAL_CURRENCIES.has(currency) ? 0 : currency && THREE_DECIMAL_CURRENCIES.has(currency) ? 3 : 2;
  if (exponentOption !== undefined && exponentOption !== null) {
    if (typeof exponentOption !== 'number' || !Number.isInteger(exponentOption) || exponentOption < 0 || exponentOption > 8) {
      return unchanged(value, `minor_units_to_amount: exponent must be an integer from 0 to 8, got ${describe(exponentOption)}`);
    }
    exponent = exponentOption;
  }

  let units: number;
  if (typeof value === 'number') units = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) units = Number(value.trim());
  else return unchanged(value, `minor_units_to_amount expects a whole number of minor units, got ${describe(value)}`);
  if (!Number.isSafeInteger(units)) return unchanged(value, `minor_units_to_amount expects a whole number of minor units, got ${describe(value)}`);

  // Digit arithmetic, not division, so 1005 / 100 is exactly "10.05".
  const digits = Math.abs(units).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const text = (units < 0 ? '-' : '') + whole + (exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '');
  return { value: currency ? `${text} ${currency}` : Number(text) };
}

export function applyFormatter(value: unknown, formatter: string | null | undefined, options: Record<string, unknown> | null | undefined): Formatted {
  if (!formatter || formatter === 'none' || value === null || value === undefined) return { value };
  const opts = options ?? {};
  switch (formatter) {
    case 'boolean_text': {
      if (typeof value !== 'boolean') return unchanged(value, `boolean_text expects true or false, got ${describe(value)}`);
      const text = optionText(opts, value ? 'true_text' : 'false_text', value ? 'Yes' : 'No');
      if (text === undefined) return unchanged(value, `boolean_text: ${value ? 'true_text' : 'false_text'} must be text`);
      return { value: text };
    }
    case 'unix_seconds_to_iso':
      return toIso(value, 1000, formatter);
    case 'unix_ms_to_iso':
      return toIso(value, 1, formatter);
    case 'minor_units_to_amount':
      return minorUnitsToAmount(value, opts);
    case 'zero_as_text': {
      const text = optionText(opts, 'text');
      if (!text) return unchanged(value, 'zero_as_text needs a text option');
      return numberFrom(value) === 0 ? { value: text } : { value };
    }
    default:
      return unchanged(value, `unknown formatter "${formatter}"`);
  }
}

export function shapeResponse(data: unknown, config: ShapeConfig): ShapeResult {
  if (config.mode === 'full_access') return { shaped: data, warnings: [] };

  const warnings: ShapeWarning[] = [];
  const shaped: Record<string, unknown> = {};
  // Objects this function created to nest path keys; only these may receive more keys.
  const containers = new WeakSet<object>([shaped]);

  for (const field of config.fields) {
    const keys = shapedKeyPath(field);
    if (!field.selected || keys.length === 0) continue;
    const raw = readPath(data, field.path);
    if (raw === undefined) continue;
    const formatted = applyFormatter(raw, field.formatter, field.formatter_options);
    if (formatted.warning) warnings.push({ field: field.path, message: formatted.warning });

    let target = shaped;
    let placed = true;
    for (const [i, key] of keys.entries()) {
      const last = i === keys.length - 1;
      const existing = Object.hasOwn(target, key) ? target[key] : undefined;
      if (last) {
        if (existing !== undefined) placed = false;
        else defineOwn(target, key, formatted.value === raw ? cloneJson(raw) : formatted.value);
      } else if (existing === undefined) {
        const child: Record<string, unknown> = {};
        containers.add(child);
        defineOwn(target, key, child);
        target = child;
      } else if (isPlainObject(existing) && containers.has(existing)) {
        target = existing;
      } else {
        placed = false;
        break;
      }
    }
    if (!placed) warnings.push({ field: field.path, message: `"${keys.join('.')}" is already used by another selected field; this one was left out` });
  }
  return { shaped, warnings };
}
