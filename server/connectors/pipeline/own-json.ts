// Helpers for JSON data from outside: keys are defined as own properties, never
// assigned, so a response key named "__proto__" stays data and cannot change a
// prototype.
export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function defineOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// A copy of JSON-like data that shares nothing with the original.
export function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) defineOwn(copy, key, cloneJson(child));
    return copy;
  }
  return value;
}
