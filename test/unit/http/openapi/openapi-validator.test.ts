import { describe, expect, it } from 'vitest';
import { loadOpenApiDocument, type OpenApiDocument } from '../../../../server/http/openapi/load-openapi.ts';
import { assertMatchesOpenApi, createOpenApiValidator, openApiValidator, toJsonSchema } from '../../../support/openapi-validator.ts';
import type { Json } from './openapi-test-helpers.ts';

const doc = loadOpenApiDocument();
const detail = (): Json => structuredClone(doc.components!.examples!.DataConnectorDetail!.value) as Json;
const summary = (): Json => ({
  type: 'data_connector',
  id: '12',
  name: 'Order Status Service',
  description: null,
  state: 'draft',
  http_method: 'get',
  direct_fin_usage: false,
  created_at: '2026-01-20T14:22:15Z',
  updated_at: '2026-01-20T14:22:15Z',
  execution_results_url: '/data_connectors/12/execution_results',
});
const execution = (): Json => ({
  type: 'data_connector.execution',
  id: '99000',
  data_connector_id: '12',
  success: false,
  http_status: null,
  http_method: 'post',
  error_type: '3rd_party_error',
  error_message: 'Connection refused',
  execution_time_ms: null,
  source_type: 'inbox',
  source_id: null,
  conversation_id: null,
  created_at: '2026-02-10T17:45:15Z',
});
const errorList = (): Json => ({
  type: 'error.list',
  request_id: '0b6f6f5e-3f57-4c52-9a55-2f7d8c1e4a90',
  errors: [{ code: 'data_connector_not_found', message: 'Data connector not found' }],
});

const getDetail = (body: unknown) => ({ method: 'GET', path: '/data_connectors/{id}', status: 200, body });
const getResult = (body: unknown) => ({ method: 'GET', path: '/data_connectors/{data_connector_id}/execution_results/{id}', status: 200, body });

function failureOf(check: () => void): string {
  try {
    check();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the response to be rejected, but it was accepted');
}

describe('assertMatchesOpenApi accepts what the document describes', () => {
  it('accepts a full connector detail, a list, an execution result and an error', () => {
    expect(() => assertMatchesOpenApi(getDetail(detail()))).not.toThrow();
    expect(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 200, body: { type: 'list', data: [summary()], pages: { type: 'pages', per_page: 20, next: { starting_after: 'WzEsMl0=' } } } })).not.toThrow();
    expect(() => assertMatchesOpenApi(getResult(execution()))).not.toThrow();
    expect(() => assertMatchesOpenApi({ method: 'get', path: '/data_connectors/{id}', status: 404, body: errorList() })).not.toThrow();
    expect(() => assertMatchesOpenApi({ method: 'DELETE', path: '/data_connectors/{id}', status: 200, body: { id: '12', object: 'data_connector', deleted: true } })).not.toThrow();
  });

  it('accepts null where the schema is nullable, including nullable enums', () => {
    const body = { ...detail(), description: null, url: null, execution_type: null, configuration_response_type: null, data_transformation_type: null, validate_missing_attributes: null, created_by_admin_id: null, mock_response: null };
    expect(() => assertMatchesOpenApi(getDetail(body))).not.toThrow();
    const fields = { ...detail(), response_fields: [{ path: 'a', type: 'string', example_value: null, redacted: false, label: null, formatter: null, formatter_options: null, selected: false }] };
    expect(() => assertMatchesOpenApi(getDetail(fields))).not.toThrow();
    const result = { ...execution(), error_type: null, error_message: null, source_type: null, request_url: null, request_body: null, response_body: null, raw_response_body: null };
    expect(() => assertMatchesOpenApi(getResult(result))).not.toThrow();
    expect(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 200, body: { type: 'list', data: [], pages: { type: 'pages', per_page: 20, next: null } } })).not.toThrow();
    expect(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 401, body: { ...errorList(), request_id: null } })).not.toThrow();
  });

  it('accepts any JSON object or array as mock_response (a nullable oneOf)', () => {
    expect(() => assertMatchesOpenApi(getDetail({ ...detail(), mock_response: { order: { id: 1 } } }))).not.toThrow();
    expect(() => assertMatchesOpenApi(getDetail({ ...detail(), mock_response: [1, 2] }))).not.toThrow();
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), mock_response: 'text' })))).toContain('/mock_response');
  });

  it('finds the operation whatever the template parameters are called, for concrete paths and with /api', () => {
    for (const path of ['/data_connectors/{id}/execution_results/{result_id}', '/data_connectors/12/execution_results/99000', '/api/data_connectors/12/execution_results/99000']) {
      expect(() => assertMatchesOpenApi({ method: 'GET', path, status: 200, body: execution() }), path).not.toThrow();
      expect(() => assertMatchesOpenApi({ method: 'GET', path, status: 200, body: summary() }), path).toThrow(/data_connector_execution_result/);
    }
    expect(() => assertMatchesOpenApi({ method: 'GET', path: '/openapi.json', status: 200, body: JSON.parse(JSON.stringify(doc)) })).not.toThrow();
  });
});

