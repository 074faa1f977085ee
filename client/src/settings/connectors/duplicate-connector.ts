// "Duplicate" on the connector list: a new draft made with POST /api/data_connectors
// from the source's draft configuration (the latest edits, published or not).
// Pure, so the integration tests can check that the server accepts what it builds.

// The fields of a connector detail (GET /api/data_connectors/{id}) that the create request accepts.
const COPIED_FIELDS = [
  'description',
  'http_method',
  'url',
  'body',
  'direct_fin_usage',
  'audiences',
  'audience_mode',
  'audience_ids',
  'audience_rules',
  'execution_type',
  'client_function_name',
  'client_function_timeout_ms',
  'data_transformation_type',
  'data_inputs',
  'response_fields',
  'object_mappings',
  'token_ids',
  'customer_authentication',
  'bypass_authentication',
  'validate_missing_attributes',
  'mock_response',
  'example_questions',
  'code_block',
  'response_logging',
  'timeout_ms',
  'max_response_bytes',
] as const;

const MAX_NAME = 255;

export interface DuplicateRequest {
  body: Record<string, unknown>;
  // Header values are write-only (the API shows "****"): the copy gets the
  // header names with empty values, to be filled in before it is set live.
  blankedHeaders: string[];
}

export function copyName(name: string): string {
  return `Copy of ${name || 'Untitled connector'}`.slice(0, MAX_NAME);
}

export function duplicateRequest(detail: Record<string, unknown>): DuplicateRequest {
  const body: Record<string, unknown> = { name: copyName(typeof detail.name === 'string' ? detail.name : '') };
  for (const field of COPIED_FIELDS) {
    if (detail[field] !== undefined) body[field] = detail[field];
  }
  const headers = Array.isArray(detail.headers) ? (detail.headers as { name: string }[]) : [];
  body.headers = headers.map((h) => ({ name: h.name, value: '' }));
  return { body, blankedHeaders: headers.map((h) => h.name) };
}
