// The endpoints and shapes the Fin tab uses (see server/http/openapi/openapi.yaml:
// audience_rule_group, /audiences, /contacts, /data_connectors/{id}/audience_check).
import { apiRequest } from '../../api.ts';
import type { TestResult } from './connector-api.ts';

export type AudienceMode = 'everyone' | 'audiences' | 'custom';
export type ContactRole = 'user' | 'lead' | 'visitor';
export type AttributeOperator = 'equals' | 'not_equals' | 'contains' | 'exists' | 'not_exists' | 'greater_than' | 'less_than' | 'before' | 'after';

export type AudienceRuleJson =
  | AudienceGroupJson
  | { type: 'role'; operator: 'equals' | 'not_equals'; value: ContactRole }
  | { type: 'attribute'; attribute: string; operator: AttributeOperator; value?: unknown }
  | { type: 'email_verified' | 'identity_verified'; value: boolean };
export type AudienceGroupJson = { all: AudienceRuleJson[] } | { any: AudienceRuleJson[] };

// The connector fields the Fin tab edits.
export interface FinFields {
  direct_fin_usage: boolean;
  audience_mode: AudienceMode;
  audience_ids: string[];
  audience_rules: AudienceGroupJson | null;
}

export interface Audience {
  type: 'audience';
  id: string;
  name: string;
  description: string | null;
}

export interface ContactSummary {
  type: 'contact';
  id: string;
  role: ContactRole;
  external_id: string | null;
  email: string | null;
  name: string | null;
}

export interface AudienceCheck {
  type: 'data_connector.audience_check';
  contact_id: string;
  in_audience: boolean;
  reason: string | null;
}

export const listAudiences = (signal?: AbortSignal) => apiRequest<{ type: 'list'; data: Audience[] }>('/audiences', { signal });

export const searchContacts = (q: string, signal?: AbortSignal) => apiRequest<{ type: 'list'; data: ContactSummary[] }>('/contacts', { query: { q, per_page: '8' }, signal });

export const checkAudience = (connectorId: string, contactId: string) =>
  apiRequest<AudienceCheck>(`/data_connectors/${encodeURIComponent(connectorId)}/audience_check`, { query: { contact_id: contactId, state_version: 'draft' } });

// POST /data_connectors/{id}/test for one contact: the draft runs with its {{user.*}} values; mappings write nothing.
export const previewConnector = (connectorId: string, body: { mode: 'live' | 'example'; inputs: Record<string, string>; contact_id: string }) =>
  apiRequest<TestResult>(`/data_connectors/${encodeURIComponent(connectorId)}/test`, { method: 'POST', body });

// POST /agent/preview: the AI agent's decision trace for a sample customer message (live connectors).
export interface AgentPreview {
  type: 'agent.preview';
  agent: string;
  message: string;
  contact_id: string;
  identity_verified: boolean;
  connectors: {
    data_connector_id: string;
    name: string;
    http_method: string;
    write: boolean;
    candidate: boolean;
    score: number | null;
    matched_terms: string[];
    gate: { allowed: boolean; reason: string | null };
  }[];
  decision: { kind: string; data_connector_id: string | null; reason: string | null };
  action: 'answer' | 'ask_for_inputs' | 'confirm_action' | 'verify_email' | 'hand_off';
  inputs: { name: string; value: unknown; source: 'context' | 'message' | 'earlier_message' }[];
  missing: string[];
  invalid: { name: string; reason: string }[];
  question: string | null;
  request: { method: string; url: string } | null;
  request_error: string | null;
  run: null | { execution_result_id: string | null; success: boolean; called_api: boolean; http_status: number | null; error_type: string | null; error_message: string | null; shaped_response: unknown };
  reply: string | null;
  notice: string;
  // With a language model configured (agent 'model'): the tool calls it made.
  tool_calls?: AgentPreviewToolCall[];
  model_reply?: string | null;
  model_error?: string | null;
  model_calls?: number;
}

export interface AgentPreviewToolCall {
  id: string;
  tool: string;
  data_connector_id: string | null;
  name: string | null;
  arguments: Record<string, unknown>;
  validation: { valid: boolean; missing: string[]; invalid: { name: string; reason: string }[] } | null;
  gate: { allowed: boolean; reason: string | null } | null;
  status: 'would_run' | 'ran' | 'failed' | 'needs_confirmation' | 'invalid_arguments' | 'refused' | 'otp_required' | 'unknown_tool' | 'handoff' | 'not_run';
  detail: string | null;
  request: { method: string; url: string } | null;
  run: AgentPreview['run'];
}

export const previewAgentDecision = (body: { message: string; contact_id: string; run_live: boolean; identity_verified: boolean }) =>
  apiRequest<AgentPreview>('/agent/preview', { method: 'POST', body });
