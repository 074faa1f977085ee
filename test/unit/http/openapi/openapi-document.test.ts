import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { loadOpenApiDocument, parseOpenApiDocument } from '../../../../server/http/openapi/load-openapi.ts';
import { openApiValidator } from '../../../support/openapi-validator.ts';
import { describeSchema, flattenSchema, isObject, operationsOf, resolveRef, schemaNodes, type Json } from './openapi-test-helpers.ts';

// The contract of the reference Intercom extract, generated once from
// intercom-unstable-subset.openapi.yaml (see the fixture's description).
interface ContractParameter {
  name: string;
  in: string;
  required: boolean;
  [fact: string]: unknown;
}
interface ContractOperation {
  method: string;
  path: string;
  operationId: string;
  parameters: ContractParameter[];
  requestBody?: string;
  responses: Record<string, string>;
}
interface Contract {
  operations: ContractOperation[];
  schemas: Record<string, { type: string; required?: string[]; properties: Record<string, Json> }>;
}
const readContract = (file: string) => JSON.parse(readFileSync(new URL(`../../../fixtures/${file}`, import.meta.url), 'utf8')) as Contract;
const dataConnectorContract = readContract('intercom-data-connector-contract.json');
// listMacros and getMacro with the macro schemas, generated the same way.
const macrosContract = readContract('intercom-macros-contract.json');
// startFinConversation and replyToFin with the fin_agent_* schemas (their inline bodies named).
const finAgentContract = readContract('intercom-fin-agent-contract.json');
const contract: Contract = {
  operations: [...dataConnectorContract.operations, ...macrosContract.operations, ...finAgentContract.operations],
  schemas: { ...dataConnectorContract.schemas, ...macrosContract.schemas, ...finAgentContract.schemas },
};

const doc = loadOpenApiDocument();
const schemas = doc.components?.schemas ?? {};
const EXTENSION = /^Patchbay extension: \S/;
const isMarkedExtension = (node: Json) => node['x-patchbay'] === true && typeof node.description === 'string' && EXTENSION.test(node.description);
// A reference enum may gain values only as a documented extension: the property
// lists them in `x-patchbay-enum` (macro.visible_to: me) and says so.
function referenceFacts(schema: Json): Json {
  const facts = describeSchema(schema);
  const added = schema['x-patchbay-enum'];
  if (!Array.isArray(added)) return facts;
  expect(String(schema.description)).toMatch(/Patchbay extension/);
  return { ...facts, enum: (facts.enum as unknown[]).filter((value) => !added.includes(value)) };
}

