// One execution result per run, written in the same transaction as the
// attributes its object mappings change, so the log and the data never disagree.
import type { Db } from '../../db/client.ts';
import type { Prisma } from '../../db/generated/sqlite/client.ts';
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
    const result = await db.executionResult.create({ data: record, select: { id: true } });
    return { executionResultId: result.id, contactChanges, conversationChanges };
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
    const result = await tx.executionResult.create({ data: record, select: { id: true } });
    return { executionResultId: result.id, contactChanges, conversationChanges };
  });
}
