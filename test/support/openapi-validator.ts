import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import {
  loadOpenApiDocument,
  OPENAPI_METHODS,
  type OpenApiDocument,
  type OpenApiMethod,
  type OpenApiOperation,
  type OpenApiResponse,
} from '../../server/http/openapi/load-openapi.ts';

// Checks API responses against Patchbay's OpenAPI 3.0 document with ajv. The
// document's schemas are OpenAPI 3.0 dialect, so they are converted to JSON
// Schema first: `nullable: true` becomes a "null" type (and a null enum value,
// or an anyOf around $ref/allOf/oneOf/anyOf), `#/components/...` references
// point into one registered copy of the document, and annotations ajv does not
// know (`example`, `x-*`, ...) are dropped so ajv can run with strictSchema on
// and catch misspelt keywords in the document.

export interface ApiResponseToCheck {
  method: string;
  // A path template such as /data_connectors/{id}, without /api. Parameter names
  // need not match the document's, and a concrete path (/data_connectors/12) works too.
  path: string;
  status: number;
  body: unknown;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

// Keywords whose value is a schema, a list of schemas, or a map of schemas.
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'additionalItems', 'contains', 'propertyNames', 'if', 'then', 'else']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
// OpenAPI-only or annotation keywords that are not JSON Schema (or that ajv would treat differently).
const DROPPED_KEYWORDS = new Set(['nullable', 'example', 'examples', 'discriminator', 'xml', 'externalDocs', 'deprecated']);

const ROOT_ID = 'patchbay-openapi';

function rewriteRef(ref: unknown): unknown {
  if (typeof ref !== 'string') return ref;
  if (ref.startsWith('#/')) return `${ROOT_ID}${ref}`;
  throw new Error(`openapi-validator: only local references are supported, got $ref ${ref}`);
}

function makeNullable(schema: JsonObject): JsonObject {
  const composite = ['$ref', 'allOf', 'anyOf', 'oneOf', 'not'].some((k) => k in schema);
  if (!composite && typeof schema.type === 'string') {
    const result: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) result.enum = [...schema.enum, null];
    return result;
  }
  if (!composite && !('type' in schema)) {
    if (Array.isArray(schema.enum)) return schema.enum.includes(null) ? schema : { ...schema, enum: [...schema.enum, null] };
    return schema; // no type and no constraint on it: null is already allowed
  }
  const { title, description, default: defaultValue, ...rest } = schema;
  return {
    ...(title !== undefined && { title }),
    ...(description !== undefined && { description }),
    ...(defaultValue !== undefined && { default: defaultValue }),
    anyOf: [rest, { type: 'null' }],
  };
}

// Converts one OpenAPI 3.0 schema object (and everything under it) to JSON Schema (draft-07).
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (key === '$ref') out.$ref = rewriteRef(value);
    else if (SCHEMA_KEYWORDS.has(key)) out[key] = isObject(value) ? toJsonSchema(value) : value;
    else if (SCHEMA_LIST_KEYWORDS.has(key)) out[key] = Array.isArray(value) ? value.map(toJsonSchema) : value;
    else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, Array.isArray(child) ? child : toJsonSchema(child)]));
    } else out[key] = value; // type, enum, required, default, format, limits...: literal values
  }
  // In OpenAPI 3.0 siblings of $ref are ignored, except that we honour nullable (see makeNullable).
  if ('$ref' in out) {
    const ref = { $ref: out.$ref };
    return schema.nullable === true ? makeNullable(ref) : ref;
  }
  return schema.nullable === true ? makeNullable(out) : out;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath || '(body)';
  const params = error.params as JsonObject;
  let detail = '';
  if (error.keyword === 'additionalProperties') detail = `: "${String(params.additionalProperty)}"`;
  else if (error.keyword === 'enum') detail = `: ${JSON.stringify(params.allowedValues)}`;
  return `  ${where} ${error.message ?? error.keyword}${detail} [${error.schemaPath}]`;
}

function snippet(body: unknown, max = 1500): string {
  let text: string;
  try {
    text = body === undefined ? '(empty)' : (JSON.stringify(body, null, 2) ?? String(body));
  } catch {
    text = String(body);
  }
  return text.length > max ? `${text.slice(0, max)}\n... (${text.length - max} more characters)` : text;
}

function normalizePath(path: string): string {
  let p = path.split('?')[0] ?? '';
  if (p === '/api' || p.startsWith('/api/')) p = p.slice(4);
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.startsWith('/') ? p : `/${p}`;
}

const templateKey = (path: string) => path.replace(/\{[^}/]+\}/g, '{}');

export interface OpenApiValidator {
  assertMatches(response: ApiResponseToCheck): void;
  // The JSON Schema errors of `value` against an OpenAPI schema of the document (empty when it matches).
  schemaErrors(schema: unknown, value: unknown): string[];
  // How many schemas have been compiled so far (each one once).
  compiledSchemaCount(): number;
}

