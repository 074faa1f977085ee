import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Db } from '../db/client.ts';
import type { Prisma } from '../db/generated/sqlite/client.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { demoConnectors } from './demo-connectors.ts';

export interface DemoCredentials {
  workspaceId: number;
  accounts: { email: string; password: string; role: 'admin' | 'agent' }[];
}

const newPassword = () => randomBytes(12).toString('base64url');

const minutesAgo = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

// Seeds a demo workspace on an empty database and returns the sign-in details
// (passwords exist only in this return value). Returns null when any workspace
// exists already, so it never seeds twice.
export async function seedDemo(db: Db, secrets: SecretBox, options: { demoApiBaseUrl: string; now?: Date }): Promise<DemoCredentials | null> {
  // Every start comes here: a seeded database answers before any password is hashed.
  if ((await db.workspace.count()) > 0) return null;
  const now = options.now ?? new Date();
  const accounts = [
    { email: 'admin@patchbay.local', name: 'Alex Admin', role: 'admin' as const, password: newPassword() },
    { email: 'agent@patchbay.local', name: 'Sam Agent', role: 'agent' as const, password: newPassword() },
  ];
  const hashes = await Promise.all(accounts.map((a) => hash(a.password)));

  // Hashing stays outside the transaction; the count is taken again inside it for a concurrent start.
  return db.$transaction(async (tx) => {
    if ((await tx.workspace.count()) > 0) return null;
    const workspace = await tx.workspace.create({ data: { name: 'Acme Support (demo)' } });
    const workspaceId = workspace.id;
    const [admin] = await Promise.all(
      accounts.map((a, i) => tx.admin.create({ data: { workspaceId, email: a.email, name: a.name, role: a.role, passwordHash: hashes[i]! } })),
    );

    await tx.customAttributeDefinition.createMany({
      data: [
        { workspaceId, target: 'contact', name: 'account_id', label: 'Account ID', type: 'string', protected: true },
        { workspaceId, target: 'contact', name: 'plan', label: 'Plan', type: 'string' },
        { workspaceId, target: 'contact', name: 'outstanding_balance', label: 'Outstanding balance', type: 'decimal' },
        { workspaceId, target: 'contact', name: 'customer_since', label: 'Customer since', type: 'datetime' },
        { workspaceId, target: 'conversation', name: 'order_id', label: 'Order ID', type: 'string' },
        { workspaceId, target: 'conversation', name: 'order_status', label: 'Order status', type: 'string' },
      ],
    });

    const company = await tx.company.create({ data: { workspaceId, externalId: 'co_globex', name: 'Globex Corporation', customAttributes: { tier: 'enterprise' } } });
    const contact = (externalId: string | null, name: string, email: string | null, role: 'user' | 'lead', attrs: Prisma.InputJsonObject, companyId?: number) =>
      tx.contact.create({ data: { workspaceId, externalId, name, email, role, customAttributes: attrs, companyId: companyId ?? null, lastSeenAt: minutesAgo(now, 5) } });
    const maria = await contact('u_1001', 'Maria Gomez', 'maria@example.com', 'user', { account_id: 'acct_1001', plan: 'Pro', customer_since: '2023-04-12T00:00:00Z' }, company.id);
    const li = await contact('u_1002', 'Li Wei', 'li.wei@example.com', 'user', { account_id: 'acct_1002', plan: 'Starter', customer_since: '2024-09-01T00:00:00Z' });
    const jon = await contact('u_1003', 'Jon Okafor', 'jon@example.org', 'user', { account_id: 'acct_1003', plan: 'Business' }, company.id);
    const lead = await contact(null, 'Website visitor', null, 'lead', {});

    const conversation = async (contactId: number, title: string, attrs: Prisma.InputJsonObject, parts: [('customer' | 'admin' | 'bot'), string, 'comment' | 'note'][], startedMinutesAgo: number) => {
      const created = await tx.conversation.create({
        data: { workspaceId, contactId, title, customAttributes: attrs, createdAt: minutesAgo(now, startedMinutesAgo), lastActivityAt: minutesAgo(now, startedMinutesAgo - parts.length) },
      });
      await tx.conversationPart.createMany({
        data: parts.map(([authorType, body, partType], i) => ({
          conversationId: created.id,
          authorType,
          authorAdminId: authorType === 'admin' ? admin!.id : null,
          partType,
          body,
          createdAt: minutesAgo(now, startedMinutesAgo - i),
        })),
      });
    };
    await conversation(maria.id, 'Do I owe anything?', {}, [
      ['customer', 'Hi! Do I owe anything on my account? I thought my last invoice was paid.', 'comment'],
      ['bot', 'Let me check that for you.', 'comment'],
      ['customer', 'Thanks, it was the invoice from last month.', 'comment'],
    ], 40);
    await conversation(li.id, 'Where is my order?', { order_id: 'ORD-5521' }, [
      ['customer', 'My order ORD-5521 was supposed to arrive yesterday. Any news?', 'comment'],
      ['admin', 'Sorry about the wait! Checking with the carrier now.', 'comment'],
      ['admin', 'Carrier portal is slow today; try the order lookup connector.', 'note'],
    ], 25);
    await conversation(jon.id, 'Refund for duplicate charge', {}, [
      ['customer', 'I was charged twice for the Business plan this month (order ORD-7788).', 'comment'],
      ['customer', 'Can you refund one of the charges?', 'comment'],
    ], 12);
    await conversation(lead.id, 'Pricing question', {}, [['customer', 'Do you offer discounts for non-profits?', 'comment']], 3);

    for (const spec of demoConnectors(options.demoApiBaseUrl)) {
      const { live, ...version } = spec;
      const data = {
        ...version,
        headers: version.headers.map((h) => ({ name: h.name, valueEncrypted: secrets.encrypt(h.value) })),
        kind: 'draft' as const,
        updatedByAdminId: admin!.id,
      };
      await tx.dataConnector.create({
        data: {
          workspaceId,
          state: live ? 'live' : 'draft',
          createdByAdminId: admin!.id,
          publishedAt: live ? now : null,
          versions: { create: live ? [data, { ...data, kind: 'live' as const }] : [data] },
        },
      });
    }
    return { workspaceId, accounts: accounts.map(({ email, password, role }) => ({ email, password, role })) };
  });
}
