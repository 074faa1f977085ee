// Macros: saved replies with ordered actions, listed the reference's way
// (listMacros / getMacro) and written through Patchbay's extensions.
import type { Db, Prisma } from '../db/client.ts';
import type { Macro } from '../db/generated/sqlite/client.ts';
import { parseId } from '../connectors/load-connector.ts';
import { AppError, invalidParameter, notFound, type ErrorItem } from '../http/app-error.ts';
import { afterCursor } from '../http/cursor.ts';
import { isoSeconds } from '../http/iso-seconds.ts';
import type { Principal } from '../identity/principal.ts';
import type { CreateMacroInput, MacroAction, UpdateMacroInput } from './macro-input.ts';
import { placeholdersToHtml } from './render-placeholders.ts';

type MacroCaller = Pick<Principal, 'workspaceId' | 'adminId'>;

export const macroNotFound = () => notFound('not_found', 'Macro not found');

const firstReply = (actions: MacroAction[]) => actions.find((a) => a.type === 'reply')?.body ?? null;

export function macroActions(macro: Pick<Macro, 'actions'>): MacroAction[] {
  return Array.isArray(macro.actions) ? (macro.actions as MacroAction[]) : [];
}

// A macro without a reply action has an empty body: the reference types body
// and body_text as (non-null) strings.
export function macroView(macro: Macro) {
  const bodyText = macro.bodyText ?? '';
  return {
    type: 'macro' as const,
    id: String(macro.id),
    name: macro.name,
    body: placeholdersToHtml(bodyText),
    body_text: bodyText,
    created_at: isoSeconds(macro.createdAt),
    updated_at: isoSeconds(macro.updatedAt),
    visible_to: macro.visibility,
    visible_to_team_ids: [] as string[],
    available_on: (Array.isArray(macro.availableOn) ? macro.availableOn : ['inbox']) as string[],
    actions: macroActions(macro),
  };
}

// 'me' macros are their owner's own: everyone else (other admins included)
// sees nothing, so they get the same 404 as for a macro that does not exist.
export const visibleTo = (caller: MacroCaller): Prisma.MacroWhereInput => ({
  workspaceId: caller.workspaceId,
  OR: [{ visibility: 'everyone' }, ...(caller.adminId === null ? [] : [{ visibility: 'me' as const, ownerAdminId: caller.adminId }])],
});

export async function findVisibleMacro(db: Pick<Db, 'macro'>, caller: MacroCaller, id: string): Promise<Macro> {
  const numericId = parseId(id);
  const macro = numericId === null ? null : await db.macro.findFirst({ where: { id: numericId, ...visibleTo(caller) } });
  if (!macro) throw macroNotFound();
  return macro;
}

// The reference's cursor: base64 of JSON [updated_at in seconds, "id"].
export function encodeMacroCursor(updatedAt: Date, id: number): string {
  return Buffer.from(JSON.stringify([updatedAt.getTime() / 1000, String(id)])).toString('base64');
}

export function decodeMacroCursor(value: string): { at: Date; id: number } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'number' && Number.isFinite(parsed[0])) {
      const id = parseId(String(parsed[1]));
      if (id !== null) return { at: new Date(Math.round(parsed[0] * 1000)), id };
    }
  } catch {
    // reported below
  }
  throw invalidParameter('starting_after', 'starting_after: not a cursor from a previous page (use pages.next.starting_after)', 400);
}

export interface ListMacrosQuery {
  perPage: number;
  startingAfter?: string | undefined;
  updatedSince?: Date | undefined;
}

export async function listMacros({ db }: { db: Db }, caller: MacroCaller, query: ListMacrosQuery) {
  const cursor = query.startingAfter ? decodeMacroCursor(query.startingAfter) : null;
  const rows = await db.macro.findMany({
    where: { AND: [visibleTo(caller), afterCursor('updatedAt', cursor), query.updatedSince ? { updatedAt: { gt: query.updatedSince } } : {}] },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: query.perPage + 1,
  });
  const data = rows.slice(0, query.perPage);
  const last = rows.length > query.perPage ? data.at(-1) : undefined;
  return {
    type: 'list' as const,
    data: data.map(macroView),
    pages: { type: 'pages' as const, per_page: query.perPage, next: last ? { starting_after: encodeMacroCursor(last.updatedAt, last.id) } : null },
  };
}

export async function getMacro({ db }: { db: Db }, caller: MacroCaller, id: string) {
  return macroView(await findVisibleMacro(db, caller, id));
}

type ReferenceDb = Pick<Db, 'dataConnector' | 'customAttributeDefinition' | 'admin'>;

