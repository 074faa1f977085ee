// Custom attribute definitions: which attributes contacts, conversations and
// companies may carry, their types, and which are protected (writable only by
// a verified JWT or the admin API).
import type { Db, Prisma } from '../db/client.ts';
import type { AttributeTarget, CustomAttributeDefinition } from '../db/generated/sqlite/client.ts';
import { STANDARD_CONTEXT_VARIABLES } from '../connectors/template-variables.ts';
import type { Actor } from '../connectors/connector-deps.ts';
import { parseId } from '../connectors/load-connector.ts';
import { isPlainObject } from '../connectors/pipeline/own-json.ts';
import { AppError, notFound } from '../http/app-error.ts';
import { isoSeconds } from '../http/iso-seconds.ts';
import type { CreateAttributeDefinitionInput, UpdateAttributeDefinitionInput } from './attribute-definition-input.ts';

type DefinitionDb = Pick<Db, 'customAttributeDefinition' | 'contact' | 'conversation' | 'company'>;

export function attributeDefinitionView(d: CustomAttributeDefinition) {
  return {
    type: 'custom_attribute_definition' as const,
    id: String(d.id),
    target: d.target,
    name: d.name,
    label: d.label,
    description: d.description,
    data_type: d.type,
    protected: d.protected,
    created_at: isoSeconds(d.createdAt),
    updated_at: isoSeconds(d.updatedAt),
  };
}

const TARGET_ORDER: Record<AttributeTarget, number> = { contact: 0, conversation: 1, company: 2 };
// Templates read contact attributes as user.*; a custom attribute with a
// standard name would be shadowed there.
const STANDARD_NAMES: Record<AttributeTarget, readonly string[]> = {
  contact: STANDARD_CONTEXT_VARIABLES.user,
  conversation: STANDARD_CONTEXT_VARIABLES.conversation,
  company: STANDARD_CONTEXT_VARIABLES.company,
};
const PLURAL: Record<AttributeTarget, string> = { contact: 'contacts', conversation: 'conversations', company: 'companies' };

const definitionNotFound = () => notFound('custom_attribute_definition_not_found', 'Custom attribute definition not found');

async function findDefinition(db: Pick<Db, 'customAttributeDefinition'>, workspaceId: number, id: string) {
  const numericId = parseId(id);
  const definition = numericId === null ? null : await db.customAttributeDefinition.findFirst({ where: { id: numericId, workspaceId } });
  if (!definition) throw definitionNotFound();
  return definition;
}

const BATCH = 500;

// Attribute values live in JSON columns, scanned in id order batches (JSON
// path filters differ between SQLite and PostgreSQL).
async function forEachRecordAttributes(
  db: DefinitionDb,
  workspaceId: number,
  target: AttributeTarget,
  visit: (id: number, attributes: Record<string, unknown>) => Promise<void> | void,
): Promise<void> {
  let after = 0;
  for (;;) {
    const args = { where: { workspaceId, id: { gt: after } }, select: { id: true, customAttributes: true }, orderBy: { id: 'asc' as const }, take: BATCH };
    const rows =
      target === 'contact' ? await db.contact.findMany(args)
      : target === 'conversation' ? await db.conversation.findMany(args)
      : await db.company.findMany(args);
    for (const row of rows) if (isPlainObject(row.customAttributes)) await visit(row.id, row.customAttributes as Record<string, unknown>);
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) return;
    after = last.id;
  }
}

export async function countAttributeValues(db: DefinitionDb, workspaceId: number, target: AttributeTarget, name: string): Promise<number> {
  let count = 0;
  await forEachRecordAttributes(db, workspaceId, target, (_id, attributes) => {
    if (Object.hasOwn(attributes, name) && attributes[name] !== null) count += 1;
  });
  return count;
}

