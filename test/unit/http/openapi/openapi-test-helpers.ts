import type { OpenApiDocument, OpenApiSchema } from '../../../../server/http/openapi/load-openapi.ts';

// Small helpers shared by the OpenAPI unit tests.

export type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function resolveRef<T = Json>(doc: OpenApiDocument, node: unknown): T {
  let current = node;
  for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth++) {
    if (depth > 20) throw new Error(`reference loop at ${String(current.$ref)}`);
    const ref: string = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`non-local reference ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, part) => (isObject(at) ? at[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), doc);
    if (current === undefined) throw new Error(`${ref} points at nothing`);
  }
  return current as T;
}

// The comparable facts about one schema node, in the fixture's format.
export function describeSchema(schema: Json): Json {
  const out: Json = {};
  if (typeof schema.$ref === 'string') out.ref = schema.$ref.replace('#/components/schemas/', '');
  if (schema.type !== undefined) out.type = schema.type;
  if (schema.format !== undefined) out.format = schema.format;
  if (schema.enum !== undefined) out.enum = schema.enum;
  if (schema.nullable) out.nullable = true;
  if (schema.example !== undefined) out.example = schema.example;
  return out;
}

export interface FlatProperty {
  path: string;
  parent: string;
  schema: Json;
}

// Every property of a schema, nested ones as dotted paths and array items as
// `path[]` (the same flattening as the fixture's generator). $refs are not followed.
export function flattenSchema(schema: OpenApiSchema | Json): FlatProperty[] {
  const out: FlatProperty[] = [];
  const walk = (node: Json, prefix: string) => {
    if (isObject(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        if (!isObject(child)) continue;
        const path = prefix ? `${prefix}.${name}` : name;
        out.push({ path, parent: prefix, schema: child });
        walk(child, path);
      }
    }
    if (isObject(node.items)) {
      out.push({ path: `${prefix}[]`, parent: prefix, schema: node.items });
      walk(node.items, `${prefix}[]`);
    }
  };
  walk(schema as Json, '');
  return out;
}

// Every schema node under `schema` (itself included), with a JSON-pointer-ish location.
export function* schemaNodes(schema: unknown, at: string): Generator<{ at: string; schema: Json }> {
  if (!isObject(schema)) return;
  yield { at, schema };
  if (isObject(schema.properties)) {
    for (const [name, child] of Object.entries(schema.properties)) yield* schemaNodes(child, `${at}/properties/${name}`);
  }
  for (const key of ['items', 'additionalProperties', 'not'] as const) yield* schemaNodes(schema[key], `${at}/${key}`);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const [i, child] of list.entries()) yield* schemaNodes(child, `${at}/${key}/${i}`);
  }
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

export interface DocOperation {
  method: (typeof HTTP_METHODS)[number];
  path: string;
  operation: Json;
}

export function operationsOf(doc: OpenApiDocument): DocOperation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => isObject((item as Json)[m])).map((method) => ({ method, path, operation: (item as Json)[method] as Json })),
  );
}
