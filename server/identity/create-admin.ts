import { hash } from '@node-rs/argon2';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { AppError } from '../http/app-error.ts';
import { parseOrThrow } from '../http/validation.ts';

export const adminInputSchema = z.strictObject({
  email: z.email({ error: 'must be a valid email address' }).max(320).transform((e) => e.toLowerCase()),
  password: z.string().min(10, 'must be at least 10 characters').max(200),
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(['admin', 'agent']).default('admin'),
});

export async function createAdmin(db: Db, workspaceId: number, input: z.input<typeof adminInputSchema>) {
  const { email, password, name, role } = parseOrThrow(adminInputSchema, input);
  const existing = await db.admin.findUnique({ where: { email } });
  if (existing) throw new AppError(409, { code: 'conflict', message: `An admin with the email ${email} already exists`, field: 'email' });
  return db.admin.create({
    data: { workspaceId, email, name: name ?? email.split('@')[0]!, role, passwordHash: await hash(password) },
    select: { id: true, email: true, name: true, role: true },
  });
}
