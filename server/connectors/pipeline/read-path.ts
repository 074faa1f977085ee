// Dot paths into API responses, as response fields and object mappings name
// them: "customer.address.city", "lines.data.0.amount". Only own properties
// are read, so a path can never reach Object.prototype or a constructor.
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
export const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

export function isForbiddenSegment(segment: string): boolean {
  return FORBIDDEN_SEGMENTS.has(segment);
}

// The value at `path`, or undefined when any step is absent. The empty path is
// the data itself (an object mapping's response_object_path may be "").
export function readPath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const segment of splitPath(path)) {
    if (isForbiddenSegment(segment)) return undefined;
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (typeof current === 'object' && current !== null) {
      if (!Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
