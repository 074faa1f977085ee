import { randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { createAuthTokenSchema, tokenRequestSchema } from '../../../../server/connectors/auth-tokens/auth-token-input.ts';
import { authTokenView } from '../../../../server/connectors/auth-tokens/manage-auth-tokens.ts';
import {
  AUDIENCES,
  createConnectorSchema,
  DATA_INPUT_TYPES,
  FORMATTERS,
  HTTP_METHODS,
  RESPONSE_FIELD_TYPES,
  updateConnectorSchema,
} from '../../../../server/connectors/connector-input.ts';
import { applyConnectorInput, connectorDetail, connectorSummary } from '../../../../server/connectors/connector-version.ts';
import { EXECUTION_ERROR_TYPES, executionResultView } from '../../../../server/connectors/execution-result-view.ts';
import type { ApiToken, AuthToken, DataConnector, DataConnectorVersion, ExecutionResult } from '../../../../server/db/generated/sqlite/client.ts';
import type { AppDeps } from '../../../../server/http/app-deps.ts';
import { AppError, notFound } from '../../../../server/http/app-error.ts';
import { decodeCursor, pagesObject } from '../../../../server/http/cursor.ts';
import { apiErrorHandler, sendError } from '../../../../server/http/error-handler.ts';
import { loadOpenApiDocument } from '../../../../server/http/openapi/load-openapi.ts';
import { apiTokensRoutes } from '../../../../server/http/routes/api-tokens-routes.ts';
import { authTokensRoutes } from '../../../../server/http/routes/auth-tokens-routes.ts';
import { dataConnectorsRoutes } from '../../../../server/http/routes/data-connectors-routes.ts';
import { messengerSecurityRoutes } from '../../../../server/http/routes/messenger-security-routes.ts';
import { audiencesRoutes } from '../../../../server/http/routes/audiences-routes.ts';
import { customAttributeDefinitionsRoutes } from '../../../../server/http/routes/custom-attribute-definitions-routes.ts';
import { outboxRoutes } from '../../../../server/http/routes/outbox-routes.ts';
import { agentRoutes } from '../../../../server/http/routes/agent-routes.ts';
import { workspaceSettingsRoutes } from '../../../../server/http/routes/workspace-settings-routes.ts';
import { updateWorkspaceSettingsSchema } from '../../../../server/workspace/workspace-settings.ts';
import { applyMacroRoutes, macrosRoutes } from '../../../../server/http/routes/macros-routes.ts';
import { adminsRoutes } from '../../../../server/http/routes/admins-routes.ts';
import { finAgentSettingsRoutes, finRoutes } from '../../../../server/http/routes/fin-routes.ts';
import { replySchema, runConnectorSchema, tagSchema, updateContactSchema, updateConversationSchema } from '../../../../server/inbox/inbox-input.ts';
import { contactsRoutes } from '../../../../server/http/routes/contacts-routes.ts';
import { conversationsRoutes } from '../../../../server/http/routes/conversations-routes.ts';
import { createMacroSchema, updateMacroSchema } from '../../../../server/macros/macro-input.ts';
import { createAudienceSchema, updateAudienceSchema } from '../../../../server/connectors/audiences/audience-input.ts';
import { JWT_REJECTION_REASONS } from '../../../../server/messenger/jwt-rejections.ts';
import { messengerSecurityView, updateMessengerSecuritySchema } from '../../../../server/messenger/messenger-security-settings.ts';
import { parseOrThrow } from '../../../../server/http/validation.ts';
import { apiTokenView, createApiTokenSchema } from '../../../../server/identity/manage-api-tokens.ts';
import { createSecretBox } from '../../../../server/secrets/secret-box.ts';
import { assertMatchesOpenApi } from '../../../support/openapi-validator.ts';
import { flattenSchema, operationsOf, resolveRef, type Json } from './openapi-test-helpers.ts';

// The document must be true to the code: these tests feed what the code really
// produces (views, errors, routes, request schemas) through the document.

const doc = loadOpenApiDocument();
const schemas = doc.components!.schemas!;
const property = (schema: string, path: string): Json => {
  const found = flattenSchema(schemas[schema]!).find((p) => p.path === path);
  if (!found) throw new Error(`${schema}.${path} is not in the document`);
  return found.schema;
};
const enumOf = (schema: string, path: string) => [...((property(schema, path).enum as unknown[]) ?? [])].filter((v) => v !== null).sort();
const sorted = (values: readonly string[]) => [...values].sort();

const at = new Date('2026-03-19T11:27:36.512Z');
const connectorRow = (overrides: Partial<DataConnector> = {}) =>
  ({ id: 12, workspaceId: 1, state: 'draft', createdByAdminId: 3, publishedAt: null, securityAcknowledgement: null, createdAt: at, updatedAt: at, ...overrides }) as DataConnector;
const versionRow = (overrides: Partial<DataConnectorVersion> = {}) =>
  ({
    id: 1,
    dataConnectorId: 12,
    kind: 'draft',
    name: 'Connector',
    description: null,
    exampleQuestions: [],
    httpMethod: 'get',
    url: null,
    body: null,
    headers: [],
    directFinUsage: false,
    audiences: ['users', 'leads', 'visitors'],
    audienceMode: 'everyone',
    audienceIds: [],
    audienceRules: null,
    executionType: 'server_side',
    configurationResponseType: 'test_response_type',
    dataTransformationType: 'full_access',
    clientFunctionName: null,
    clientFunctionTimeoutMs: null,
    dataInputs: [],
    responseFields: [],
    objectMappings: [],
    tokenIds: [],
    mockResponse: null,
    testResponse: null,
    codeBlock: null,
    customerAuthentication: false,
    bypassAuthentication: false,
    validateMissingAttributes: null,
    timeoutMs: null,
    maxResponseBytes: null,
    responseLogging: 'full',
    updatedByAdminId: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  }) as DataConnectorVersion;

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const secrets = createSecretBox(randomBytes(32));

const requestExamples = (method: 'post' | 'patch', path: string) => {
  const operation = (doc.paths[path] as Json)[method] as Json;
  const media = ((operation.requestBody as Json).content as Record<string, Json>)['application/json']!;
  return Object.entries(media.examples as Json).map(([name, example]) => [name, resolveRef<Json>(doc, example).value as Json] as const);
};

describe('responses the code builds match the document', () => {
  it('connectorDetail and connectorSummary of a new, empty draft', () => {
    const body = roundTrip(connectorDetail(connectorRow({ createdByAdminId: null }), versionRow(), true, false));
    assertMatchesOpenApi({ method: 'POST', path: '/data_connectors', status: 201, body });
    assertMatchesOpenApi({ method: 'GET', path: '/data_connectors/{id}', status: 200, body });
    expect(body.created_by_admin_id).toBeNull();
    expect(body.has_live_version).toBe(false);
    const list = { type: 'list', data: [roundTrip(connectorSummary(connectorRow({ createdByAdminId: null }), versionRow()))], pages: pagesObject(20, null) };
    assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 200, body: roundTrip(list) });
  });

  it.each(requestExamples('post', '/data_connectors'))('connectorDetail after creating with the request example "%s"', (_name, example) => {
    const input = createConnectorSchema.parse(example);
    const changes = applyConnectorInput(input, undefined, secrets);
    const version = versionRow({ ...(changes as Partial<DataConnectorVersion>), updatedByAdminId: 3 });
    const body = roundTrip(connectorDetail(connectorRow(), version, true, false));
    assertMatchesOpenApi({ method: 'POST', path: '/data_connectors', status: 201, body });
    const summary = roundTrip(connectorSummary(connectorRow({ state: 'live' }), version));
    const list = roundTrip({ type: 'list', data: [summary], pages: pagesObject(1, { at, id: 12 }) });
    assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: 200, body: list });
  });

  it('connectorDetail of a fully configured connector, which the schema would reject if it leaked a secret', () => {
    const version = versionRow({
      description: 'Everything set',
      url: 'https://api.example.com/orders/{{order_id}}',
      body: '{"id": "{{order_id}}"}',
      headers: [{ name: 'X-Api-Key', valueEncrypted: secrets.encrypt('sk_live_1') }],
      dataInputs: [{ name: 'order_id', type: 'string', description: '', required: true, default_value: '' }],
      responseFields: [{ path: 'balance', type: 'integer', example_value: 4200, redacted: false, label: 'Balance', formatter: 'minor_units_to_amount', formatter_options: { currency: 'USD' }, selected: true }],
      objectMappings: [{ response_object_path: '', intercom_object_type: 'user', attribute_mappings: [{ response_attribute_path: 'balance', intercom_attribute_identifier: 'balance', mapping_type: 'primitive_mapping' }], reference_mappings: [] }],
      tokenIds: ['4'],
      exampleQuestions: ['What is my balance?'],
      mockResponse: [{ balance: 4200 }],
      codeBlock: 'def transform(r):\n    return r\n',
      configurationResponseType: 'mock_response_type',
      dataTransformationType: 'code_block_transformation',
      executionType: 'client_side',
      clientFunctionName: 'lookup',
      clientFunctionTimeoutMs: 30000,
      validateMissingAttributes: true,
      timeoutMs: 5000,
      maxResponseBytes: 1024,
      responseLogging: 'none',
      updatedByAdminId: 4,
    });
    const body = roundTrip(connectorDetail(connectorRow({ state: 'live' }), version, false, true));
    assertMatchesOpenApi({ method: 'PATCH', path: '/data_connectors/{id}', status: 200, body });
    expect(body.headers).toEqual([{ name: 'X-Api-Key', value: '****' }]);
    const leaked = { ...body, headers: [{ name: 'X-Api-Key', valueEncrypted: 'v1.x' }] };
    expect(() => assertMatchesOpenApi({ method: 'PATCH', path: '/data_connectors/{id}', status: 200, body: leaked })).toThrow(/valueEncrypted/);
  });

  it('executionResultView, with and without bodies and URL', () => {
    const failed = {
      id: 99000, workspaceId: 1, dataConnectorId: 12, version: 'live', success: false, httpStatus: null, httpMethod: 'post',
      errorType: '3rd_party_error', errorMessage: 'Connection refused', executionTimeMs: null, sourceType: null, sourceId: null,
      conversationId: null, contactId: null, requestUrl: null, requestBody: null, responseBody: null, rawResponseBody: null, debugOutput: 'trace', createdAt: at,
    } as ExecutionResult;
    const succeeded = { ...failed, id: 99001, success: true, httpStatus: 200, errorType: null, errorMessage: null, executionTimeMs: 120, sourceType: 'workflow', sourceId: '5001', conversationId: 8001, requestUrl: 'https://x.test/a?[redacted]', requestBody: '{}', responseBody: '{}', rawResponseBody: '{}' } as ExecutionResult;
    for (const row of [failed, succeeded]) {
      const list = { type: 'list', data: [executionResultView(row, { includeBodies: false, includeRequestUrl: false }), executionResultView(row, { includeBodies: true, includeRequestUrl: true })], pages: pagesObject(10, { at, id: row.id }) };
      assertMatchesOpenApi({ method: 'GET', path: '/data_connectors/{data_connector_id}/execution_results', status: 200, body: roundTrip(list) });
      const one = roundTrip(executionResultView(row, { includeBodies: true, includeRequestUrl: true }));
      assertMatchesOpenApi({ method: 'GET', path: '/data_connectors/{data_connector_id}/execution_results/{id}', status: 200, body: one });
      expect(one).not.toHaveProperty('debug_output');
    }
    // A source type outside the reference's enum would not pass.
    const odd = roundTrip(executionResultView({ ...succeeded, sourceType: 'test_button' } as ExecutionResult, { includeBodies: true, includeRequestUrl: true }));
    expect(() => assertMatchesOpenApi({ method: 'GET', path: '/data_connectors/{data_connector_id}/execution_results/{id}', status: 200, body: odd })).toThrow(/source_type/);
  });

  it('authTokenView and the auth token list', () => {
    for (const kind of ['static', 'basic', 'http_request'] as const) {
      const token = { id: 7, workspaceId: 1, name: 'Stripe', kind, valueEncrypted: 'v1.secret', headerName: 'Authorization', prefix: 'Bearer ', tokenRequest: null, cachedValueEncrypted: null, cachedExpiresAt: null, createdAt: at, updatedAt: at } as AuthToken;
      const view = roundTrip(authTokenView(token));
      assertMatchesOpenApi({ method: 'POST', path: '/auth_tokens', status: 201, body: view });
      assertMatchesOpenApi({ method: 'GET', path: '/auth_tokens', status: 200, body: { type: 'list', data: [view] } });
      expect(JSON.stringify(view)).not.toContain('v1.secret');
    }
  });

  it('apiTokenView, the API token list and a created token', () => {
    const token = { id: 4, workspaceId: 1, name: 'Zapier', prefix: 'pb_Xk3f9Q', tokenHash: 'f'.repeat(64), createdByAdminId: null, lastUsedAt: null, revokedAt: at, createdAt: at } as ApiToken;
    const view = roundTrip(apiTokenView(token));
    expect(view).toMatchObject({ revoked: true, created_by_admin_id: null });
    expect(JSON.stringify(view)).not.toContain('f'.repeat(64));
    assertMatchesOpenApi({ method: 'GET', path: '/api_tokens', status: 200, body: { type: 'list', data: [view] } });
    assertMatchesOpenApi({ method: 'DELETE', path: '/api_tokens/{id}', status: 200, body: view });
    assertMatchesOpenApi({ method: 'POST', path: '/api_tokens', status: 201, body: { ...view, token: `pb_${randomBytes(32).toString('base64url')}` } });
    // The list never carries the token itself.
    expect(() => assertMatchesOpenApi({ method: 'GET', path: '/api_tokens', status: 200, body: { type: 'list', data: [{ ...view, token: 'pb_x' }] } })).toThrow(/token/);
  });

  it('messengerSecurityView never carries a secret and lists every rejection reason', () => {
    const workspace = {
      id: 1, name: 'W', identityVerificationEnforced: true, messengerSecretEncrypted: secrets.encrypt('current-secret-value'), previousMessengerSecretEncrypted: null,
      messengerJwksUrl: null, messengerJwtAlgorithm: 'HS256', messengerJwtIssuer: null, messengerJwtAudience: null, jwtMaxLifetimeSeconds: 86400, logRetentionDays: 14, createdAt: at, updatedAt: at,
    } as unknown as Parameters<typeof messengerSecurityView>[0];
    const view = roundTrip(messengerSecurityView(workspace, { jwt_expired: 3 }));
    assertMatchesOpenApi({ method: 'GET', path: '/messenger_security', status: 200, body: view });
    assertMatchesOpenApi({ method: 'PATCH', path: '/messenger_security', status: 200, body: view });
    expect(JSON.stringify(view)).not.toContain(workspace.messengerSecretEncrypted!);
    expect(view.rejection_counts.jwt_expired).toBe(3);
    expect(sorted(Object.keys(property('messenger_security_settings', 'rejection_counts').properties as Json))).toEqual(sorted(JWT_REJECTION_REASONS));
    expect(() => assertMatchesOpenApi({ method: 'GET', path: '/messenger_security', status: 200, body: { ...view, secret: 'x' } })).toThrow(/secret/);
  });

  it('errors, as the error handler sends them', () => {
    const send = (error: AppError | Error | Record<string, unknown>, handler: 'sendError' | 'apiErrorHandler' = 'sendError') => {
      const captured: { status: number; body: unknown } = { status: 0, body: undefined };
      const res = {
        locals: { requestId: randomUUID() },
        status(code: number) {
          captured.status = code;
          return res;
        },
        json(body: unknown) {
          captured.body = roundTrip(body);
          return res;
        },
      };
      if (handler === 'sendError') sendError(res as unknown as Response, error as AppError);
      else apiErrorHandler({ error() {} } as unknown as AppDeps['logger'])(error, { method: 'GET', path: '/' } as never, res as never, () => {});
      return captured;
    };
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error as AppError;
      }
      throw new Error('expected an error');
    };

    const invalidBody = send(caught(() => parseOrThrow(createConnectorSchema, { colour: 'red', http_method: 'GET' })));
    expect(invalidBody.status).toBe(422);
    assertMatchesOpenApi({ method: 'POST', path: '/data_connectors', status: 422, body: invalidBody.body });

    const badCursor = send(caught(() => decodeCursor('nope')));
    assertMatchesOpenApi({ method: 'GET', path: '/data_connectors', status: badCursor.status, body: badCursor.body });

    const missing = send(notFound('data_connector_not_found', 'Data connector not found'));
    assertMatchesOpenApi({ method: 'DELETE', path: '/data_connectors/{id}', status: missing.status, body: missing.body });

    for (const type of ['entity.parse.failed', 'entity.too.large', 'charset.unsupported']) {
      const parserError = send({ type, message: 'x' }, 'apiErrorHandler');
      assertMatchesOpenApi({ method: 'PATCH', path: '/data_connectors/{id}', status: parserError.status, body: parserError.body });
    }
    const crash = send(new Error('boom'), 'apiErrorHandler');
    expect(crash.status).toBe(500);
    assertMatchesOpenApi({ method: 'GET', path: '/data_connectors/{id}', status: 500, body: crash.body });
  });
});

