// The Security tab's diagnostic (POST /data_connectors/{id}/security_check)
// and the rule that setting a connector live with unresolved high-severity
// findings needs `security_acknowledgement: true`.
//
// collectSecurityFindings is pure: it reads the draft's configuration, the
// workspace's settings and where the URL's host resolves (resolveTarget, with
// an injected DNS lookup), and returns findings with a stable code, a
// severity, what is wrong and what to do. Findings are keyed by code and
// field: an acknowledgement covers the same findings when the connector is
// set live again, and anything new needs a new one.
import dns from 'node:dns';
import net from 'node:net';
import type { Db } from '../db/client.ts';
import type { CustomAttributeDefinition, DataConnector, DataConnectorVersion } from '../db/generated/sqlite/client.ts';
import { AppError } from '../http/app-error.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Actor } from './connector-deps.ts';
import { readDataInputs, readDecryptedHeaders, readResponseFields } from './connector-version.ts';
import { classifyAddress } from './http/classify-address.ts';
import { portOf } from './http/target-policy.ts';
import { allowListMatchesAddress, allowListMatchesTarget, EMPTY_ALLOW_LIST, normaliseTargetHost, type TargetAllowList } from './http/target-allow-list.ts';
import { loadConnector } from './load-connector.ts';
import { isPlainObject } from './pipeline/own-json.ts';
import {
  looksLikeCustomerIdentifier,
  looksLikeEmailValue,
  looksLikePersonalData,
  looksLikeSecretParameter,
  looksRandom,
  sensitiveKindOfName,
  sensitiveKindOfValue,
  type SensitiveKind,
} from './sensitive-data.ts';
import { findPlaceholders, replacePlaceholders } from './template-variables.ts';

