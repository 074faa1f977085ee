// Which contact attribute updates a source may make. Protected attributes
// identify a customer to data connectors (an account id, say), so only the host
// company can set them: through a verified identity JWT or the admin API. The
// messenger runs in the customer's browser, where anyone can send anything.
import type { AttributeType, CustomAttributeDefinition } from '../db/generated/sqlite/client.ts';
import type { Db } from '../db/client.ts';

export type AttributeValue = string | number | boolean | null;
export type AttributeSource = 'messenger' | 'verified_jwt' | 'admin';

export interface IgnoredAttribute {
  name: string;
  // protected: only a verified JWT or the admin API may set it (or, for email and
  // name, the verified JWT already did); unknown: the workspace defines no such
  // contact attribute; invalid_value: the value does not fit the attribute's type.
  reason: 'protected' | 'unknown' | 'invalid_value';
}

export interface AttributeUpdate {
  apply: Record<string, AttributeValue>;
  ignored: IgnoredAttribute[];
}

export type AttributeDefinition = Pick<CustomAttributeDefinition, 'name' | 'type' | 'protected'>;

export const MAX_STRING_ATTRIBUTE_LENGTH = 10_000;

// Claims a JWT carries for its own sake, never attribute values.
export const RESERVED_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'user_id', 'email', 'name']);

export function fitsAttributeType(type: AttributeType, value: unknown): value is AttributeValue {
  if (value === null) return true;
  switch (type) {
    case 'string':
      return typeof value === 'string' && value.length <= MAX_STRING_ATTRIBUTE_LENGTH;
    case 'integer':
      return Number.isSafeInteger(value);
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      // Unix seconds (as Intercom sends them) or an ISO 8601 date.
      return Number.isSafeInteger(value) || (typeof value === 'string' && value.length <= 40 && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)));
  }
}

export function isProtectedAttribute(definitions: AttributeDefinition[], name: string): boolean {
  return definitions.some((d) => d.name === name && d.protected);
}

/**
 * Splits requested contact attribute updates into what `source` may write and
 * what is ignored (with the reason). Only attributes the workspace defines are
 * written: an undefined name could later be defined as protected while still
 * holding a value the customer chose.
 */
export function filterContactAttributeUpdates(definitions: AttributeDefinition[], updates: Record<string, unknown>, source: AttributeSource): AttributeUpdate {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const result: AttributeUpdate = { apply: {}, ignored: [] };
  for (const [name, value] of Object.entries(updates)) {
    const definition = byName.get(name);
    if (!definition) result.ignored.push({ name, reason: 'unknown' });
    else if (definition.protected && source === 'messenger') result.ignored.push({ name, reason: 'protected' });
    else if (!fitsAttributeType(definition.type, value)) result.ignored.push({ name, reason: 'invalid_value' });
    else result.apply[name] = value;
  }
  return result;
}

/** The attribute claims of a verified JWT: claims named like a defined contact attribute. */
export function attributeClaims(definitions: AttributeDefinition[], claims: Record<string, unknown>): Record<string, unknown> {
  const names = new Set(definitions.map((d) => d.name));
  return Object.fromEntries(Object.entries(claims).filter(([name]) => names.has(name) && !RESERVED_CLAIMS.has(name)));
}

export async function loadContactAttributeDefinitions(db: Pick<Db, 'customAttributeDefinition'>, workspaceId: number): Promise<AttributeDefinition[]> {
  return db.customAttributeDefinition.findMany({ where: { workspaceId, target: 'contact' }, select: { name: true, type: true, protected: true } });
}
