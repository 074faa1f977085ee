import type { Db } from '../db/client.ts';
import type { ErrorItem } from '../http/app-error.ts';
import type { DataInput, ObjectMapping } from './connector-input.ts';
import { explainUnknownVariable, findPlaceholders, hasUnbalancedBraces, replacePlaceholders, type KnownVariables } from './template-variables.ts';

export interface ConnectorReferences {
  url: string | null;
  body: string | null;
  headers: { name: string; value: string }[];
  dataInputs: DataInput[];
  objectMappings: ObjectMapping[];
  tokenIds: string[];
}

async function loadKnownVariables(db: Pick<Db, 'customAttributeDefinition'>, workspaceId: number, dataInputs: DataInput[]): Promise<KnownVariables> {
  const definitions = await db.customAttributeDefinition.findMany({ where: { workspaceId }, select: { target: true, name: true } });
  const of = (target: string) => new Set(definitions.filter((d) => d.target === target).map((d) => d.name));
  return {
    dataInputs: new Set(dataInputs.map((i) => i.name)),
    customAttributes: { contact: of('contact'), conversation: of('conversation'), company: of('company') },
  };
}

function checkTemplate(field: string, text: string | null, known: KnownVariables, errors: ErrorItem[]) {
  if (!text) return;
  if (hasUnbalancedBraces(text)) errors.push({ code: 'parameter_invalid', field, message: `${field}: has an unclosed {{ or a stray }}` });
  for (const name of new Set(findPlaceholders(text))) {
    const problem = explainUnknownVariable(name, known);
    if (problem) errors.push({ code: 'parameter_invalid', field, message: `${field}: ${problem}` });
  }
}

function checkUrl(url: string | null, errors: ErrorItem[]) {
  if (!url) return;
  let parsed: URL;
  try {
    // Placeholders are filled with URL-encoded values at run time; any letter stands in for them here.
    parsed = new URL(replacePlaceholders(url, () => 'x'));
  } catch {
    errors.push({ code: 'parameter_invalid', field: 'url', message: 'url: must be an absolute http:// or https:// URL ({{variables}} are allowed)' });
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    errors.push({ code: 'parameter_invalid', field: 'url', message: `url: scheme "${parsed.protocol.replace(':', '')}" is not allowed; use https (or http for allow-listed private targets)` });
  }
}

// Checks what a connector refers to: template variables, auth tokens and the
// attributes object mappings write to. Returns every problem found.
export async function validateConnectorReferences(db: Pick<Db, 'customAttributeDefinition' | 'authToken'>, workspaceId: number, refs: ConnectorReferences): Promise<ErrorItem[]> {
  const errors: ErrorItem[] = [];
  const names = refs.dataInputs.map((i) => i.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) errors.push({ code: 'parameter_invalid', field: 'data_inputs', message: `data_inputs: the name "${duplicate}" is used twice` });

  const known = await loadKnownVariables(db, workspaceId, refs.dataInputs);
  checkUrl(refs.url, errors);
  checkTemplate('url', refs.url, known, errors);
  checkTemplate('body', refs.body, known, errors);
  refs.headers.forEach((h, i) => checkTemplate(`headers.${i}.value`, h.value, known, errors));

  if (refs.tokenIds.length > 0) {
    const found = await db.authToken.findMany({ where: { workspaceId, id: { in: refs.tokenIds.map(Number) } }, select: { id: true } });
    const foundIds = new Set(found.map((t) => String(t.id)));
    for (const id of refs.tokenIds) {
      if (!foundIds.has(id)) errors.push({ code: 'parameter_invalid', field: 'token_ids', message: `token_ids: no auth token with id ${id} in this workspace` });
    }
  }

  refs.objectMappings.forEach((mapping, i) => {
    const target = mapping.intercom_object_type === 'user' ? 'contact' : 'conversation';
    const defined = known.customAttributes[target];
    mapping.attribute_mappings.forEach((m, j) => {
      if (!defined.has(m.intercom_attribute_identifier)) {
        const field = `object_mappings.${i}.attribute_mappings.${j}.intercom_attribute_identifier`;
        errors.push({ code: 'parameter_invalid', field, message: `${field}: no ${target} attribute named "${m.intercom_attribute_identifier}" (define it as a custom attribute first)` });
      }
    });
  });
  return errors;
}
