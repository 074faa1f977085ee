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

const NO_WRITES: AttributeWrites = { contact: {}, conversation: {}, skipped: [] };

export async function writeExecutionResult(
  db: Db,
  record: ExecutionRecord,
  writes: AttributeWrites = NO_WRITES,
  targets: { contactId: number | null; conversationId: number | null } = { contactId: null, conversationId: null },
): Promise<WrittenExecution> {
  return db.$transaction(async (tx) => {
    let contactChanges: Record<string, AttributeValue> = {};
    let conversationChanges: Record<string, AttributeValue> = {};
    if (targets.contactId !== null && Object.keys(writes.contact).length > 0) {
      const contact = await tx.contact.findUniqueOrThrow({ where: { id: targets.contactId }, select: { customAttributes: true } });
      contactChanges = changedAttributes(contact.customAttributes, writes.contact);
      if (Object.keys(contactChanges).length > 0) {
        await tx.contact.update({ where: { id: targets.contactId }, data: { customAttributes: { ...(contact.customAttributes as object), ...contactChanges } } });
      }
    }
    if (targets.conversationId !== null && Object.keys(writes.conversation).length > 0) {
      const conversation = await tx.conversation.findUniqueOrThrow({ where: { id: targets.conversationId }, select: { customAttributes: true } });
      conversationChanges = changedAttributes(conversation.customAttributes, writes.conversation);
      if (Object.keys(conversationChanges).length > 0) {
        await tx.conversation.update({ where: { id: targets.conversationId }, data: { customAttributes: { ...(conversation.customAttributes as object), ...conversationChanges } } });
      }
    }
    const result = await tx.executionResult.create({ data: record, select: { id: true } });
    return { executionResultId: result.id, contactChanges, conversationChanges };
  });
}
