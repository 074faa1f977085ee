import type { ExecutionResult } from '../db/generated/sqlite/client.ts';
import { isoSeconds } from '../http/iso-seconds.ts';

export const EXECUTION_ERROR_TYPES = [
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
export type ExecutionErrorType = (typeof EXECUTION_ERROR_TYPES)[number];

export interface ExecutionResultViewOptions {
  includeBodies: boolean;
  includeRequestUrl: boolean;
}

// The reference's `data_connector_execution_result`. Bodies and the (already
// redacted) URL only when asked for, as in the reference's list endpoint.
export function executionResultView(result: ExecutionResult, options: ExecutionResultViewOptions) {
  return {
    type: 'data_connector.execution' as const,
    id: String(result.id),
    data_connector_id: String(result.dataConnectorId),
    success: result.success,
    http_status: result.httpStatus,
    http_method: result.httpMethod,
    error_type: result.errorType,
    error_message: result.errorMessage,
    execution_time_ms: result.executionTimeMs,
    source_type: result.sourceType,
    source_id: result.sourceId,
    conversation_id: result.conversationId == null ? null : String(result.conversationId),
    created_at: isoSeconds(result.createdAt),
    ...(options.includeRequestUrl && { request_url: result.requestUrl }),
    ...(options.includeBodies && {
      request_body: result.requestBody,
      response_body: result.responseBody,
      raw_response_body: result.rawResponseBody,
    }),
  };
}