export type Severity = 'high' | 'medium' | 'low';
export const FINDING_CODES = [
  'insecure_url',
  'secret_in_url',
  'templated_host',
  'private_target',
  'target_unresolvable',
  'customer_identifier_from_input',
  'unprotected_identifying_attribute',
  'identity_verification_not_enforced',
  'write_method_direct_use',
  'personal_data_without_authentication',
  'bypass_authentication',
  'sensitive_field_not_redacted',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export interface SecurityFinding {
  code: FindingCode;
  severity: Severity;
  message: string;
  recommendation: string;
  field?: string;
}

// Where the URL's host leads, found before the check (DNS is slow and must not
// run inside a database transaction).
export type ResolvedTarget =
  | { host: string; addresses: string[] }
  | { host: string; error: string }
  | { host: string; templated: true }
  | { host: string; skipped: true };

export type HostLookup = (hostname: string) => Promise<string[]>;

export const systemHostLookup: HostLookup = async (hostname) => (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface SecurityCheckInput {
  version: DataConnectorVersion;
  // Header values, decrypted: templates in headers count like those in URL and body.
  headers: { name: string; value: string }[];
  attributeDefinitions: Pick<CustomAttributeDefinition, 'target' | 'name' | 'protected'>[];
  identityVerificationEnforced: boolean;
  target: ResolvedTarget | null;
  allowList: TargetAllowList;
}

const PLACEHOLDER_MARK = 'pbplaceholder';
const LOOKUP_TIMEOUT_MS = 3000;
const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const MAX_LISTED = 5;

const listed = (items: string[]) => {
  const unique = [...new Set(items)];
  return unique.length > MAX_LISTED ? `${unique.slice(0, MAX_LISTED).join(', ')} and ${unique.length - MAX_LISTED} more` : unique.join(', ');
};

function parseTemplateUrl(url: string | null): URL | null {
  if (!url) return null;
  try {
    return new URL(replacePlaceholders(url, () => PLACEHOLDER_MARK));
  } catch {
    return null;
  }
}

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

// Resolves the host of a connector URL, or says why it was not resolved.
// Without a lookup (tests, or DNS unavailable) names other than localhost are skipped.
export async function resolveTarget(url: string | null, lookup: HostLookup | undefined, timeoutMs = LOOKUP_TIMEOUT_MS): Promise<ResolvedTarget | null> {
  const parsed = parseTemplateUrl(url);
  if (!parsed) return null;
  const host = normaliseTargetHost(parsed.hostname);
  if (host.includes(PLACEHOLDER_MARK)) return { host, templated: true };
  if (net.isIP(host)) return { host, addresses: [host] };
  if (host === 'localhost' || host.endsWith('.localhost')) return { host, addresses: ['127.0.0.1', '::1'] };
  if (!lookup) return { host, skipped: true };
  let timer: NodeJS.Timeout | undefined;
  try {
    const addresses = await Promise.race([
      lookup(host),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { host, addresses };
  } catch (error) {
    return { host, error: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

interface TemplateUse {
  name: string;
  field: string;
}

function templateUses(version: DataConnectorVersion, headers: SecurityCheckInput['headers']): TemplateUse[] {
  const uses: TemplateUse[] = [];
  const add = (text: string | null, field: string) => {
    for (const name of findPlaceholders(text ?? '')) uses.push({ name, field });
  };
  add(version.url, 'url');
  add(version.body, 'body');
  headers.forEach((h, i) => add(h.value, `headers.${i}.value`));
  return uses;
}

export function collectSecurityFindings(input: SecurityCheckInput): SecurityFinding[] {
  const { version } = input;
  const findings: SecurityFinding[] = [];
  const authenticated = version.customerAuthentication && !version.bypassAuthentication;
  const uses = templateUses(version, input.headers);
  const url = parseTemplateUrl(version.url);
  const allowListed = url ? allowListMatchesTarget(input.allowList, url.hostname, portOf(url)) : false;

  // Transport and target
  if (url?.protocol === 'http:') {
    findings.push({
      code: 'insecure_url',
      severity: allowListed ? 'low' : 'high',
      field: 'url',
      message: allowListed
        ? `The URL uses plain http to ${url.hostname}, which the operator allows (PATCHBAY_ALLOWED_PRIVATE_TARGETS); requests and responses travel unencrypted.`
        : 'The URL uses plain http: the request, its tokens and the customer data in the response travel unencrypted.',
      recommendation: 'Use an https:// URL, so requests, tokens and responses are encrypted in transit.',
    });
  }
  if (url) {
    const secretParams: string[] = [];
    // The query as written, so a {{variable}} is told apart from a literal value.
    const query = (version.url ?? '').split('#')[0]!.split('?').slice(1).join('?');
    for (const part of query.split('&').filter((p) => p !== '')) {
      const eq = part.indexOf('=');
      const name = safeDecode(eq === -1 ? part : part.slice(0, eq));
      const value = eq === -1 ? '' : part.slice(eq + 1);
      const templated = value.includes('{{');
      const carriesToken = /\{\{\s*auth_tokens\./.test(value);
      if ((looksLikeSecretParameter(name) && value !== '' && (!templated || carriesToken)) || (!templated && looksRandom(safeDecode(value)))) secretParams.push(name);
    }
    if (url.username || url.password) secretParams.unshift('user:password@');
    if (secretParams.length > 0) {
      findings.push({
        code: 'secret_in_url',
        severity: 'high',
        field: 'url',
        message: `The URL carries what looks like a credential (${listed(secretParams)}); URLs end up in server, proxy and browser logs.`,
        recommendation: 'Send credentials in a header, preferably through an auth token (token_ids), and rotate any key that was in a URL.',
      });
    }
  }
  const target = input.target;
  if (target && 'templated' in target) {
    findings.push({
      code: 'templated_host',
      severity: 'high',
      field: 'url',
      message: `The URL's host comes from a variable (${target.host.replaceAll(PLACEHOLDER_MARK, '{{…}}')}): whoever controls the value chooses where the request, its headers and tokens go.`,
      recommendation: 'Write the host out in full; put variables only in the path, query or body.',
    });
  } else if (target && 'addresses' in target) {
    const inner = target.addresses.map(classifyAddress).filter((c) => !c.isPublic);
    if (inner.length > 0) {
      const allowed = allowListed || inner.every((c) => allowListMatchesAddress(input.allowList, c.address));
      findings.push({
        code: 'private_target',
        severity: allowed ? 'low' : 'medium',
        field: 'url',
        message: allowed
          ? `${target.host} is ${inner[0]!.description} (${inner[0]!.address}), which the operator allows: this connector reaches into the internal network.`
          : `${target.host} resolves to ${inner[0]!.description} (${inner[0]!.address}); requests to it are blocked unless the operator allows it.`,
        recommendation: allowed
          ? 'Make sure the internal service is meant to be reachable from connectors, and keep it out of reach of customer-supplied values.'
          : 'Use the public address of the API, or ask the operator to add it to PATCHBAY_ALLOWED_PRIVATE_TARGETS if it really is internal.',
      });
    }
  } else if (target && 'error' in target) {
    findings.push({
      code: 'target_unresolvable',
      severity: 'low',
      field: 'url',
      message: `${target.host} could not be resolved (${target.error}), so where it leads could not be checked.`,
      recommendation: 'Check the host name; run the check again once it resolves.',
    });
  }

  // Who the request is about
  const inputs = new Map(readDataInputs(version).map((d) => [d.name, d]));
  const identifyingInputs = new Map<string, string[]>();
  for (const use of uses) {
    if (inputs.has(use.name) && looksLikeCustomerIdentifier(use.name)) identifyingInputs.set(use.name, [...(identifyingInputs.get(use.name) ?? []), use.field]);
  }
  for (const [name, fields] of identifyingInputs) {
    findings.push({
      code: 'customer_identifier_from_input',
      severity: version.directFinUsage ? 'high' : 'medium',
      field: fields[0]!,
      message: `The request identifies the customer with the data input {{${name}}}, a value the customer (or the AI agent, from what the customer says) supplies: anyone can type someone else's.`,
      recommendation: `Use an attribute the customer cannot set: {{user.email}} or {{user.user_id}} with identity verification, or a protected custom attribute; or turn on customer authentication.`,
    });
  }
  const definitions = new Map(input.attributeDefinitions.map((d) => [`${d.target}.${d.name}`, d]));
  const scopes: Record<string, string> = { user: 'contact', company: 'company', conversation: 'conversation' };
  const unprotected = new Map<string, string>();
  for (const use of uses) {
    const dot = use.name.indexOf('.');
    const target = scopes[use.name.slice(0, dot)];
    if (dot === -1 || !target) continue;
    const definition = definitions.get(`${target}.${use.name.slice(dot + 1)}`);
    if (definition && !definition.protected && looksLikeCustomerIdentifier(definition.name)) unprotected.set(use.name, use.field);
  }
  if (unprotected.size > 0) {
    findings.push({
      code: 'unprotected_identifying_attribute',
      severity: 'high',
      field: [...unprotected.values()][0]!,
      message: `The request identifies the customer with attributes that are not protected (${listed([...unprotected.keys()].map((n) => `{{${n}}}`))}): the messenger can change them, so a customer can pose as another.`,
      recommendation: 'Mark these attributes protected, so only a signed identity JWT or the admin API can set them.',
    });
  }
  const standard = (names: string[]) => uses.some((u) => names.includes(u.name));
  const usesUserId = standard(['user.user_id', 'user.id']);
  const usesEmail = standard(['user.email']);
  const usesCustomerData = uses.some((u) => /^(user|company)\./.test(u.name));
  if (!input.identityVerificationEnforced) {
    const spoofable = [...(usesUserId ? ['{{user.user_id}}'] : []), ...(usesEmail && !authenticated ? ['{{user.email}}'] : [])];
    findings.push({
      code: 'identity_verification_not_enforced',
      severity: spoofable.length > 0 ? 'high' : usesCustomerData ? 'medium' : 'low',
      message: spoofable.length > 0
        ? `Identity verification is not enforced in this workspace and the request identifies the customer with ${spoofable.join(' and ')}, which an unverified messenger can claim.`
        : 'Identity verification is not enforced in this workspace: messenger users are not proved to be who they say.',
      recommendation: 'Enforce identity verification (signed JWT) in the messenger security settings; until then, turn on customer authentication so customers confirm an emailed code.',
    });
  }

  // What the connector does and returns
  if (WRITE_METHODS.has(version.httpMethod) && version.directFinUsage) {
    findings.push({
      code: 'write_method_direct_use',
      severity: authenticated ? 'medium' : 'high',
      field: 'direct_fin_usage',
      message: `The connector changes data (${version.httpMethod.toUpperCase()}) and the AI agent may call it on its own${authenticated ? '' : ', without the customer verifying who they are'}.`,
      recommendation: 'Turn off direct use and run it from a workflow or macro with a confirmation step, or at least turn on customer authentication.',
    });
  }
  const scan = scanResponse(version);
  if (!authenticated && scan.personal.length > 0) {
    findings.push({
      code: 'personal_data_without_authentication',
      severity: 'high',
      field: 'customer_authentication',
      message: `The response contains personal data (${listed(scan.personal)}) and customer authentication is ${version.bypassAuthentication ? 'bypassed' : 'off'}: it would be shown to whoever is chatting.`,
      recommendation: 'Turn on customer authentication, or return only the fields that are needed and leave personal data out.',
    });
  }
  if (version.bypassAuthentication) {
    const exposed = scan.personal.length > 0 || identifyingInputs.size > 0 || usesCustomerData;
    findings.push({
      code: 'bypass_authentication',
      severity: exposed ? 'high' : 'medium',
      field: 'bypass_authentication',
      message: 'bypass_authentication is on: the connector runs for anyone, whatever the workspace\'s customer authentication rules say.',
      recommendation: 'Turn it off unless the API is public and returns nothing about a particular customer.',
    });
  }
  if (scan.sensitive.length > 0) {
    const kinds = [...new Set(scan.sensitive.map((s) => KIND_TEXT[s.kind]))];
    findings.push({
      code: 'sensitive_field_not_redacted',
      severity: 'high',
      field: 'response_fields',
      message: `The response has ${kinds.join(', ')} that are not redacted (${listed(scan.sensitive.map((s) => s.path))}): they would be kept in execution logs${version.dataTransformationType === 'full_access' ? ' and handed to the AI agent' : ''}.`,
      recommendation: 'Mark these response fields redacted, and use restricted access so only the fields needed are passed on.',
    });
  }
  return findings;
}

const KIND_TEXT: Record<SensitiveKind, string> = { card_number: 'card numbers', national_id: 'national ids', secret: 'secrets' };

interface ResponseScan {
  personal: string[];
  sensitive: { path: string; kind: SensitiveKind }[];
}

// Response fields and the example responses, walked to every leaf (the first
// items of lists stand for the rest). A field is redacted when a redacted
// response field covers it (its path or an ancestor's).
function scanResponse(version: DataConnectorVersion): ResponseScan {
  const fields = readResponseFields(version);
  const redacted = fields.filter((f) => f.redacted).map((f) => f.path);
  const covered = (path: string) => redacted.some((r) => path === r || path.startsWith(`${r}.`));
  const personal = new Set<string>();
  const sensitive = new Map<string, SensitiveKind>();
  const visitKey = (path: string[], value: unknown, hasValue: boolean) => {
    const key = path[path.length - 1] ?? '';
    const ancestors = path.slice(0, -1).filter((p) => !/^\d+$/.test(p));
    const text = path.join('.');
    const kind = sensitiveKindOfName(key) ?? (hasValue ? sensitiveKindOfValue(value) : null);
    if (kind && !covered(text)) sensitive.set(text, kind);
    if (looksLikePersonalData(key, ancestors) || (hasValue && looksLikeEmailValue(value))) personal.add(text);
  };
  for (const field of fields) visitKey(field.path.split('.'), field.example_value, field.example_value !== null && field.example_value !== undefined);
  const walk = (value: unknown, path: string[], depth: number) => {
    if (depth > 8) return;
    if (Array.isArray(value)) {
      value.slice(0, 3).forEach((item, i) => walk(item, [...path, String(i)], depth + 1));
    } else if (isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        const childPath = [...path, key];
        if (isPlainObject(child) || Array.isArray(child)) {
          // An object under a personal key ("address": {...}) is personal data as a whole.
          if (looksLikePersonalData(key, path.filter((p) => !/^\d+$/.test(p)))) personal.add(childPath.join('.'));
          walk(child, childPath, depth + 1);
        } else {
          visitKey(childPath, child, true);
        }
      }
    }
  };
  walk(version.mockResponse, [], 0);
  walk(version.testResponse, [], 0);
  // Report the outermost personal path only ("customer.address", not also "customer.address.city").
  const personalPaths = [...personal].filter((p) => ![...personal].some((q) => q !== p && p.startsWith(`${q}.`)));
  return { personal: personalPaths, sensitive: [...sensitive].map(([path, kind]) => ({ path, kind })) };
}

// --- acknowledgement -------------------------------------------------------

export interface StoredAcknowledgement {
  acknowledged_at: string;
  acknowledged_by_admin_id: string | null;
  api_token_id: string | null;
  findings: { code: FindingCode; field: string | null; message: string }[];
}

const keyOf = (f: { code: string; field?: string | null | undefined }) => `${f.code}:${f.field ?? ''}`;

export function readAcknowledgement(connector: Pick<DataConnector, 'securityAcknowledgement'>): StoredAcknowledgement | null {
  const value = connector.securityAcknowledgement;
  if (!isPlainObject(value) || !Array.isArray(value.findings)) return null;
  return value as unknown as StoredAcknowledgement;
}

export function unacknowledgedHighFindings(findings: SecurityFinding[], acknowledgement: StoredAcknowledgement | null): SecurityFinding[] {
  const acknowledged = new Set((acknowledgement?.findings ?? []).map(keyOf));
  return findings.filter((f) => f.severity === 'high' && !acknowledged.has(keyOf(f)));
}

export function acknowledgementRecord(findings: SecurityFinding[], actor: Actor & { tokenId?: number | null }, now: Date): StoredAcknowledgement {
  return {
    acknowledged_at: now.toISOString(),
    acknowledged_by_admin_id: actor.adminId === null ? null : String(actor.adminId),
    api_token_id: actor.tokenId == null ? null : String(actor.tokenId),
    findings: findings.filter((f) => f.severity === 'high').map((f) => ({ code: f.code, field: f.field ?? null, message: f.message })),
  };
}

export function acknowledgementRequired(pending: SecurityFinding[]): AppError {
  return new AppError(
    422,
    pending.map((f) => ({
      code: 'security_acknowledgement_required',
      field: 'security_acknowledgement',
      message: `Unresolved high-severity security finding ${f.code}${f.field ? ` (${f.field})` : ''}: ${f.message} Resolve it, or set it live with "security_acknowledgement": true.`,
    })),
  );
}

// --- running the check -----------------------------------------------------

export interface SecurityCheckDeps {
  db: Db;
  secrets: SecretBox;
  hostLookup?: HostLookup | undefined;
  http?: { agent: { allowList: TargetAllowList } } | undefined;
  now?: (() => Date) | undefined;
}

type CheckDb = Pick<Db, 'customAttributeDefinition' | 'workspace'>;

export async function findingsFor(
  db: CheckDb,
  deps: Pick<SecurityCheckDeps, 'secrets' | 'http'>,
  workspaceId: number,
  version: DataConnectorVersion,
  target: ResolvedTarget | null,
): Promise<SecurityFinding[]> {
  const [attributeDefinitions, workspace] = await Promise.all([
    db.customAttributeDefinition.findMany({ where: { workspaceId }, select: { target: true, name: true, protected: true } }),
    db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { identityVerificationEnforced: true } }),
  ]);
  // A target resolved for another URL (the draft changed meanwhile) says nothing about this one.
  const host = parseTemplateUrl(version.url)?.hostname;
  return collectSecurityFindings({
    version,
    headers: readDecryptedHeaders(version, deps.secrets),
    attributeDefinitions,
    identityVerificationEnforced: workspace.identityVerificationEnforced,
    target: target && host !== undefined && normaliseTargetHost(host) === target.host ? target : null,
    allowList: deps.http?.agent.allowList ?? EMPTY_ALLOW_LIST,
  });
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

// POST /data_connectors/{id}/security_check: the draft, as it would be set live.
export async function runSecurityCheck(deps: SecurityCheckDeps, actor: Actor, connectorId: string) {
  const { connector, draft } = await loadConnector(deps.db, actor.workspaceId, connectorId);
  const target = await resolveTarget(draft.url, deps.hostLookup);
  const findings = (await findingsFor(deps.db, deps, actor.workspaceId, draft, target)).sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const acknowledgement = readAcknowledgement(connector);
  const pending = new Set(unacknowledgedHighFindings(findings, acknowledgement).map(keyOf));
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return {
    type: 'data_connector.security_check' as const,
    data_connector_id: String(connector.id),
    checked_at: (deps.now?.() ?? new Date()).toISOString(),
    passed: findings.every((f) => f.severity !== 'high'),
    requires_acknowledgement: pending.size > 0,
    summary: { high: count('high'), medium: count('medium'), low: count('low') },
    findings: findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      recommendation: f.recommendation,
      field: f.field ?? null,
      acknowledged: f.severity === 'high' && !pending.has(keyOf(f)),
    })),
    acknowledgement,
  };
}