describe('the routers implement exactly the documented operations', () => {
  it('routes of /data_connectors, /auth_tokens and /api_tokens', () => {
    type Layer = { route?: { path: string; methods: Record<string, boolean> } };
    const routed = (prefix: string, router: { stack: Layer[] }) =>
      router.stack.flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods).map((m) => `${m} ${`${prefix}${layer.route!.path === '/' ? '' : layer.route!.path}`.replace(/:\w+/g, '{}')}`)
          : [],
      );
    const deps = {} as AppDeps;
    const code = [
      ...routed('/data_connectors', dataConnectorsRoutes(deps) as never),
      ...routed('/auth_tokens', authTokensRoutes(deps) as never),
      ...routed('/api_tokens', apiTokensRoutes(deps) as never),
      ...routed('/messenger_security', messengerSecurityRoutes(deps) as never),
      ...routed('/audiences', audiencesRoutes(deps) as never),
      ...routed('/custom_attribute_definitions', customAttributeDefinitionsRoutes(deps) as never),
      ...routed('/outbox', outboxRoutes(deps) as never),
      ...routed('/agent', agentRoutes(deps) as never),
      ...routed('/workspace_settings', workspaceSettingsRoutes(deps) as never),
      ...routed('/macros', macrosRoutes(deps) as never),
      ...routed('/conversations', conversationsRoutes(deps) as never),
      ...routed('/contacts', contactsRoutes(deps) as never),
      ...routed('/admins', adminsRoutes(deps) as never),
      ...routed('', applyMacroRoutes(deps) as never),
      ...routed('/fin', finRoutes(deps) as never),
      ...routed('/fin_agent_settings', finAgentSettingsRoutes(deps) as never),
      'get /openapi.json',
    ];
    const documented = operationsOf(doc).map(({ method, path }) => `${method} ${path.replace(/\{[^}]+\}/g, '{}')}`);
    expect(sorted(code)).toEqual(sorted(documented));
  });
});

