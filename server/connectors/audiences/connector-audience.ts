// Who a connector is for. Two layers, both checked by the gate:
// - `audiences` (the reference's field): the contact roles it targets
//   (users, leads, visitors); an empty list restricts nothing;
// - `audience_mode` (Patchbay extension): everyone, one or more reusable
//   audiences (the contact must be in at least one), or a custom rule set.
//   A connector targets reusable audiences or custom rules, never both.
import type { Db } from '../../db/client.ts';
import type { DataConnectorVersion } from '../../db/generated/sqlite/client.ts';
import { AppError, type ErrorItem } from '../../http/app-error.ts';
import { isPlainObject } from '../pipeline/own-json.ts';
import { checkRuleAttributes } from './audience-references.ts';
import type { AudienceGroup } from './audience-rules.ts';
import { matchesAudience, type AudienceSubject } from './matches-audience.ts';

export const AUDIENCE_MODES = ['everyone', 'audiences', 'custom'] as const;
export type AudienceModeValue = (typeof AUDIENCE_MODES)[number];

type AudienceColumns = Pick<DataConnectorVersion, 'audienceMode' | 'audienceIds' | 'audienceRules' | 'audiences'>;

export const readAudienceIds = (v: Pick<DataConnectorVersion, 'audienceIds'>): string[] => (Array.isArray(v.audienceIds) ? v.audienceIds.map(String) : []);
export const readAudienceRules = (v: Pick<DataConnectorVersion, 'audienceRules'>): AudienceGroup | null =>
  isPlainObject(v.audienceRules) ? (v.audienceRules as AudienceGroup) : null;
export const readRoleAudiences = (v: Pick<DataConnectorVersion, 'audiences'>): string[] => (Array.isArray(v.audiences) ? v.audiences.map(String) : []);

export interface ConnectorAudienceInput {
  audience_mode?: AudienceModeValue | undefined;
  audience_ids?: string[] | undefined;
  audience_rules?: AudienceGroup | null | undefined;
}

const notBoth = (field: string): ErrorItem => ({
  code: 'parameter_invalid',
  field,
  message: `${field}: a connector targets reusable audiences (audience_ids) or a custom audience (audience_rules), not both`,
});

// The audience columns after an API body, or undefined when the body does not
// touch them. Throws 422 naming each conflict.
export function resolveConnectorAudience(
  input: ConnectorAudienceInput,
  current: Pick<AudienceColumns, 'audienceMode' | 'audienceIds' | 'audienceRules'> | undefined,
): { audienceMode: AudienceModeValue; audienceIds: string[]; audienceRules: AudienceGroup | null } | undefined {
  const { audience_mode: explicit, audience_ids: ids, audience_rules: rules } = input;
  if (explicit === undefined && ids === undefined && rules === undefined) return undefined;
  const errors: ErrorItem[] = [];
  const hasIds = ids !== undefined && ids.length > 0;
  const hasRules = rules !== undefined && rules !== null;
  let mode: AudienceModeValue;
  if (explicit !== undefined) mode = explicit;
  else if (hasIds && hasRules) throw new AppError(422, notBoth('audience_rules'));
  else if (hasIds) mode = 'audiences';
  else if (hasRules) mode = 'custom';
  else mode = current?.audienceMode ?? 'everyone';

  let result: { audienceMode: AudienceModeValue; audienceIds: string[]; audienceRules: AudienceGroup | null };
  switch (mode) {
    case 'everyone':
      if (hasIds) errors.push({ code: 'parameter_invalid', field: 'audience_ids', message: 'audience_ids: only apply with audience_mode "audiences"' });
      if (hasRules) errors.push({ code: 'parameter_invalid', field: 'audience_rules', message: 'audience_rules: only apply with audience_mode "custom"' });
      result = { audienceMode: 'everyone', audienceIds: [], audienceRules: null };
      break;
    case 'audiences': {
      if (hasRules) errors.push(notBoth('audience_rules'));
      const chosen = ids ?? (current ? readAudienceIds(current) : []);
      if (chosen.length === 0) errors.push({ code: 'parameter_invalid', field: 'audience_ids', message: 'audience_ids: choose at least one audience for audience_mode "audiences"' });
      result = { audienceMode: 'audiences', audienceIds: [...new Set(chosen)], audienceRules: null };
      break;
    }
    case 'custom': {
      if (hasIds) errors.push(notBoth('audience_ids'));
      const chosen = rules !== undefined ? rules : current ? readAudienceRules(current) : null;
      if (!chosen) errors.push({ code: 'parameter_invalid', field: 'audience_rules', message: 'audience_rules: audience_mode "custom" needs rules, like { "all": [{ "type": "role", "operator": "equals", "value": "user" }] }' });
      result = { audienceMode: 'custom', audienceIds: [], audienceRules: chosen };
      break;
    }
  }
  if (errors.length > 0) throw new AppError(422, errors);
  return result;
}