describe('assertMatchesOpenApi rejects what the document does not describe', () => {
  it('a missing required property', () => {
    const body = detail();
    delete body.id;
    const message = failureOf(() => assertMatchesOpenApi(getDetail(body)));
    expect(message).toContain("must have required property 'id'");
    const result = execution();
    delete result.error_type;
    expect(failureOf(() => assertMatchesOpenApi(getResult(result)))).toContain("must have required property 'error_type'");
    expect(failureOf(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 400, body: { type: 'error.list', request_id: null } }))).toContain("'errors'");
  });

  it('a value outside an enum, nullable or not', () => {
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), state: 'archived' })))).toMatch(/\/state must be equal to one of the allowed values: \["draft","live"\]/);
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), execution_type: 'edge' })))).toContain('/execution_type');
    expect(failureOf(() => assertMatchesOpenApi(getResult({ ...execution(), error_type: 'timeout' })))).toContain('/error_type');
    expect(failureOf(() => assertMatchesOpenApi(getResult({ ...execution(), source_type: 'carrier_pigeon' })))).toContain('/source_type');
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), audiences: ['admins'] })))).toContain('/audiences/0');
  });

  it('a value of the wrong type or format', () => {
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), direct_fin_usage: 'yes' })))).toContain('/direct_fin_usage must be boolean');
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), id: 12 })))).toContain('/id must be string');
    expect(failureOf(() => assertMatchesOpenApi(getResult({ ...execution(), http_status: '200' })))).toContain('/http_status');
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), created_at: 'yesterday' })))).toContain('/created_at must match format "date-time"');
    expect(failureOf(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 401, body: { ...errorList(), request_id: 'req-1' } }))).toContain('/request_id must match format "uuid"');
  });

  it('null where the schema is not nullable', () => {
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), name: null })))).toContain('/name must be string');
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), state: null })))).toContain('/state');
    expect(failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), has_unpublished_changes: null })))).toContain('/has_unpublished_changes');
    expect(failureOf(() => assertMatchesOpenApi(getResult({ ...execution(), http_method: null })))).toContain('/http_method');
    expect(failureOf(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 200, body: { type: 'list', data: [], pages: null } }))).toContain('/pages');
  });

  it('an undocumented property (so nothing leaks unnoticed)', () => {
    const message = failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), headers: [{ name: 'X-Api-Key', value: '****', valueEncrypted: 'abc' }] })));
    expect(message).toContain('must NOT have additional properties: "valueEncrypted"');
    expect(failureOf(() => assertMatchesOpenApi({ method: 'GET', path: '/auth_tokens', status: 200, body: { type: 'list', data: [{ ...(doc.components!.examples!.AuthToken!.value as Json), value: 'sk_live_x' }] } }))).toContain('/data/0/value');
  });

  it('an undocumented status, operation or path', () => {
    expect(failureOf(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 418, body: errorList() }))).toMatch(/status 418 is not documented for GET \/data_connectors/);
    expect(failureOf(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 409, body: errorList() }))).toContain('status 409 is not documented');
    expect(failureOf(() => assertMatchesOpenApi({ method: 'PUT', path: '/data_connectors/{id}', status: 200, body: detail() }))).toContain('documents no PUT operation');
    expect(failureOf(() => assertMatchesOpenApi({ method: 'GET', path: '/teams', status: 200, body: {} }))).toContain('the path is not documented');
  });

  it('an empty body where JSON is documented', () => {
    expect(failureOf(() => assertMatchesOpenApi({ method: 'DELETE', path: '/data_connectors/{id}', status: 200, body: undefined }))).toContain('the response was empty');
  });

  it('with a readable message: method, path, status, what is wrong and where, and the body', () => {
    const message = failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), state: 'archived', name: 'Recognisable name' })));
    expect(message).toContain('GET /data_connectors/{id} -> 200');
    expect(message).toContain('#/components/schemas/data_connector_detail');
    expect(message).toContain('/state');
    expect(message).toContain('Recognisable name');
    const long = failureOf(() => assertMatchesOpenApi(getDetail({ ...detail(), state: 'x', body: 'y'.repeat(10_000) })));
    expect(long.length).toBeLessThan(5000);
    expect(long).toMatch(/more characters/);
  });
});