describe('request schemas match the zod schemas the routes parse with', () => {
  type Shape = Record<string, z.ZodType>;
  const pairs: [string, Shape][] = [
    ['create_data_connector_request', createConnectorSchema.shape],
    ['update_data_connector_request', updateConnectorSchema.shape],
    ['create_auth_token_request', createAuthTokenSchema.shape],
    ['auth_token_request', tokenRequestSchema.shape],
    ['update_messenger_security_request', updateMessengerSecuritySchema.shape],
    ['update_workspace_settings_request', updateWorkspaceSettingsSchema.shape],
    ['create_audience_request', createAudienceSchema.shape],
    ['update_audience_request', updateAudienceSchema.shape],
    ['create_macro_request', createMacroSchema.shape],
    ['update_macro_request', updateMacroSchema.shape],
  ];
  // Reference properties the code also accepts as null although the reference
  // does not say they are nullable (kept as in the reference; reported).
  const LENIENT_NULLS = new Set(['description', 'url', 'body', 'validate_missing_attributes', 'mock_response']);

  it.each(pairs)('%s: same properties, same required ones', (name, shape) => {
    const schema = schemas[name] as Json;
    expect(sorted(Object.keys(schema.properties as Json))).toEqual(sorted(Object.keys(shape)));
    const required = Object.keys(shape).filter((key) => !shape[key]!.safeParse(undefined).success);
    expect(sorted(required)).toEqual(sorted((schema.required as string[] | undefined) ?? []));
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(pairs)('%s: nullable exactly where the code accepts null (bar reported reference fields)', (name, shape) => {
    for (const [key, prop] of Object.entries((schemas[name] as Json).properties as Record<string, Json>)) {
      const resolved = resolveRef<Json>(doc, prop);
      const acceptsNull = shape[key]!.safeParse(null).success;
      if (resolved.nullable === true) expect(acceptsNull, `${name}.${key} is documented nullable`).toBe(true);
      else if (acceptsNull) expect(LENIENT_NULLS.has(key) && prop['x-patchbay'] !== true, `${name}.${key} accepts null but is not documented nullable`).toBe(true);
    }
  });

  // The audience requests have no enum of their own (their rules are a schema of their own).
  it.each(pairs.filter(([name]) => !name.endsWith('_audience_request') && name !== 'update_workspace_settings_request'))('%s: enums are the values the code accepts', (name, shape) => {
    let checked = 0;
    for (const [key, prop] of Object.entries((schemas[name] as Json).properties as Record<string, Json>)) {
      if (!Array.isArray(prop.enum)) continue;
      checked++;
      for (const value of prop.enum) expect(shape[key]!.safeParse(value).success, `${name}.${key} = ${String(value)}`).toBe(true);
      expect(shape[key]!.safeParse('not-a-listed-value').success, `${name}.${key}`).toBe(false);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it.each([
    ...requestExamples('post', '/data_connectors').map(([n, v]) => ['POST /data_connectors', n, createConnectorSchema, v] as const),
    ...requestExamples('patch', '/data_connectors/{id}').map(([n, v]) => ['PATCH /data_connectors/{id}', n, updateConnectorSchema, v] as const),
    ...requestExamples('post', '/auth_tokens').map(([n, v]) => ['POST /auth_tokens', n, createAuthTokenSchema, v] as const),
    ...requestExamples('patch', '/messenger_security').map(([n, v]) => ['PATCH /messenger_security', n, updateMessengerSecuritySchema, v] as const),
    ...requestExamples('patch', '/workspace_settings').map(([n, v]) => ['PATCH /workspace_settings', n, updateWorkspaceSettingsSchema, v] as const),
    ...requestExamples('post', '/audiences').map(([n, v]) => ['POST /audiences', n, createAudienceSchema, v] as const),
    ...requestExamples('patch', '/audiences/{id}').map(([n, v]) => ['PATCH /audiences/{id}', n, updateAudienceSchema, v] as const),
    ...requestExamples('post', '/macros').map(([n, v]) => ['POST /macros', n, createMacroSchema, v] as const),
    ...requestExamples('patch', '/macros/{id}').map(([n, v]) => ['PATCH /macros/{id}', n, updateMacroSchema, v] as const),
  ])('%s request example "%s" is accepted by the code', (_op, _name, schema, value) => {
    const result = (schema as z.ZodType).safeParse(value);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it('create_api_token_request: same properties and limits as the code', () => {
    const schema = schemas.create_api_token_request as Json;
    expect(Object.keys(schema.properties as Json)).toEqual(Object.keys(createApiTokenSchema.shape));
    expect(schema.required).toEqual(['name']);
    expect(createApiTokenSchema.safeParse({ name: 'x'.repeat(100) }).success).toBe(true);
    expect(createApiTokenSchema.safeParse({ name: 'x'.repeat(101) }).success).toBe(false);
    expect(((schema.properties as Json).name as Json).maxLength).toBe(100);
    expect(createApiTokenSchema.safeParse({ name: 'x', scope: 'all' }).success).toBe(false);
  });

  it('shared enums are the code constants', () => {
    expect(enumOf('data_connector', 'http_method')).toEqual(sorted(HTTP_METHODS));
    expect(enumOf('data_connector_execution_result', 'http_method')).toEqual(sorted(HTTP_METHODS));
    expect(enumOf('create_data_connector_request', 'audiences[]')).toEqual(sorted(AUDIENCES));
    expect(enumOf('data_connector_detail', 'audiences[]')).toEqual(sorted(AUDIENCES));
    expect(enumOf('data_connector_detail', 'data_inputs[].type')).toEqual(sorted(DATA_INPUT_TYPES));
    expect(enumOf('data_connector_detail', 'response_fields[].type')).toEqual(sorted(RESPONSE_FIELD_TYPES));
    expect(enumOf('data_connector_response_field_input', 'type')).toEqual(sorted(RESPONSE_FIELD_TYPES));
    expect(enumOf('data_connector_detail', 'response_fields[].formatter')).toEqual(sorted(FORMATTERS));
    expect(enumOf('data_connector_response_field_input', 'formatter')).toEqual(sorted(FORMATTERS));
    expect(enumOf('data_connector_execution_result', 'error_type')).toEqual(sorted(EXECUTION_ERROR_TYPES));
    const filter = ((doc.paths['/data_connectors/{data_connector_id}/execution_results']!.get!.parameters ?? []) as readonly Json[]).find((p) => p.name === 'error_type');
    expect(sorted((filter!.schema as Json).enum as string[])).toEqual(sorted(EXECUTION_ERROR_TYPES));
  });
});

describe('inbox request schemas match the zod schemas the routes parse with', () => {
  const inbox: [string, 'post' | 'patch', string, z.ZodObject][] = [
    ['update_conversation_request', 'patch', '/conversations/{id}', updateConversationSchema],
    ['reply_conversation_request', 'post', '/conversations/{id}/reply', replySchema],
    ['add_conversation_tag_request', 'post', '/conversations/{id}/tags', tagSchema],
    ['update_contact_request', 'patch', '/contacts/{id}', updateContactSchema],
    ['run_conversation_connector_request', 'post', '/conversations/{id}/run_connector', runConnectorSchema],
  ];

  it.each(inbox)('%s: same properties, required and nullable ones, and accepted examples', (name, method, path, zodSchema) => {
    const schema = schemas[name] as Json;
    const shape = zodSchema.shape as Record<string, z.ZodType>;
    expect(sorted(Object.keys(schema.properties as Json))).toEqual(sorted(Object.keys(shape)));
    const required = Object.keys(shape).filter((key) => !shape[key]!.safeParse(undefined).success);
    expect(sorted(required)).toEqual(sorted((schema.required as string[] | undefined) ?? []));
    expect(schema.additionalProperties).toBe(false);
    for (const [key, prop] of Object.entries(schema.properties as Record<string, Json>)) {
      expect(shape[key]!.safeParse(null).success, `${name}.${key} nullable`).toBe(prop.nullable === true);
      for (const value of (prop.enum as unknown[] | undefined) ?? []) expect(shape[key]!.safeParse(value).success, `${name}.${key} = ${String(value)}`).toBe(true);
    }
    const examples = requestExamples(method, path);
    expect(examples.length).toBeGreaterThan(0);
    for (const [exampleName, value] of examples) expect(zodSchema.safeParse(value).error?.issues ?? [], exampleName).toEqual([]);
  });
});
