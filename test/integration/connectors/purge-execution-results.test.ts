import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExecutionResults } from '../../../server/connectors/purge-execution-results.ts';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

const DAY = 24 * 60 * 60 * 1000;

describe('purging execution results', () => {
  it("deletes results older than each workspace's retention and keeps the rest", async () => {
    const now = new Date('2026-11-20T12:00:00Z');
    const other = await app.db.workspace.create({ data: { name: 'Short retention', logRetentionDays: 2 } });
    const ids: Record<string, number> = {};
    for (const [workspaceId, label, ageDays] of [
      [app.workspaceId, 'default-15d', 15],
      [app.workspaceId, 'default-13d', 13],
      [other.id, 'short-3d', 3],
      [other.id, 'short-1d', 1],
    ] as const) {
      const connector = await app.db.dataConnector.create({ data: { workspaceId, versions: { create: { kind: 'draft', name: label } } } });
      const result = await app.db.executionResult.create({
        data: { workspaceId, dataConnectorId: connector.id, success: true, httpMethod: 'get', createdAt: new Date(now.getTime() - ageDays * DAY) },
      });
      ids[label] = result.id;
    }
    expect(await purgeExecutionResults(app.db, now)).toBe(2);
    const left = await app.db.executionResult.findMany({ where: { id: { in: Object.values(ids) } }, select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([ids['default-13d'], ids['short-1d']].sort());
  });
});