describe('createOpenApiValidator', () => {
  const tiny = (): OpenApiDocument => ({
    openapi: '3.0.3',
    info: { title: 'tiny', version: '1' },
    paths: {
      '/things/{id}': {
        delete: { responses: { '204': { description: 'deleted' }, default: { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/problem' } } } } } },
        get: { responses: { '2XX': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/thing' } } } } } },
      },
    },
    components: {
      schemas: {
        problem: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
        thing: {
          type: 'object',
          required: ['kind', 'owner'],
          properties: {
            kind: { type: 'string', enum: ['a', 'b'], nullable: true, example: 'a' },
            owner: { allOf: [{ $ref: '#/components/schemas/problem' }], nullable: true, 'x-note': 'ignored' },
            parent: { $ref: '#/components/schemas/problem', nullable: true },
            example: { type: 'integer', description: 'a property that happens to be called example' },
          },
        },
      },
    },
  });

  it('requires an empty body for a response without content, and falls back to default and 2XX', () => {
    const v = createOpenApiValidator(tiny());
    expect(() => v.assertMatches({ method: 'DELETE', path: '/things/{id}', status: 204, body: undefined })).not.toThrow();
    expect(() => v.assertMatches({ method: 'DELETE', path: '/things/{id}', status: 204, body: '' })).not.toThrow();
    expect(() => v.assertMatches({ method: 'DELETE', path: '/things/{id}', status: 204, body: {} })).toThrow(/has no body, but one was returned/);
    expect(() => v.assertMatches({ method: 'DELETE', path: '/things/{id}', status: 503, body: { code: 'down' } })).not.toThrow();
    expect(() => v.assertMatches({ method: 'DELETE', path: '/things/{id}', status: 503, body: { message: 'down' } })).toThrow(/"default"/);
    expect(() => v.assertMatches({ method: 'GET', path: '/things/{id}', status: 203, body: { kind: 'a', owner: null } })).not.toThrow();
    expect(() => v.assertMatches({ method: 'GET', path: '/things/{id}', status: 404, body: { code: 'x' } })).toThrow(/status 404 is not documented/);
  });

  it('allows null in a nullable enum, and on $ref siblings through allOf (or directly)', () => {
    const v = createOpenApiValidator(tiny());
    const ok = (body: unknown) => v.assertMatches({ method: 'GET', path: '/things/1', status: 200, body });
    expect(() => ok({ kind: null, owner: null, parent: null })).not.toThrow();
    expect(() => ok({ kind: 'b', owner: { code: 'x' }, parent: { code: 'y' }, example: 3 })).not.toThrow();
    expect(() => ok({ kind: 'c', owner: null })).toThrow(/\/kind/);
    expect(() => ok({ kind: 'a', owner: { nope: 1 } })).toThrow(/\/owner/);
    expect(() => ok({ kind: 'a', owner: null, parent: 'x' })).toThrow(/\/parent/);
    expect(() => ok({ kind: 'a', owner: null, example: 'not an integer' })).toThrow(/\/example/);
  });

  it('compiles each schema once', () => {
    const v = createOpenApiValidator(tiny());
    expect(v.compiledSchemaCount()).toBe(0);
    for (let i = 0; i < 3; i++) v.assertMatches({ method: 'GET', path: '/things/1', status: 200, body: { kind: 'a', owner: null } });
    expect(v.compiledSchemaCount()).toBe(1);
    v.assertMatches({ method: 'DELETE', path: '/things/1', status: 500, body: { code: 'x' } });
    v.assertMatches({ method: 'DELETE', path: '/things/1', status: 502, body: { code: 'y' } });
    expect(v.compiledSchemaCount()).toBe(2);

    const shared = openApiValidator();
    assertMatchesOpenApi(getDetail(detail()));
    const count = shared.compiledSchemaCount();
    assertMatchesOpenApi(getDetail(detail()));
    assertMatchesOpenApi({ method: 'PATCH', path: '/data_connectors/{id}', status: 200, body: detail() });
    // Same $ref, same compiled schema.
    expect(shared.compiledSchemaCount()).toBe(count);

  });
});

describe('toJsonSchema', () => {
  it('turns nullable into a null type, and adds null to an enum', () => {
    expect(toJsonSchema({ type: 'string', nullable: true, enum: ['a', 'b'], example: 'a', 'x-patchbay': true })).toEqual({ type: ['string', 'null'], enum: ['a', 'b', null] });
    expect(toJsonSchema({ type: 'integer', nullable: true })).toEqual({ type: ['integer', 'null'] });
    expect(toJsonSchema({ type: 'string', nullable: false, enum: ['a'] })).toEqual({ type: 'string', enum: ['a'] });
    expect(toJsonSchema({ nullable: true, description: 'anything' })).toEqual({ description: 'anything' });
  });

  it('wraps nullable $ref, allOf and oneOf in anyOf with null, and points $refs at the registered document', () => {
    expect(toJsonSchema({ allOf: [{ $ref: '#/components/schemas/x' }], nullable: true, description: 'd' })).toEqual({
      description: 'd',
      anyOf: [{ allOf: [{ $ref: 'patchbay-openapi#/components/schemas/x' }] }, { type: 'null' }],
    });
    expect(toJsonSchema({ $ref: '#/components/schemas/x', nullable: true })).toEqual({ anyOf: [{ $ref: 'patchbay-openapi#/components/schemas/x' }, { type: 'null' }] });
    expect(() => toJsonSchema({ $ref: 'https://example.com/schema.json' })).toThrow(/only local references/);
  });

  it('converts nested schemas but keeps property names and literal values as they are', () => {
    const converted = toJsonSchema({
      type: 'object',
      properties: { example: { type: 'string', nullable: true }, nullable: { type: 'boolean' }, 'x-name': { type: 'string' } },
      default: { example: 1 },
      items: { type: 'string', example: 'x' },
    });
    expect(converted).toEqual({
      type: 'object',
      properties: { example: { type: ['string', 'null'] }, nullable: { type: 'boolean' }, 'x-name': { type: 'string' } },
      default: { example: 1 },
      items: { type: 'string' },
    });
  });
});
