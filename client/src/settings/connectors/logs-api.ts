// The execution log endpoints the Logs view and the connector list use.
import { apiRequest, type ListPage } from '../../api.ts';

export const ERROR_TYPES = [
  'request_configuration_error',
  'faraday_error',
  '3rd_party_error',
  'response_mapping_error',
  'token_refresh_error',
  'fin_action_response_formatting_error',
  'fin_action_identity_verification_error',
  'email_verification_error',
  'non_fin_standalone_action_identity_verification_error',
  'request_validation_error',
  'client_side_action_error',
] as const;

export const SOURCE_TYPES = ['inbox', 'fin', 'workflow', 'answer', 'custom_bot', 'inbound_custom_bot', 'button_custom_bot', 'triggerable_custom_bot', 'saved_reply'] as const;

export type ResponseLogging = 'full' | 'redacted_formatted' | 'none';

export interface ExecutionResult {
  type: 'data_connector.execution';
  id: string;
  data_connector_id: string;
  success: boolean;
  http_status: number | null;
  http_method: string;
  error_type: string | null;
  error_message: string | null;
  execution_time_ms: number | null;
  source_type: string | null;
  source_id: string | null;
  conversation_id: string | null;
  created_at: string;
  // Query string, userinfo and fragment already redacted by the server.
  request_url?: string | null;
  request_body?: string | null;
  response_body?: string | null;
  raw_response_body?: string | null;
}

export interface ExecutionResultFilters {
  success?: 'true' | 'false' | undefined;
  errorType?: string | undefined;
  sourceType?: string | undefined;
  conversationId?: string | undefined;
  startTs?: number | undefined;
  endTs?: number | undefined;
}

export function listExecutionResults(connectorId: string, filters: ExecutionResultFilters, options: { startingAfter?: string | undefined; signal?: AbortSignal } = {}) {
  return apiRequest<ListPage<ExecutionResult>>(`/data_connectors/${encodeURIComponent(connectorId)}/execution_results`, {
    query: {
      per_page: 30,
      include_request_url: 'true',
      success: filters.success,
      error_type: filters.errorType,
      source_type: filters.sourceType,
      conversation_id: filters.conversationId,
      start_ts: filters.startTs,
      end_ts: filters.endTs,
      starting_after: options.startingAfter,
    },
    signal: options.signal,
  });
}

export function getExecutionResult(connectorId: string, resultId: string, signal?: AbortSignal) {
  return apiRequest<ExecutionResult>(`/data_connectors/${encodeURIComponent(connectorId)}/execution_results/${encodeURIComponent(resultId)}`, { signal });
}

// Only what the Logs view needs from the detail object.
export interface ConnectorLogInfo {
  id: string;
  name: string;
  response_logging: ResponseLogging;
}

export function getConnectorDetail(connectorId: string, options: { stateVersion?: 'draft' | 'live'; signal?: AbortSignal } = {}) {
  return apiRequest<ConnectorLogInfo & Record<string, unknown>>(`/data_connectors/${encodeURIComponent(connectorId)}`, {
    query: { state_version: options.stateVersion },
    signal: options.signal,
  });
}

export function createConnector(body: Record<string, unknown>) {
  return apiRequest<{ id: string; name: string }>('/data_connectors', { method: 'POST', body });
}
