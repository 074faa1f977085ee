import type { Db } from '../db/client.ts';

export interface ConnectorUsage {
  kind: 'macro' | 'workflow';
  id: number;
  name: string;
}

const refersTo = (steps: unknown, connectorId: string) =>
  Array.isArray(steps) &&
  steps.some((s) => typeof s === 'object' && s !== null && String((s as Record<string, unknown>).data_connector_id) === connectorId);

// Macros and workflows whose actions trigger this connector. Actions are JSON,
// so they are scanned here rather than joined.
export async function findConnectorUsages(db: Pick<Db, 'macro' | 'workflow'>, workspaceId: number, connectorId: number): Promise<ConnectorUsage[]> {
  const id = String(connectorId);
  const [macros, workflows] = await Promise.all([
    db.macro.findMany({ where: { workspaceId }, select: { id: true, name: true, actions: true } }),
    db.workflow.findMany({ where: { workspaceId }, select: { id: true, name: true, steps: true } }),
  ]);
  return [
    ...macros.filter((m) => refersTo(m.actions, id)).map((m) => ({ kind: 'macro' as const, id: m.id, name: m.name })),
    ...workflows.filter((w) => refersTo(w.steps, id)).map((w) => ({ kind: 'workflow' as const, id: w.id, name: w.name })),
  ];
}

export function describeUsages(usages: ConnectorUsage[]): string {
  return usages.map((u) => `${u.kind} "${u.name}"`).join(', ');
}
