// One execution result per run, written in the same transaction as the
// attributes its object mappings change, so the log and the data never disagree.
import { Prisma, type Db } from '../../db/client.ts';
import { changedAttributes, type AttributeValue, type AttributeWrites } from './map-attributes.ts';

export type ExecutionRecord = Omit<Prisma.ExecutionResultUncheckedCreateInput, 'id' | 'createdAt'>;

export interface WrittenExecution {
  executionResultId: number;
  contactChanges: Record<string, AttributeValue>;
  conversationChanges: Record<string, AttributeValue>;
}

// The records the run loaded; their attributes decide what really changes.
export interface MappingTargets {
  contact: { id: number; customAttributes: unknown } | null;
  conversation: { id: number; customAttributes: unknown } | null;
}

export async function writeExecutionResult(
  db: Db,
  record: ExecutionRecord,
  writes: AttributeWrites | undefined,
  targets: MappingTargets,
  options: { dryRun?: boolean } = {},
): Promise<WrittenExecution> {
  const contactChanges = targets.contact && writes ? changedAttributes(targets.contact.customAttributes, writes.contact) : {};
  const conversationChanges = targets.conversation && writes ? changedAttributes(targets.conversation.customAttributes, writes.conversation) : {};
  const changesContact = Object.keys(contactChanges).length > 0;
  const changesConversation = Object.keys(conversationChanges).length > 0;
  // Most runs change nothing (and dry runs must not): one insert, no transaction.
  if (options.dryRun || (!changesContact && !changesConversation)) {
    return { executionResultId: await insertExecutionResult(db, record), contactChanges, conversationChanges };
  }
  return db.$transaction(async (tx) => {
    // Re-read inside the transaction so a concurrent run's attributes are merged, not overwritten.
    if (changesContact) {
      const { id } = targets.contact!;
      const current = await tx.contact.findUniqueOrThrow({ where: { id }, select: { customAttributes: true } });
      await tx.contact.update({ where: { id }, data: { customAttributes: { ...(current.customAttributes as object), ...contactChanges } } });
    }
    if (changesConversation) {
      const { id } = targets.conversation!;
      const current = await tx.conversation.findUniqueOrThrow({ where: { id }, select: { customAttributes: true } });
      await tx.conversation.update({ where: { id }, data: { customAttributes: { ...(current.customAttributes as object), ...conversationChanges } } });
    }
    return { executionResultId: await insertExecutionResult(tx, record), contactChanges, conversationChanges };
  });
}

// The row Prisma's create would write, as one plain INSERT: once per run,
// Prisma's own work around the statement costs more than the statement.
// Column names are the field names (the model maps none), absent fields take
// their column default, PostgreSQL types the untyped parameters from the
// columns (enums included), and the SQLite adapter stores the Date as Prisma
// does (see "writes the execution result Prisma would" in
// test/integration/api/run-connector-endpoints.test.ts).
async function insertExecutionResult(db: Pick<Db, '$queryRaw'>, record: ExecutionRecord): Promise<number> {
  const fields = Object.entries(record).filter(([, value]) => value !== undefined);
  // Names become SQL identifiers: only the model's own.
  for (const [name] of fields) if (!Object.hasOwn(Prisma.ExecutionResultScalarFieldEnum, name)) throw new Error(`ExecutionResult has no column ${name}`);
  const columns = Prisma.raw([...fields.map(([name]) => name), 'createdAt'].map((name) => `"${name}"`).join(', '));
  const values = Prisma.join([...fields.map(([, value]) => value), new Date()]);
  const [row] = await db.$queryRaw<{ id: number }[]>`INSERT INTO "ExecutionResult" (${columns}) VALUES (${values}) RETURNING "id"`;
  return row!.id;
}