// What the actions point at must exist in the workspace when the macro is
// saved; whether a connector is live is only known when the macro is applied.
export async function checkActionReferences(db: ReferenceDb, workspaceId: number, actions: MacroAction[]): Promise<ErrorItem[]> {
  const errors: ErrorItem[] = [];
  const error = (field: string, message: string) => errors.push({ code: 'parameter_invalid', field, message: `${field}: ${message}` });
  const connectorIds = actions.flatMap((a) => (a.type === 'run_connector' ? [Number(a.data_connector_id)] : []));
  const adminIds = actions.flatMap((a) => (a.type === 'assign' && a.assignee_id !== null && a.assignee_id !== 'me' ? [Number(a.assignee_id)] : []));
  const [connectors, definitions, admins] = await Promise.all([
    connectorIds.length ? db.dataConnector.findMany({ where: { workspaceId, id: { in: connectorIds } }, select: { id: true } }) : [],
    actions.some((a) => a.type === 'set_attribute') ? db.customAttributeDefinition.findMany({ where: { workspaceId }, select: { target: true, name: true } }) : [],
    adminIds.length ? db.admin.findMany({ where: { workspaceId, id: { in: adminIds } }, select: { id: true } }) : [],
  ]);
  const connectorSet = new Set(connectors.map((c) => c.id));
  const adminSet = new Set(admins.map((a) => a.id));
  const defined = new Set(definitions.map((d) => `${d.target}:${d.name}`));
  actions.forEach((action, i) => {
    if (action.type === 'run_connector' && !connectorSet.has(Number(action.data_connector_id))) {
      error(`actions.${i}.data_connector_id`, `no data connector with id ${action.data_connector_id} in this workspace`);
    }
    if (action.type === 'set_attribute' && !defined.has(`${action.target}:${action.name}`)) {
      error(`actions.${i}.name`, `no ${action.target} attribute named "${action.name}" (define it as a custom attribute first)`);
    }
    if (action.type === 'assign' && action.assignee_id !== null && action.assignee_id !== 'me' && !adminSet.has(Number(action.assignee_id))) {
      error(`actions.${i}.assignee_id`, `no admin with id ${action.assignee_id} in this workspace`);
    }
  });
  return errors;
}

const noOwner = () => invalidParameter('visible_to', 'visible_to: "me" needs a caller who is an admin; this API token belongs to no admin');

export async function createMacro({ db }: { db: Db }, caller: MacroCaller, input: CreateMacroInput) {
  if (input.visible_to === 'me' && caller.adminId === null) throw noOwner();
  return db.$transaction(async (tx) => {
    const errors = await checkActionReferences(tx, caller.workspaceId, input.actions);
    if (errors.length > 0) throw new AppError(422, errors);
    const macro = await tx.macro.create({
      data: {
        workspaceId: caller.workspaceId,
        name: input.name,
        bodyText: firstReply(input.actions),
        visibility: input.visible_to,
        ownerAdminId: caller.adminId,
        availableOn: input.available_on,
        actions: input.actions as Prisma.InputJsonValue,
      },
    });
    return macroView(macro);
  });
}

export async function updateMacro({ db }: { db: Db }, caller: MacroCaller, id: string, input: UpdateMacroInput) {
  return db.$transaction(async (tx) => {
    const macro = await findVisibleMacro(tx, caller, id);
    // Making a shared macro private makes it the private macro of whoever did
    // it; otherwise it would vanish from their own list at once.
    const becomesPrivate = input.visible_to === 'me' && macro.visibility !== 'me';
    if (becomesPrivate && caller.adminId === null) throw noOwner();
    if (input.actions) {
      const errors = await checkActionReferences(tx, caller.workspaceId, input.actions);
      if (errors.length > 0) throw new AppError(422, errors);
    }
    const updated = await tx.macro.update({
      where: { id: macro.id },
      data: {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.visible_to !== undefined && { visibility: input.visible_to }),
        ...(becomesPrivate && { ownerAdminId: caller.adminId }),
        ...(input.available_on !== undefined && { availableOn: input.available_on }),
        ...(input.actions !== undefined && { actions: input.actions as Prisma.InputJsonValue, bodyText: firstReply(input.actions) }),
      },
    });
    return macroView(updated);
  });
}

export async function deleteMacro({ db }: { db: Db }, caller: MacroCaller, id: string) {
  return db.$transaction(async (tx) => {
    const macro = await findVisibleMacro(tx, caller, id);
    await tx.macro.delete({ where: { id: macro.id } });
    return { id: String(macro.id), object: 'macro' as const, deleted: true as const };
  });
}
