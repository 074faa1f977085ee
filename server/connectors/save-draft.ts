import type { DataConnectorVersion } from '../db/generated/sqlite/client.ts';
import type { Db } from '../db/client.ts';
import { AppError } from '../http/app-error.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ConnectorFieldsInput } from './connector-input.ts';
import { checkConnectorAudienceReferences, resolveConnectorAudience } from './audiences/connector-audience.ts';
import { applyConnectorInput, type DraftChanges, readDataInputs, readDecryptedHeaders, readObjectMappings, readTokenIds } from './connector-version.ts';
import { validateConnectorReferences } from './validate-connector-references.ts';

export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

// Turns an API body into the draft's new columns, after checking everything the
// configuration refers to against what the draft will look like afterwards.
export async function prepareDraft(
  tx: Tx,
  secrets: SecretBox,
  workspaceId: number,
  input: Partial<ConnectorFieldsInput>,
  current: DataConnectorVersion | undefined,
): Promise<DraftChanges> {
  const data = applyConnectorInput(input, current, secrets);
  const pick = <T>(next: T | undefined, previous: T) => (next === undefined ? previous : next);
  const errors = await validateConnectorReferences(tx, workspaceId, {
    url: pick(input.url, current?.url ?? null),
    body: pick(input.body, current?.body ?? null),
    headers: input.headers ?? (current ? readDecryptedHeaders(current, secrets) : []),
    dataInputs: input.data_inputs ?? (current ? readDataInputs(current) : []),
    objectMappings: input.object_mappings ?? (current ? readObjectMappings(current) : []),
    tokenIds: input.token_ids ?? (current ? readTokenIds(current) : []),
  });
  const audience = resolveConnectorAudience(input, current);
  if (audience) errors.push(...(await checkConnectorAudienceReferences(tx, workspaceId, audience)));
  if (errors.length > 0) throw new AppError(422, errors);
  return data;
}