export function createOpenApiValidator(document: OpenApiDocument): OpenApiValidator {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
  });
  // ajv-formats is CommonJS: its default export is the plugin under Node and under bundlers alike.
  const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  // The document's component schemas, converted, registered under one id so that
  // `#/components/schemas/...` references resolve to the same JSON pointer.
  const schemas = Object.fromEntries(Object.entries(document.components?.schemas ?? {}).map(([name, schema]) => [name, toJsonSchema(schema)]));
  ajv.addKeyword({ keyword: 'components' }); // a container, not a constraint
  ajv.addSchema({ $id: ROOT_ID, components: { schemas } });

  // Keyed by the $ref for plain references (most response schemas), else by the schema object itself.
  const compiled = new Map<unknown, ValidateFunction>();
  const compile = (schema: unknown): ValidateFunction => {
    const key = isObject(schema) && typeof schema.$ref === 'string' && Object.keys(schema).length === 1 ? schema.$ref : schema;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(toJsonSchema(schema) as JsonObject);
      compiled.set(key, validate);
    }
    return validate;
  };

  const resolve = <T>(node: T | { $ref: string }): T => {
    let current: unknown = node;
    for (let depth = 0; isObject(current) && typeof current.$ref === 'string'; depth++) {
      if (depth > 20 || !current.$ref.startsWith('#/')) throw new Error(`openapi-validator: cannot resolve ${current.$ref}`);
      current = current.$ref
        .slice(2)
        .split('/')
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce<unknown>((at, part) => (isObject(at) ? at[part] : undefined), document);
      if (current === undefined) throw new Error(`openapi-validator: ${JSON.stringify(node)} points at nothing`);
    }
    return current as T;
  };

  const paths = Object.keys(document.paths);
  const findPath = (path: string): string | undefined => {
    const wanted = normalizePath(path);
    const exact = paths.find((p) => p === wanted) ?? paths.find((p) => templateKey(p) === templateKey(wanted));
    if (exact) return exact;
    // A concrete path: each {param} of a documented template matches one segment; literal segments win.
    const segments = wanted.split('/');
    const candidates = paths
      .map((p) => ({ p, parts: p.split('/') }))
      .filter(({ parts }) => parts.length === segments.length && parts.every((part, i) => /^\{[^}]+\}$/.test(part) || part === segments[i]))
      .sort((a, b) => b.parts.filter((x) => !x.startsWith('{')).length - a.parts.filter((x) => !x.startsWith('{')).length);
    return candidates[0]?.p;
  };

  function assertMatches({ method, path, status, body }: ApiResponseToCheck): void {
    const verb = method.toLowerCase() as OpenApiMethod;
    const label = `${method.toUpperCase()} ${path} -> ${status}`;
    const fail = (why: string): never => {
      throw new Error(`OpenAPI mismatch: ${label}: ${why}\nResponse body:\n${snippet(body)}`);
    };
    if (!OPENAPI_METHODS.includes(verb)) fail(`"${method}" is not an HTTP method`);
    const documentedPath = findPath(path);
    if (!documentedPath) return fail(`the path is not documented (documented paths: ${paths.join(', ')})`);
    const operation: OpenApiOperation | undefined = document.paths[documentedPath]?.[verb];
    if (!operation) return fail(`${documentedPath} documents no ${verb.toUpperCase()} operation`);
    const responses = operation.responses;
    const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((key) => key in responses);
    if (!statusKey) return fail(`status ${status} is not documented for ${verb.toUpperCase()} ${documentedPath} (documented: ${Object.keys(responses).join(', ')})`);
    const response = resolve<OpenApiResponse>(responses[statusKey]!);
    const content = response.content;
    const isEmpty = body === undefined || body === '';
    if (!content || Object.keys(content).length === 0) {
      if (!isEmpty) fail(`the documented response "${statusKey}" has no body, but one was returned`);
      return;
    }
    const json = content['application/json'];
    if (!json) return fail(`the documented response "${statusKey}" has no application/json content (has ${Object.keys(content).join(', ')})`);
    if (isEmpty) fail(`the documented response "${statusKey}" has an application/json body, but the response was empty`);
    if (!json.schema) return;
    const validate = compile(json.schema);
    if (!validate(body)) {
      const schemaName = typeof json.schema.$ref === 'string' ? json.schema.$ref : 'inline schema';
      fail(`the body does not match ${schemaName} (response "${statusKey}" of ${verb.toUpperCase()} ${documentedPath}):\n${(validate.errors ?? []).map(describeError).join('\n')}`);
    }
  }

  return {
    assertMatches,
    schemaErrors(schema, value) {
      const validate = compile(schema);
      return validate(value) ? [] : (validate.errors ?? []).map(describeError);
    },
    compiledSchemaCount: () => compiled.size,
  };
}

let defaultValidator: OpenApiValidator | undefined;

export function openApiValidator(): OpenApiValidator {
  defaultValidator ??= createOpenApiValidator(loadOpenApiDocument());
  return defaultValidator;
}

// Throws a readable Error when the response is not what Patchbay's OpenAPI
// document says `method path` answers with `status`.
export function assertMatchesOpenApi(response: ApiResponseToCheck): void {
  openApiValidator().assertMatches(response);
}
