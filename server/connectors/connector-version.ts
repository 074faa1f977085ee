import { Prisma, type DataConnector, type DataConnectorVersion } from '../db/generated/sqlite/client.ts';
import { isoSeconds } from '../http/iso-seconds.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { readAudienceIds, readAudienceRules, resolveConnectorAudience } from './audiences/connector-audience.ts';
import type { ConnectorFieldsInput, DataInput, ObjectMapping, ResponseField } from './connector-input.ts';
import { deriveResponseFields } from './derive-response-fields.ts';

// How a version's JSON columns look once parsed.
export interface StoredHeader {
  name: string;
  valueEncrypted: string;
}

export const REDACTED_VALUE = '****';

// The configuration columns of a version, i.e. everything that is copied when
// a draft is published and compared to tell whether a draft has changes. The
// last live test's response is a working aid of the draft, not configuration:
// it is never published, and reverting the draft keeps it.
export type VersionConfig = Omit<DataConnectorVersion, 'id' | 'dataConnectorId' | 'kind' | 'createdAt' | 'updatedAt' | 'updatedByAdminId' | 'testResponse'>;

export function versionConfig(version: DataConnectorVersion): VersionConfig {
  const { id: _id, dataConnectorId: _c, kind: _k, createdAt: _ca, updatedAt: _ua, updatedByAdminId: _u, testResponse: _t, ...config } = version;
  return config;
}

const asArray = <T>(value: Prisma.JsonValue | null | undefined): T[] => (Array.isArray(value) ? (value as T[]) : []);

export const readHeaders = (v: Pick<DataConnectorVersion, 'headers'>) => asArray<StoredHeader>(v.headers);
export const readDecryptedHeaders = (v: Pick<DataConnectorVersion, 'headers'>, secrets: SecretBox) =>
  readHeaders(v).map((h) => ({ name: h.name, value: secrets.decrypt(h.valueEncrypted) }));
export const readDataInputs = (v: Pick<DataConnectorVersion, 'dataInputs'>) => asArray<DataInput>(v.dataInputs);
export const readResponseFields = (v: Pick<DataConnectorVersion, 'responseFields'>) => asArray<ResponseField>(v.responseFields);
export const readObjectMappings = (v: Pick<DataConnectorVersion, 'objectMappings'>) => asArray<ObjectMapping>(v.objectMappings);
export const readTokenIds = (v: Pick<DataConnectorVersion, 'tokenIds'>) => asArray<string>(v.tokenIds);

// Keeps what the admin set on fields that still exist (label, formatter,
// selection, redaction) when fields are derived again from a new example.
export function mergeResponseFields(derived: ReturnType<typeof deriveResponseFields>, existing: ResponseField[]): ResponseField[] {
  const byPath = new Map(existing.map((f) => [f.path, f]));
  return derived.map((field) => {
    const previous = byPath.get(field.path);
    return previous
      ? { ...previous, type: field.type, example_value: field.example_value }
      : { ...field, example_value: field.example_value, redacted: false, label: null, formatter: null, formatter_options: null, selected: false };
  });
}

// Column values for a version, usable both to create one and to update one.
export type DraftChanges = Partial<Omit<Prisma.DataConnectorVersionUncheckedCreateInput, 'id' | 'dataConnectorId' | 'kind' | 'createdAt' | 'updatedAt'>>;

