// Reusable audiences: named rule sets that connectors target by id.
import type { Db, Prisma } from '../../db/client.ts';
import type { Audience } from '../../db/generated/sqlite/client.ts';
import { AppError, conflict, notFound } from '../../http/app-error.ts';
import { isoSeconds } from '../../http/iso-seconds.ts';
import type { Actor } from '../connector-deps.ts';
import { parseId } from '../load-connector.ts';
import type { CreateAudienceInput, UpdateAudienceInput } from './audience-input.ts';
import { checkRuleAttributes } from './audience-references.ts';
import type { AudienceGroup } from './audience-rules.ts';
import { connectorsTargetingAudience } from './connector-audience.ts';

export function audienceView(audience: Audience) {
  return {
    type: 'audience' as const,
    id: String(audience.id),
    name: audience.name,
    description: audience.description,
    rules: audience.rules as AudienceGroup,
    created_at: isoSeconds(audience.createdAt),
    updated_at: isoSeconds(audience.updatedAt),
  };
}

const audienceNotFound = () => notFound('audience_not_found', 'Audience not found');
const nameTaken = (name: string) => new AppError(422, { code: 'parameter_invalid', field: 'name', message: `name: an audience named "${name}" already exists` });

async function findAudience(db: Pick<Db, 'audience'>, workspaceId: number, id: string): Promise<Audience> {
  const numericId = parseId(id);
  const audience = numericId === null ? null : await db.audience.findFirst({ where: { id: numericId, workspaceId } });
  if (!audience) throw audienceNotFound();
  return audience;
}

export async function listAudiences({ db }: { db: Db }, actor: Actor) {
  const audiences = await db.audience.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
  return { type: 'list' as const, data: audiences.map(audienceView) };
}

export async function getAudience({ db }: { db: Db }, actor: Actor, id: string) {
  return audienceView(await findAudience(db, actor.workspaceId, id));
}

export async function createAudience({ db }: { db: Db }, actor: Actor, input: CreateAudienceInput) {
  return db.$transaction(async (tx) => {
    const errors = await checkRuleAttributes(tx, actor.workspaceId, input.rules, 'rules');
    if (errors.length > 0) throw new AppError(422, errors);
    if (await tx.audience.findFirst({ where: { workspaceId: actor.workspaceId, name: input.name } })) throw nameTaken(input.name);
    const audience = await tx.audience.create({
      data: { workspaceId: actor.workspaceId, name: input.name, description: input.description ?? null, rules: input.rules as Prisma.InputJsonValue },
    });
    return audienceView(audience);
  });
}

export async function updateAudience({ db }: { db: Db }, actor: Actor, id: string, input: UpdateAudienceInput) {
  return db.$transaction(async (tx) => {
    const audience = await findAudience(tx, actor.workspaceId, id);
    if (input.rules) {
      const errors = await checkRuleAttributes(tx, actor.workspaceId, input.rules, 'rules');
      if (errors.length > 0) throw new AppError(422, errors);
    }
    if (input.name !== undefined && input.name !== audience.name && (await tx.audience.findFirst({ where: { workspaceId: actor.workspaceId, name: input.name } }))) {
      throw nameTaken(input.name);
    }
    const updated = await tx.audience.update({
      where: { id: audience.id },
      data: {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.rules !== undefined && { rules: input.rules as Prisma.InputJsonValue }),
      },
    });
    return audienceView(updated);
  });
}

// Refused while a connector (its draft or its live version) targets it: the
// connector would otherwise run for nobody without anyone noticing.
export async function deleteAudience({ db }: { db: Db }, actor: Actor, id: string) {
  return db.$transaction(async (tx) => {
    const audience = await findAudience(tx, actor.workspaceId, id);
    const users = await connectorsTargetingAudience(tx, actor.workspaceId, audience.id);
    if (users.length > 0) {
      throw conflict('audience_in_use', `Audience is targeted by data connector(s) ${users.map((n) => `"${n}"`).join(', ')}; change their audience first`);
    }
    await tx.audience.delete({ where: { id: audience.id } });
    return { id: String(audience.id), object: 'audience' as const, deleted: true as const };
  });
}