const parametersOf = (operation: Json) => ((operation.parameters as unknown[] | undefined) ?? []).map((p) => resolveRef<Json>(doc, p));
const schemaNameOf = (mediaOwner: unknown) => {
  const owner = resolveRef<Json>(doc, mediaOwner);
  const content = owner.content as Record<string, Json> | undefined;
  const ref = (content?.['application/json']?.schema as Json | undefined)?.$ref;
  return typeof ref === 'string' ? ref.replace('#/components/schemas/', '') : undefined;
};

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.0 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.0');
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
  });

  it('serves the API under /api with bearer authentication', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/api' })]);
    expect(doc.components?.securitySchemes?.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }]);
    expect(doc.components?.securitySchemes?.cookieAuth).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'patchbay_session' });
    // Only the document itself is public.
    const publicOperations = operationsOf(doc).filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0);
    expect(publicOperations.map(({ method, path }) => `${method} ${path}`)).toEqual(['get /openapi.json']);
  });

  it('is parsed once and shared read-only', () => {
    expect(loadOpenApiDocument()).toBe(doc);
    expect(Object.isFrozen(doc)).toBe(true);
    expect(Object.isFrozen(doc.paths['/data_connectors'])).toBe(true);
    expect(() => parseOpenApiDocument('just: a map\n')).toThrow(/not an OpenAPI document/);
  });

  it('has only references that resolve', () => {
    const refs: string[] = [];
    const collect = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (isObject(node)) {
        if (typeof node.$ref === 'string') refs.push(node.$ref);
        Object.values(node).forEach(collect);
      }
    };
    collect(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs)) expect(() => resolveRef(doc, { $ref: ref }), ref).not.toThrow();
  });

  it('documents error responses with the error.list schema', () => {
    for (const { method, path, operation } of operationsOf(doc)) {
      const responses = operation.responses as Record<string, unknown>;
      for (const status of Object.keys(responses).filter((s) => Number(s) >= 400)) {
        expect(schemaNameOf(responses[status]), `${method} ${path} ${status}`).toBe('error');
      }
      if (path !== '/openapi.json') expect(Object.keys(responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401', '500']));
    }
    for (const path of ['/data_connectors/{id}', '/data_connectors/{data_connector_id}/execution_results', '/auth_tokens/{id}', '/api_tokens/{id}']) {
      const item = doc.paths[path] as Json;
      for (const op of Object.values(item).filter(isObject)) expect(Object.keys(op.responses as Json), path).toContain('404');
    }
    expect(Object.keys(doc.paths['/data_connectors/{id}']!.patch!.responses)).toEqual(expect.arrayContaining(['409', '422']));
    expect(Object.keys(doc.paths['/data_connectors/{id}']!.delete!.responses)).toContain('409');
    expect(Object.keys(doc.paths['/data_connectors']!.post!.responses)).toContain('422');
    // Any write may meet a missing CSRF token (session cookie) or a missing admin role.
    const writes = operationsOf(doc).filter(({ method }) => !['get', 'head', 'options'].includes(method));
    expect(writes.length).toBeGreaterThan(5);
    for (const { method, path, operation } of writes) expect(Object.keys(operation.responses as Json), `${method} ${path}`).toContain('403');
  });
});

