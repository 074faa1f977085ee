// Object mappings: response values -> contact ("user") and conversation custom
// attributes. Pure: computes what would change; write-execution-result.ts writes it.
import type { ObjectMapping } from '../connector-input.ts';
import { isPlainObject } from './own-json.ts';
import { readPath } from './read-path.ts';

export type AttributeValue = string | number | boolean | null;

export interface AttributeWrites {
  contact: Record<string, AttributeValue>;
  conversation: Record<string, AttributeValue>;
  // Mapped paths that were absent or not a plain value: reported, not written.
  skipped: { path: string; reason: string }[];
}

const joinPath = (base: string, path: string) => (base ? `${base}.${path}` : path);

export function mapAttributes(data: unknown, mappings: ObjectMapping[]): AttributeWrites {
  const writes: AttributeWrites = { contact: {}, conversation: {}, skipped: [] };
  for (const mapping of mappings) {
    const target = mapping.intercom_object_type === 'user' ? writes.contact : writes.conversation;
    for (const attribute of mapping.attribute_mappings) {
      const path = joinPath(mapping.response_object_path, attribute.response_attribute_path);
      const value = readPath(data, path);
      if (value === undefined) {
        writes.skipped.push({ path, reason: 'not in the response' });
      } else if (value !== null && typeof value === 'object') {
        writes.skipped.push({ path, reason: 'is an object or a list, not a single value' });
      } else {
        target[attribute.intercom_attribute_identifier] = value as AttributeValue;
      }
    }
  }
  return writes;
}

// Only the attributes whose value really changes, so events carry only what changed.
export function changedAttributes(current: unknown, writes: Record<string, AttributeValue>): Record<string, AttributeValue> {
  const existing = isPlainObject(current) ? current : {};
  return Object.fromEntries(Object.entries(writes).filter(([name, value]) => existing[name] !== value));
}
