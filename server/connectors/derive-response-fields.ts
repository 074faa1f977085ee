import { isPlainObject } from './pipeline/own-json.ts';

export type ResponseFieldType = 'unknown' | 'string' | 'integer' | 'decimal' | 'datetime' | 'boolean';

export interface DerivedResponseField {
  path: string;
  type: ResponseFieldType;
  example_value: string | number | boolean | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
// Nested objects are expanded this many levels below the root; deeper ones and
// arrays are exposed whole at their root path, as the product docs describe.
const MAX_OBJECT_DEPTH = 2;

function typeOf(value: unknown): ResponseFieldType {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'decimal';
  if (typeof value === 'string') return ISO_DATE.test(value) ? 'datetime' : 'string';
  return 'unknown';
}

function exampleOf(value: unknown): DerivedResponseField['example_value'] {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

export function deriveResponseFields(response: unknown): DerivedResponseField[] {
  const fields: DerivedResponseField[] = [];
  const walk = (value: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [key, child] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (isPlainObject(child) && depth < MAX_OBJECT_DEPTH) walk(child, path, depth + 1);
      else fields.push({ path, type: typeOf(child), example_value: exampleOf(child) });
    }
  };
  if (isPlainObject(response)) walk(response, '', 0);
  return fields;
}