describe('wire compatibility with the reference (test/fixtures/intercom-data-connector-contract.json)', () => {
  it('the fixture covers the data-connector contract', () => {
    expect(dataConnectorContract.operations).toHaveLength(7);
    expect(macrosContract.operations.map((op) => op.operationId)).toEqual(['listMacros', 'getMacro']);
    expect(Object.keys(macrosContract.schemas)).toEqual(['macro', 'macro_list']);
    expect(finAgentContract.operations.map((op) => op.operationId)).toEqual(['startFinConversation', 'replyToFin']);
    expect(Object.keys(finAgentContract.schemas)).toEqual(expect.arrayContaining(['fin_agent_start_request', 'fin_agent_reply_response', 'fin_agent_user', 'fin_agent_message']));
    expect(Object.keys(contract.schemas)).toEqual(
      expect.arrayContaining(['data_connector', 'data_connector_detail', 'data_connector_execution_result', 'error', 'create_data_connector_request']),
    );
  });

  it.each(contract.operations.map((op) => [`${op.method} ${op.path}`, op] as const))('%s is documented as in the reference', (_name, expected) => {
    const operation = (doc.paths[expected.path] as Json | undefined)?.[expected.method.toLowerCase()] as Json | undefined;
    expect(operation, `${expected.method} ${expected.path}`).toBeDefined();
    expect(operation!.operationId).toBe(expected.operationId);

    const parameters = parametersOf(operation!);
    for (const param of expected.parameters) {
      const ours = parameters.find((p) => p.name === param.name && p.in === param.in);
      expect(ours, `parameter ${param.in} ${param.name}`).toBeDefined();
      const { name: _n, in: _i, required, ...facts } = param;
      expect(ours!.required ?? false, `${param.name}.required`).toBe(required);
      const schema = ours!.schema as Json;
      const ourFacts = Object.fromEntries(Object.keys(facts).map((k) => [k, schema[k]]));
      expect(ourFacts, `parameter ${param.name}`).toEqual(facts);
    }
    // The Intercom-Version header is accepted everywhere.
    expect(parameters.some((p) => p.in === 'header' && p.name === 'Intercom-Version')).toBe(true);

    if (expected.requestBody) expect(schemaNameOf(operation!.requestBody)).toBe(expected.requestBody);
    const responses = operation!.responses as Record<string, unknown>;
    for (const [status, schemaName] of Object.entries(expected.responses)) {
      expect(responses[status], `response ${status}`).toBeDefined();
      expect(schemaNameOf(responses[status]), `response ${status}`).toBe(schemaName);
    }
  });

  it.each(Object.entries(contract.schemas))('schema %s has every reference property, type, enum, nullable flag and example', (name, expected) => {
    const ours = schemas[name] as Json | undefined;
    expect(ours, name).toBeDefined();
    expect(ours!.type).toBe(expected.type);
    const flat = new Map(flattenSchema(ours!).map((p) => [p.path, p.schema]));
    for (const [path, facts] of Object.entries(expected.properties)) {
      expect(flat.has(path), `${name}.${path}`).toBe(true);
      expect(referenceFacts(flat.get(path)!), `${name}.${path}`).toEqual(facts);
    }
    // What the reference requires stays required.
    expect((ours!.required as string[] | undefined) ?? []).toEqual(expect.arrayContaining(expected.required ?? []));
  });

  it('marks every property Patchbay adds to a reference schema as an extension', () => {
    let extensions = 0;
    for (const [name, expected] of Object.entries(contract.schemas)) {
      for (const { path, parent, schema } of flattenSchema(schemas[name]!)) {
        const added = !(path in expected.properties) && !path.endsWith('[]') && (parent === '' || parent in expected.properties);
        if (!added) continue;
        extensions++;
        expect(isMarkedExtension(schema), `${name}.${path} needs x-patchbay: true and a description starting "Patchbay extension:"`).toBe(true);
      }
    }
    // example_questions, mock_response, ..., has_unpublished_changes, label, formatter, ...
    expect(extensions).toBeGreaterThanOrEqual(30);
    const detail = new Map(flattenSchema(schemas.data_connector_detail!).map((p) => [p.path, p.schema]));
    for (const path of ['example_questions', 'mock_response', 'code_block', 'response_logging', 'timeout_ms', 'max_response_bytes', 'has_unpublished_changes', 'response_fields[].label', 'response_fields[].formatter', 'response_fields[].formatter_options', 'response_fields[].selected']) {
      expect(detail.has(path), path).toBe(true);
    }
  });

  it('marks every operation, parameter and schema Patchbay adds as an extension', () => {
    const reference = new Set(contract.operations.map((op) => `${op.method.toLowerCase()} ${op.path}`));
    const added = operationsOf(doc).filter(({ method, path }) => !reference.has(`${method} ${path}`));
    expect(added.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(['delete /api_tokens/{id}', 'delete /auth_tokens/{id}', 'get /api_tokens', 'get /auth_tokens', 'get /messenger_security', 'get /workspace_settings', 'patch /workspace_settings', 'get /openapi.json', 'patch /messenger_security', 'post /api_tokens', 'post /auth_tokens', 'post /data_connectors/{id}/code/test', 'get /data_connectors/{id}/code/suggestions', 'post /data_connectors/{id}/execute', 'post /data_connectors/{id}/test', 'post /messenger_security/finish_rotation', 'post /messenger_security/rotate_secret', 'get /audiences', 'post /audiences', 'get /audiences/{id}', 'patch /audiences/{id}', 'delete /audiences/{id}', 'get /outbox', 'post /agent/preview', 'post /data_connectors/{id}/security_check', 'post /macros', 'patch /macros/{id}', 'delete /macros/{id}', 'post /conversations/{id}/apply_macro', 'get /conversations', 'get /conversations/{id}', 'patch /conversations/{id}', 'post /conversations/{id}/read', 'post /conversations/{id}/reply', 'post /conversations/{id}/tags', 'delete /conversations/{id}/tags/{name}', 'get /conversations/{id}/connector_runs', 'get /conversations/{id}/connectors', 'post /conversations/{id}/run_connector', 'get /contacts', 'get /contacts/{id}', 'get /data_connectors/{id}/audience_check', 'patch /contacts/{id}', 'get /admins', 'get /custom_attribute_definitions', 'post /custom_attribute_definitions', 'get /custom_attribute_definitions/{id}', 'patch /custom_attribute_definitions/{id}', 'delete /custom_attribute_definitions/{id}', 'get /fin_agent_settings', 'patch /fin_agent_settings', 'post /fin_agent_settings/rotate_webhook_secret'].sort());
    for (const { method, path, operation } of added) expect(isMarkedExtension(operation), `${method} ${path}`).toBe(true);

    for (const expected of contract.operations) {
      const operation = (doc.paths[expected.path] as Json)[expected.method.toLowerCase()] as Json;
      for (const param of parametersOf(operation).filter((p) => p.in !== 'header')) {
        if (expected.parameters.some((p) => p.name === param.name && p.in === param.in)) continue;
        expect(isMarkedExtension(param), `${expected.method} ${expected.path} parameter ${String(param.name)}`).toBe(true);
      }
    }
    const include = parametersOf(doc.paths['/data_connectors/{data_connector_id}/execution_results']!.get as Json).find((p) => p.name === 'include_request_url');
    expect(include).toBeDefined();

    const ownSchemas = Object.entries(schemas).filter(([name]) => !(name in contract.schemas) && name !== 'intercom_version');
    expect(ownSchemas.length).toBeGreaterThan(0);
    for (const [name, schema] of ownSchemas) expect(isMarkedExtension(schema as Json), name).toBe(true);
  });
});

describe('examples in the document', () => {
  const validator = openApiValidator();

  it("every schema's example matches its schema", () => {
    const seen: string[] = [];
    const roots: [string, unknown][] = [
      ...Object.entries(schemas).map(([name, s]) => [`#/components/schemas/${name}`, s] as [string, unknown]),
      ...operationsOf(doc).flatMap(({ method, path, operation }) =>
        parametersOf(operation).map((p) => [`${method} ${path} parameter ${String(p.name)}`, p.schema] as [string, unknown]),
      ),
    ];
    for (const [root, schema] of roots) {
      for (const { at, schema: node } of schemaNodes(schema, root)) {
        if (node.example === undefined) continue;
        seen.push(at);
        expect(validator.schemaErrors(node, node.example), `example at ${at}`).toEqual([]);
      }
    }
    expect(seen.length).toBeGreaterThan(100);
  });

  it('every parameter example matches its schema', () => {
    let count = 0;
    for (const { method, path, operation } of operationsOf(doc)) {
      for (const param of parametersOf(operation).filter((p) => p.example !== undefined)) {
        count++;
        expect(validator.schemaErrors(param.schema, param.example), `${method} ${path} ${String(param.name)}`).toEqual([]);
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it('every request and response example matches its media type schema', () => {
    let count = 0;
    for (const { method, path, operation } of operationsOf(doc)) {
      const owners: [string, unknown][] = [
        ...(operation.requestBody ? [['request body', operation.requestBody] as [string, unknown]] : []),
        ...Object.entries(operation.responses as Json).map(([status, r]) => [`response ${status}`, r] as [string, unknown]),
      ];
      for (const [label, owner] of owners) {
        const media = (resolveRef<Json>(doc, owner).content as Record<string, Json> | undefined)?.['application/json'];
        if (!media) continue;
        const examples: [string, unknown][] = [
          ...(media.example !== undefined ? [['example', media.example] as [string, unknown]] : []),
          ...Object.entries((media.examples as Json | undefined) ?? {}).map(([n, e]) => [n, resolveRef<Json>(doc, e).value] as [string, unknown]),
        ];
        for (const [exampleName, value] of examples) {
          count++;
          expect(value, `${method} ${path} ${label} "${exampleName}" has a value`).toBeDefined();
          expect(validator.schemaErrors(media.schema, value), `${method} ${path} ${label} example "${exampleName}"`).toEqual([]);
        }
      }
    }
    expect(count).toBeGreaterThan(40);
  });

  it('a broken example would be caught', () => {
    const detail = doc.components!.examples!.DataConnectorDetail!.value as Json;
    expect(validator.schemaErrors({ $ref: '#/components/schemas/data_connector_detail' }, detail)).toEqual([]);
    expect(validator.schemaErrors({ $ref: '#/components/schemas/data_connector_detail' }, { ...detail, state: 'paused' })).not.toEqual([]);
    const state = (schemas.data_connector_detail!.properties as Json).state as Json;
    expect(validator.schemaErrors(state, 'paused')).not.toEqual([]);
  });
});
