// PATCH /data_connectors/{id} with revert_draft: true (the editor's "Revert draft").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/start-test-app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function create(body: Record<string, unknown>) {
  const res = await app.call('POST', '/data_connectors', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

const draftOf = async (id: string) => (await app.call('GET', '/data_connectors/{id}', { params: { id }, query: { state_version: 'draft' } })).body;

describe('revert_draft', () => {
  it('copies the live version over the draft, keeping the connector live and stored header values', async () => {
    const { id } = await create({
      name: 'Revert me',
      url: 'https://api.example.com/orders/{{order_id}}',
      headers: [{ name: 'X-Api-Key', value: 'sk_original' }],
      data_inputs: [{ name: 'order_id', type: 'string', description: 'Order', required: true }],
    });
    const live = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'live' } });
    expect(live.status, JSON.stringify(live.body)).toBe(200);
    const liveVersion = await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: Number(id), kind: 'live' } });

    const edited = await app.call('PATCH', '/data_connectors/{id}', {
      params: { id },
      body: { name: 'Edited', url: 'https://api.example.com/v2/{{ref}}', headers: [{ name: 'X-Other', value: 'changed' }], data_inputs: [{ name: 'ref', type: 'integer', description: 'Ref', required: false }] },
    });
    expect(edited.body).toMatchObject({ name: 'Edited', has_unpublished_changes: true });

    const reverted = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { revert_draft: true } });
    expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
    expect(reverted.body).toMatchObject({ name: 'Revert me', state: 'live', has_unpublished_changes: false, url: 'https://api.example.com/orders/{{order_id}}', headers: [{ name: 'X-Api-Key', value: '****' }] });
    expect(reverted.body.data_inputs).toEqual([{ name: 'order_id', type: 'string', description: 'Order', required: true, default_value: '' }]);
    const draftVersion = await app.db.dataConnectorVersion.findFirstOrThrow({ where: { dataConnectorId: Number(id), kind: 'draft' } });
    // The encrypted header value is the live one, so the secret survives without the client ever seeing it.
    expect(draftVersion.headers).toEqual(liveVersion.headers);
    expect((await draftOf(id)).name).toBe('Revert me');
  });

  it('refuses to revert a connector that was never live, changing nothing', async () => {
    const { id } = await create({ name: 'Never live', url: 'https://api.example.com/x' });
    const res = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { revert_draft: true } });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: 'revert_draft' });
    expect((await draftOf(id)).name).toBe('Never live');
  });

  it('refuses revert_draft combined with edits or a state change, and revert_draft: false', async () => {
    const { id } = await create({ name: 'Combined', url: 'https://api.example.com/x' });
    await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body: { state: 'live' } });
    for (const body of [{ revert_draft: true, name: 'Sneaky' }, { revert_draft: true, state: 'live' }, { revert_draft: false }]) {
      const res = await app.call('PATCH', '/data_connectors/{id}', { params: { id }, body });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.body.errors[0]).toMatchObject({ field: 'revert_draft' });
    }
    expect((await draftOf(id)).name).toBe('Combined');
  });
});
