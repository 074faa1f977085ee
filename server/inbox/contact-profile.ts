// The contact a conversation is with, as the inbox's sidebar shows it, and
// the custom attributes teammates edit there. Protected attributes identify
// the customer to connectors (protected-attributes.ts): only admins change them.
import type { Prisma } from '../db/generated/sqlite/client.ts';
import { changedAttributes } from '../connectors/pipeline/map-attributes.ts';
import { AppError } from '../http/app-error.ts';
import type { Principal } from '../identity/principal.ts';
import { contactJson, readAttributes, RECENT_CONVERSATIONS, type ContactJson } from './conversation-json.ts';
import { validateAttributeValues } from './custom-attribute-values.ts';
import { nowOf, type InboxDeps } from './inbox-deps.ts';
import { publishTeammateAttributeChanges } from './inbox-events.ts';
import { contactNotFound, type InboxDb } from './load-conversation.ts';

async function loadContactJson(db: InboxDb, workspaceId: number, contactId: number, now: Date): Promise<ContactJson> {
  const contact = await db.contact.findFirst({
    where: { id: contactId, workspaceId },
    include: {
      company: true,
      conversations: {
        orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
        take: RECENT_CONVERSATIONS,
        select: { id: true, title: true, state: true, snoozedUntil: true, lastActivityAt: true },
      },
    },
  });
  if (!contact) throw contactNotFound(contactId);
  const { company, conversations, ...row } = contact;
  return contactJson(row, company, conversations, now);
}

export async function getContact(deps: InboxDeps, principal: Principal, contactId: number): Promise<ContactJson> {
  return loadContactJson(deps.db, principal.workspaceId, contactId, nowOf(deps));
}

export async function updateContactAttributes(deps: InboxDeps, principal: Principal, contactId: number, attributes: Record<string, unknown>): Promise<ContactJson> {
  const { db } = deps;
  const { workspaceId } = principal;
  const now = nowOf(deps);
  if (!(await db.contact.findFirst({ where: { id: contactId, workspaceId }, select: { id: true } }))) throw contactNotFound(contactId);
  const values = await validateAttributeValues(db, workspaceId, 'contact', attributes);
  if (principal.role !== 'admin') {
    const protectedNames = await db.customAttributeDefinition.findMany({ where: { workspaceId, target: 'contact', protected: true, name: { in: Object.keys(values) } }, select: { name: true } });
    if (protectedNames.length > 0) {
      throw new AppError(
        403,
        protectedNames.map(({ name }) => ({
          code: 'forbidden',
          field: `custom_attributes.${name}`,
          message: `custom_attributes.${name}: is protected (it identifies the customer to connectors); only admins can change it`,
        })),
      );
    }
  }
  const { changes, json } = await db.$transaction(async (tx) => {
    const current = await tx.contact.findUniqueOrThrow({ where: { id: contactId }, select: { customAttributes: true } });
    const changed = changedAttributes(current.customAttributes, values);
    if (Object.keys(changed).length > 0) {
      await tx.contact.update({ where: { id: contactId }, data: { customAttributes: { ...readAttributes(current), ...changed } as Prisma.InputJsonObject } });
    }
    return { changes: changed, json: await loadContactJson(tx, workspaceId, contactId, now) };
  });
  publishTeammateAttributeChanges(deps.bus, { workspaceId, target: 'contact', id: contactId, conversationId: null, adminId: principal.adminId, changes });
  return json;
}
