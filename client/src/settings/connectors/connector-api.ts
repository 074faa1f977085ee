// The data-connector endpoints the editor uses (see server/http/openapi/openapi.yaml).
import { apiRequest } from '../../api.ts';
import type { FinFields } from './fin-api.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete' | 'patch';
export type InputType = 'string' | 'integer' | 'decimal' | 'boolean';

export interface DataInput {
  name: string;
  type: InputType;
  description: string | null;
  required: boolean;
  default_value: string;
}

// GET /data_connectors/{id}: only the fields the editor reads.
export interface ConnectorDetail extends FinFields {
  type: 'data_connector';
  id: string;
  name: string;
  description: string | null;
  state: 'draft' | 'live';
  url: string | null;
  body?: string;
  headers: { name: string; value: string }[];
  http_method: HttpMethod;
  data_inputs: DataInput[];
  token_ids: string[];
  customer_authentication: boolean;
  bypass_authentication: boolean;
  example_questions: string[];
  mock_response: unknown;
  response_fields: ResponseField[];
  data_transformation_type: AccessMode;
  code_block: string | null;
  object_mappings: ObjectMapping[];
  response_logging: ResponseLogging;
  has_unpublished_changes: boolean;
  has_live_version: boolean;
  updated_at: string;
}

export interface ResponseField {
  path: string;
  type: string;
  example_value: unknown;
  redacted: boolean;
  label: string | null;
  formatter: Formatter | null;
  formatter_options: Record<string, unknown> | null;
  selected: boolean;
}

export type AccessMode = 'full_access' | 'redacted_access' | 'code_block_transformation';
export type ResponseLogging = 'full' | 'redacted_formatted' | 'none';
export type Formatter = 'none' | 'boolean_text' | 'unix_seconds_to_iso' | 'unix_ms_to_iso' | 'minor_units_to_amount' | 'zero_as_text';

export interface ObjectMapping {
  response_object_path: string;
  intercom_object_type: 'user' | 'conversation';
  attribute_mappings: { response_attribute_path: string; intercom_attribute_identifier: string; mapping_type: 'primitive_mapping' | 'context_mapping' }[];
  reference_mappings: { intercom_object_type: 'user' | 'conversation'; intercom_attribute_identifier: string }[];
}

export interface ConnectorWrite extends Partial<FinFields> {
  name: string;
  description: string;
  example_questions: string[];
  data_inputs: { name: string; type: InputType; description: string; required: boolean; default_value: string }[];
  http_method: HttpMethod;
  url: string;
  headers: { name: string; value: string }[];
  body?: string;
  token_ids: string[];
  customer_authentication: boolean;
  bypass_authentication: boolean;
  data_transformation_type?: AccessMode;
  response_fields?: ResponseField[];
  code_block?: string | null;
  response_logging?: ResponseLogging;
  object_mappings?: ObjectMapping[];
}

export interface AuthToken {
  type: 'auth_token';
  id: string;
  name: string;
  kind: 'static' | 'basic' | 'http_request';
  header_name: string;
  prefix: string;
}

export interface TestResult {
  type: 'data_connector.test_result';
  mode: 'live' | 'example';
  called_api: boolean;
  notice: string;
  success: boolean;
  execution_result_id: string;
  http_status: number | null;
  error_type: string | null;
  error_message: string | null;
  input_errors: { field: string; message: string }[];
  execution_time_ms: number;
  request_url: string | null;
  raw_response: unknown;
  shaped_response: unknown;
  response_fields: { path: string; type: string; example_value: unknown }[];
}

export interface SecurityFinding {
  code: string;
  severity: 'high' | 'medium' | 'low';
  message: string;
  recommendation: string;
  field: string | null;
  acknowledged: boolean;
}

export interface SecurityCheck {
  type: 'data_connector.security_check';
  checked_at: string;
  passed: boolean;
  requires_acknowledgement: boolean;
  summary: { high: number; medium: number; low: number };
  findings: SecurityFinding[];
}

const path = (id: string) => `/data_connectors/${encodeURIComponent(id)}`;

export const getConnector = (id: string, version: 'draft' | 'live', signal?: AbortSignal) =>
  apiRequest<ConnectorDetail>(path(id), { query: { state_version: version }, signal });

export const createConnector = (body: ConnectorWrite) => apiRequest<ConnectorDetail>('/data_connectors', { method: 'POST', body });

export const updateConnector = (id: string, body: Partial<ConnectorWrite> & { state?: 'live' | 'draft'; security_acknowledgement?: boolean; mock_response?: unknown; revert_draft?: boolean }) =>
  apiRequest<ConnectorDetail>(path(id), { method: 'PATCH', body });

export const testConnector = (id: string, body: { mode: 'live' | 'example'; inputs: Record<string, string> }) =>
  apiRequest<TestResult>(`${path(id)}/test`, { method: 'POST', body });

export const runSecurityCheck = (id: string) => apiRequest<SecurityCheck>(`${path(id)}/security_check`, { method: 'POST' });

export const listAuthTokens = (signal?: AbortSignal) => apiRequest<{ type: 'list'; data: AuthToken[] }>('/auth_tokens', { signal });

export const createAuthToken = (body: { name: string; value: string; header_name?: string; prefix?: string }) =>
  apiRequest<AuthToken>('/auth_tokens', { method: 'POST', body });

export interface CodeTestResult {
  type: 'data_connector.code_test_result';
  success: boolean;
  result: unknown;
  error: string | null;
  debug_output: string;
  duration_ms: number;
}

export interface CodeSuggestion {
  kind: string;
  title: string;
  reason: string;
  code: string;
}

export const testCode = (id: string, body: { code: string; data?: unknown }) => apiRequest<CodeTestResult>(`${path(id)}/code/test`, { method: 'POST', body });

export const codeSuggestions = (id: string, signal?: AbortSignal) =>
  apiRequest<{ type: 'list'; based_on: 'test_response' | 'example_response' | null; data: CodeSuggestion[] }>(`${path(id)}/code/suggestions`, { signal });