export async function listAttributeDefinitions({ db }: { db: Db }, actor: Actor, target?: AttributeTarget) {
  const definitions = await db.customAttributeDefinition.findMany({ where: { workspaceId: actor.workspaceId, ...(target && { target }) }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  definitions.sort((a, b) => TARGET_ORDER[a.target] - TARGET_ORDER[b.target]);
  return { type: 'list' as const, data: definitions.map(attributeDefinitionView) };
}

export async function getAttributeDefinition({ db }: { db: Db }, actor: Actor, id: string) {
  return attributeDefinitionView(await findDefinition(db, actor.workspaceId, id));
}

export async function createAttributeDefinition({ db }: { db: Db }, actor: Actor, input: CreateAttributeDefinitionInput) {
  if (STANDARD_NAMES[input.target].includes(input.name)) {
    throw new AppError(422, { code: 'parameter_invalid', field: 'name', message: `name: "${input.name}" is a standard ${input.target} attribute (standard: ${STANDARD_NAMES[input.target].join(', ')})` });
  }
  return db.$transaction(async (tx) => {
    const existing = await tx.customAttributeDefinition.findFirst({ where: { workspaceId: actor.workspaceId, target: input.target, name: input.name } });
    if (existing) {
      throw new AppError(422, { code: 'parameter_invalid', field: 'name', message: `name: a ${input.target} attribute named "${input.name}" already exists` });
    }
    const created = await tx.customAttributeDefinition.create({
      data: {
        workspaceId: actor.workspaceId,
        target: input.target,
        name: input.name,
        label: input.label || null,
        description: input.description ?? null,
        type: input.data_type ?? 'string',
        protected: input.protected ?? false,
      },
    });
    return attributeDefinitionView(created);
  });
}

// A type change is refused while any record holds a value: stored values, the
// connectors' typed mappings and audience rules were all written for the old
// type, and a silent conversion could lose data.
export async function updateAttributeDefinition({ db }: { db: Db }, actor: Actor, id: string, input: UpdateAttributeDefinitionInput) {
  return db.$transaction(async (tx) => {
    const definition = await findDefinition(tx, actor.workspaceId, id);
    if (input.data_type !== undefined && input.data_type !== definition.type) {
      const count = await countAttributeValues(tx, actor.workspaceId, definition.target, definition.name);
      if (count > 0) {
        throw new AppError(409, {
          code: 'attribute_has_values',
          field: 'data_type',
          message: `data_type: cannot change "${definition.name}" from ${definition.type} to ${input.data_type} while ${count} ${count === 1 ? definition.target : PLURAL[definition.target]} ${count === 1 ? 'has' : 'have'} a value for it; clear those values first`,
        });
      }
    }
    const updated = await tx.customAttributeDefinition.update({
      where: { id: definition.id },
      data: {
        ...(input.label !== undefined && { label: input.label || null }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.data_type !== undefined && { type: input.data_type }),
        ...(input.protected !== undefined && { protected: input.protected }),
      },
    });
    return attributeDefinitionView(updated);
  });
}

// Deleting a definition also removes its stored values: an undefined attribute
// can be neither shown, validated nor written, so the values would only linger.
export async function deleteAttributeDefinition({ db }: { db: Db }, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const definition = await findDefinition(tx, actor.workspaceId, id);
    let cleared = 0;
    await forEachRecordAttributes(tx, actor.workspaceId, definition.target, async (recordId, attributes) => {
      if (!Object.hasOwn(attributes, definition.name)) return;
      const { [definition.name]: _removed, ...rest } = attributes;
      const data = { customAttributes: rest as Prisma.InputJsonValue };
      if (definition.target === 'contact') await tx.contact.update({ where: { id: recordId }, data });
      else if (definition.target === 'conversation') await tx.conversation.update({ where: { id: recordId }, data });
      else await tx.company.update({ where: { id: recordId }, data });
      cleared += 1;
    });
    await tx.customAttributeDefinition.delete({ where: { id: definition.id } });
    return { id: String(definition.id), object: 'custom_attribute_definition' as const, deleted: true as const, values_removed: cleared };
  });
}
