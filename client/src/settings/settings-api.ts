// The REST calls of the smaller settings pages (custom attributes, API tokens).
import { apiRequest } from '../api.ts';

export type AttributeTarget = 'contact' | 'conversation' | 'company';
export type AttributeDataType = 'string' | 'integer' | 'decimal' | 'boolean' | 'datetime';

export const ATTRIBUTE_TARGETS: { value: AttributeTarget; label: string; plural: string }[] = [
  { value: 'contact', label: 'Contact', plural: 'contacts' },
  { value: 'conversation', label: 'Conversation', plural: 'conversations' },
  { value: 'company', label: 'Company', plural: 'companies' },
];

export const ATTRIBUTE_DATA_TYPES: { value: AttributeDataType; label: string }[] = [
  { value: 'string', label: 'Text' },
  { value: 'integer', label: 'Whole number' },
  { value: 'decimal', label: 'Decimal number' },
  { value: 'boolean', label: 'True / false' },
  { value: 'datetime', label: 'Date and time' },
];

export interface AttributeDefinition {
  type: 'custom_attribute_definition';
  id: string;
  target: AttributeTarget;
  name: string;
  label: string | null;
  description: string | null;
  data_type: AttributeDataType;
  protected: boolean;
  created_at: string;
  updated_at: string;
}

export interface AttributeDefinitionFields {
  label: string | null;
  description: string | null;
  data_type: AttributeDataType;
  protected: boolean;
}

export const listAttributeDefinitions = (signal?: AbortSignal) =>
  apiRequest<{ type: 'list'; data: AttributeDefinition[] }>('/custom_attribute_definitions', { signal });

export const createAttributeDefinition = (body: AttributeDefinitionFields & { target: AttributeTarget; name: string }) =>
  apiRequest<AttributeDefinition>('/custom_attribute_definitions', { method: 'POST', body });

export const updateAttributeDefinition = (id: string, body: Partial<AttributeDefinitionFields>) =>
  apiRequest<AttributeDefinition>(`/custom_attribute_definitions/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export const deleteAttributeDefinition = (id: string) =>
  apiRequest<{ id: string; deleted: true; values_removed: number }>(`/custom_attribute_definitions/${encodeURIComponent(id)}`, { method: 'DELETE' });

export interface ApiToken {
  type: 'api_token';
  id: string;
  name: string;
  prefix: string;
  created_by_admin_id: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
  revoked_at: string | null;
}

export const listApiTokens = (signal?: AbortSignal) => apiRequest<{ type: 'list'; data: ApiToken[] }>('/api_tokens', { signal });
// The token itself is only in this answer.
export const createApiToken = (name: string) => apiRequest<ApiToken & { token: string }>('/api_tokens', { method: 'POST', body: { name } });
export const revokeApiToken = (id: string) => apiRequest<ApiToken>(`/api_tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });

export type AuthTokenKind = 'static' | 'basic' | 'http_request';

export interface AuthToken {
  type: 'auth_token';
  id: string;
  name: string;
  kind: AuthTokenKind;
  header_name: string;
  prefix: string;
  // Always "****": values are write-only.
  value: string;
  created_at: string;
  updated_at: string;
}

export interface AuthTokenWrite {
  name: string;
  kind: AuthTokenKind;
  value: string;
  header_name?: string;
  prefix?: string;
  token_request?: { url: string; method: 'get' | 'post'; body: string | null; token_path?: string; expires_in_path: string | null };
}

export const listAuthTokens = (signal?: AbortSignal) => apiRequest<{ type: 'list'; data: AuthToken[] }>('/auth_tokens', { signal });
export const createAuthToken = (body: AuthTokenWrite) => apiRequest<AuthToken>('/auth_tokens', { method: 'POST', body });
export const deleteAuthToken = (id: string) => apiRequest<{ id: string; deleted: true }>(`/auth_tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });

export type MessengerJwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface MessengerSecurityWrite {
  jwks_url: string | null;
  algorithm: MessengerJwtAlgorithm;
  issuer: string | null;
  audience: string | null;
  identity_verification_enforced: boolean;
  jwt_max_lifetime_seconds: number;
}

export interface MessengerSecurity extends MessengerSecurityWrite {
  type: 'messenger_security';
  secret_set: boolean;
  previous_secret_set: boolean;
  rejection_counts: Record<string, number>;
}

export const getMessengerSecurity = (signal?: AbortSignal) => apiRequest<MessengerSecurity>('/messenger_security', { signal });
export const updateMessengerSecurity = (body: Partial<MessengerSecurityWrite>) => apiRequest<MessengerSecurity>('/messenger_security', { method: 'PATCH', body });
// The new secret is only in this answer.
export const rotateMessengerSecret = () => apiRequest<{ type: 'messenger_secret'; secret: string; previous_secret_valid: boolean }>('/messenger_security/rotate_secret', { method: 'POST' });
export const finishMessengerSecretRotation = () => apiRequest<MessengerSecurity>('/messenger_security/finish_rotation', { method: 'POST' });

export interface OutboxEmail {
  type: 'outbox_email';
  id: string;
  to: string;
  subject: string;
  text: string;
  sent_at: string | null;
  created_at: string;
}

export const listOutbox = (startingAfter?: string, signal?: AbortSignal) =>
  apiRequest<{ type: 'list'; data: OutboxEmail[]; pages: { next?: { starting_after: string } | null } }>('/outbox', { query: { per_page: 20, starting_after: startingAfter }, signal });

// Audience rules as the server defines them (server/connectors/audiences/audience-rules.ts).
export type AudienceRules = { all: unknown[] } | { any: unknown[] };

export interface AudienceWrite {
  name: string;
  description: string | null;
  rules: AudienceRules;
}

export interface Audience extends AudienceWrite {
  type: 'audience';
  id: string;
  created_at: string;
  updated_at: string;
}

export const listAudiences = (signal?: AbortSignal) => apiRequest<{ type: 'list'; data: Audience[] }>('/audiences', { signal });
export const createAudience = (body: AudienceWrite) => apiRequest<Audience>('/audiences', { method: 'POST', body });
export const updateAudience = (id: string, body: AudienceWrite) => apiRequest<Audience>(`/audiences/${encodeURIComponent(id)}`, { method: 'PATCH', body });
export const deleteAudience = (id: string) => apiRequest<{ id: string; deleted: true }>(`/audiences/${encodeURIComponent(id)}`, { method: 'DELETE' });