// Applies a validated create/update body to a version's configuration.
// `current` is the draft being edited (undefined on create).
export function applyConnectorInput(
  input: ConnectorFieldsInput | Partial<ConnectorFieldsInput>,
  current: DataConnectorVersion | undefined,
  secrets: SecretBox,
): DraftChanges {
  const data: DraftChanges = {};
  const set = <K extends keyof typeof data>(key: K, value: (typeof data)[K] | undefined) => {
    if (value !== undefined) data[key] = value;
  };
  set('name', input.name);
  set('description', input.description);
  set('httpMethod', input.http_method);
  set('url', input.url === '' ? null : input.url);
  set('body', input.body);
  set('directFinUsage', input.direct_fin_usage);
  set('audiences', input.audiences ? [...new Set(input.audiences)] : undefined);
  const audience = resolveConnectorAudience(input, current);
  if (audience) {
    data.audienceMode = audience.audienceMode;
    data.audienceIds = audience.audienceIds;
    data.audienceRules = audience.audienceRules === null ? Prisma.DbNull : (audience.audienceRules as Prisma.InputJsonValue);
  }
  set('executionType', input.execution_type);
  set('clientFunctionName', input.client_function_name);
  set('clientFunctionTimeoutMs', input.client_function_timeout_ms);
  set('dataTransformationType', input.data_transformation_type);
  set('dataInputs', input.data_inputs as Prisma.InputJsonValue | undefined);
  set('objectMappings', input.object_mappings as Prisma.InputJsonValue | undefined);
  set('tokenIds', input.token_ids ? [...new Set(input.token_ids)] : undefined);
  set('customerAuthentication', input.customer_authentication);
  set('bypassAuthentication', input.bypass_authentication);
  set('validateMissingAttributes', input.validate_missing_attributes);
  set('exampleQuestions', input.example_questions);
  set('codeBlock', input.code_block);
  set('responseLogging', input.response_logging);
  set('timeoutMs', input.timeout_ms);
  set('maxResponseBytes', input.max_response_bytes);

  if (input.headers) {
    // A client that read "****" and sends it back keeps the stored value.
    const previous = new Map((current ? readHeaders(current) : []).map((h) => [h.name.toLowerCase(), h.valueEncrypted]));
    data.headers = input.headers.map((h) => ({
      name: h.name,
      valueEncrypted: h.value === REDACTED_VALUE && previous.has(h.name.toLowerCase()) ? previous.get(h.name.toLowerCase())! : secrets.encrypt(h.value),
    })) as unknown as Prisma.InputJsonValue;
  }

  let responseFields = input.response_fields ?? (current ? readResponseFields(current) : []);
  if (input.mock_response !== undefined) {
    data.mockResponse = input.mock_response === null ? Prisma.DbNull : (input.mock_response as Prisma.InputJsonValue);
    if (input.mock_response !== null) {
      data.configurationResponseType = 'mock_response_type';
      responseFields = mergeResponseFields(deriveResponseFields(input.mock_response), responseFields);
    } else {
      data.configurationResponseType = 'test_response_type';
    }
  }
  if (input.response_fields !== undefined || input.mock_response) data.responseFields = responseFields as unknown as Prisma.InputJsonValue;
  return data;
}

export function connectorSummary(connector: DataConnector, version: DataConnectorVersion) {
  return {
    type: 'data_connector' as const,
    id: String(connector.id),
    name: version.name,
    description: version.description,
    state: connector.state,
    http_method: version.httpMethod,
    direct_fin_usage: version.directFinUsage,
    ...(connector.createdByAdminId != null && { created_by_admin_id: String(connector.createdByAdminId) }),
    ...(version.updatedByAdminId != null && { updated_by_admin_id: String(version.updatedByAdminId) }),
    created_at: isoSeconds(connector.createdAt),
    updated_at: isoSeconds(connector.updatedAt),
    execution_results_url: `/data_connectors/${connector.id}/execution_results`,
  };
}

// The `data_connector_detail` object, with header values masked.
export function connectorDetail(connector: DataConnector, version: DataConnectorVersion, hasUnpublishedChanges: boolean, hasLiveVersion: boolean) {
  return {
    ...connectorSummary(connector, version),
    url: version.url,
    ...(version.body != null && { body: version.body }),
    headers: readHeaders(version).map((h) => ({ name: h.name, value: REDACTED_VALUE })),
    audiences: asArray<string>(version.audiences),
    audience_mode: version.audienceMode,
    audience_ids: readAudienceIds(version),
    audience_rules: readAudienceRules(version),
    execution_type: version.executionType,
    configuration_response_type: version.configurationResponseType,
    data_transformation_type: version.dataTransformationType,
    client_function_name: version.clientFunctionName,
    client_function_timeout_ms: version.clientFunctionTimeoutMs,
    data_inputs: readDataInputs(version),
    response_fields: readResponseFields(version),
    object_mappings: readObjectMappings(version),
    token_ids: readTokenIds(version),
    customer_authentication: version.customerAuthentication,
    bypass_authentication: version.bypassAuthentication,
    validate_missing_attributes: version.validateMissingAttributes,
    created_by_admin_id: connector.createdByAdminId == null ? null : String(connector.createdByAdminId),
    updated_by_admin_id: version.updatedByAdminId == null ? null : String(version.updatedByAdminId),
    example_questions: asArray<string>(version.exampleQuestions),
    mock_response: version.mockResponse ?? null,
    code_block: version.codeBlock,
    response_logging: version.responseLogging,
    timeout_ms: version.timeoutMs,
    max_response_bytes: version.maxResponseBytes,
    has_unpublished_changes: hasUnpublishedChanges,
    has_live_version: hasLiveVersion,
  };
}
