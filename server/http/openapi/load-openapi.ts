import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

// Patchbay's OpenAPI document (openapi.yaml next to this file), served at
// GET /api/openapi.json and used by the integration tests to check every
// response. Parsed once, then shared read-only.

export type OpenApiMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
export const OPENAPI_METHODS: readonly OpenApiMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export type OpenApiSchema = Readonly<Record<string, unknown>>;

export interface OpenApiReference {
  readonly $ref: string;
}

export interface OpenApiMediaType {
  readonly schema?: OpenApiSchema;
  readonly example?: unknown;
  readonly examples?: Readonly<Record<string, unknown>>;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
  readonly [key: string]: unknown;
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'query' | 'header' | 'path' | 'cookie';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: OpenApiSchema;
  readonly [key: string]: unknown;
}

export interface OpenApiOperation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly parameters?: readonly (OpenApiParameter | OpenApiReference)[];
  readonly requestBody?: { readonly required?: boolean; readonly content: Readonly<Record<string, OpenApiMediaType>> } | OpenApiReference;
  readonly responses: Readonly<Record<string, OpenApiResponse | OpenApiReference>>;
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly [key: string]: unknown;
}

export type OpenApiPathItem = { readonly [M in OpenApiMethod]?: OpenApiOperation } & {
  readonly parameters?: readonly (OpenApiParameter | OpenApiReference)[];
};

export interface OpenApiDocument {
  readonly openapi: string;
  readonly info: { readonly title: string; readonly version: string; readonly description?: string; readonly [key: string]: unknown };
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  readonly security?: readonly Readonly<Record<string, readonly string[]>>[];
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components?: {
    readonly schemas?: Readonly<Record<string, OpenApiSchema>>;
    readonly responses?: Readonly<Record<string, OpenApiResponse>>;
    readonly parameters?: Readonly<Record<string, OpenApiParameter>>;
    readonly examples?: Readonly<Record<string, { readonly summary?: string; readonly value?: unknown }>>;
    readonly securitySchemes?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    readonly [key: string]: unknown;
  };
}

const DOCUMENT_FILE = new URL('./openapi.yaml', import.meta.url);

let cached: OpenApiDocument | undefined;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function parseOpenApiDocument(text: string): OpenApiDocument {
  const parsed: unknown = parse(text, { uniqueKeys: true });
  const doc = parsed as Partial<OpenApiDocument> | null;
  if (!doc || typeof doc !== 'object' || typeof doc.openapi !== 'string' || typeof doc.paths !== 'object' || doc.paths === null) {
    throw new Error(`${DOCUMENT_FILE.pathname} is not an OpenAPI document (no "openapi" version or no "paths")`);
  }
  return deepFreeze(doc as OpenApiDocument);
}

// Reads the YAML next to this file on first use (so `tsx server/index.ts` and
// the tests both find it) and returns the same frozen object afterwards.
export function loadOpenApiDocument(): OpenApiDocument {
  cached ??= parseOpenApiDocument(readFileSync(DOCUMENT_FILE, 'utf8'));
  return cached;
}