// Audience ids that are not this workspace's, and rule attributes it lacks.
export async function checkConnectorAudienceReferences(
  db: Pick<Db, 'audience' | 'customAttributeDefinition'>,
  workspaceId: number,
  resolved: { audienceIds: string[]; audienceRules: AudienceGroup | null },
): Promise<ErrorItem[]> {
  const errors: ErrorItem[] = [];
  if (resolved.audienceIds.length > 0) {
    const found = await db.audience.findMany({ where: { workspaceId, id: { in: resolved.audienceIds.map(Number) } }, select: { id: true } });
    const foundIds = new Set(found.map((a) => String(a.id)));
    for (const id of resolved.audienceIds) {
      if (!foundIds.has(id)) errors.push({ code: 'parameter_invalid', field: 'audience_ids', message: `audience_ids: no audience with id ${id} in this workspace` });
    }
  }
  if (resolved.audienceRules) errors.push(...(await checkRuleAttributes(db, workspaceId, resolved.audienceRules, 'audience_rules')));
  return errors;
}

// Names of connectors whose draft or live version targets the audience.
export async function connectorsTargetingAudience(db: Pick<Db, 'dataConnectorVersion'>, workspaceId: number, audienceId: number): Promise<string[]> {
  const versions = await db.dataConnectorVersion.findMany({
    where: { audienceMode: 'audiences', dataConnector: { workspaceId } },
    select: { name: true, audienceIds: true },
  });
  return [...new Set(versions.filter((v) => readAudienceIds(v).includes(String(audienceId))).map((v) => v.name))];
}

const ROLE_AUDIENCE = { user: 'users', lead: 'leads', visitor: 'visitors' } as const;

// Loads the reusable audiences a set of versions target, once.
export async function loadTargetedAudiences(db: Pick<Db, 'audience'>, workspaceId: number, versions: Pick<DataConnectorVersion, 'audienceMode' | 'audienceIds'>[]): Promise<Map<string, AudienceGroup>> {
  const ids = [...new Set(versions.filter((v) => v.audienceMode === 'audiences').flatMap(readAudienceIds))].map(Number).filter(Number.isSafeInteger);
  if (ids.length === 0) return new Map();
  const rows = await db.audience.findMany({ where: { workspaceId, id: { in: ids } }, select: { id: true, rules: true } });
  return new Map(rows.map((r) => [String(r.id), r.rules as AudienceGroup]));
}

// Why the subject is outside the connector's audience, or null when inside.
export function audienceRefusal(version: AudienceColumns & Pick<DataConnectorVersion, 'name'>, subject: AudienceSubject, audiences: Map<string, AudienceGroup>, now: Date): string | null {
  const roles = readRoleAudiences(version);
  if (roles.length > 0 && !roles.includes(ROLE_AUDIENCE[subject.role])) {
    return `"${version.name}" is only available to ${roles.join(' and ')}; this contact is a ${subject.role}`;
  }
  switch (version.audienceMode) {
    case 'everyone':
      return null;
    case 'audiences': {
      const targeted = readAudienceIds(version).map((id) => audiences.get(id)).filter((rules): rules is AudienceGroup => rules !== undefined);
      return targeted.some((rules) => matchesAudience(rules, subject, now)) ? null : `this contact is not in the audience of "${version.name}"`;
    }
    case 'custom': {
      const rules = readAudienceRules(version);
      // Custom mode without rules cannot be saved; a row that has it anyway matches nobody.
      return rules && matchesAudience(rules, subject, now) ? null : `this contact is not in the audience of "${version.name}"`;
    }
  }
}
