import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer } from '../../../server/start-server.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'patchbay-start-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// The Python sandbox has its own suites; starting its processes here would only slow this one.
const config = () => loadConfig({ PORT: '0', HOST: '127.0.0.1', PATCHBAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PATCHBAY_SANDBOX_POOL_SIZE: '0' });

describe('starting Patchbay on a fresh data directory', () => {
  it('creates the database and key, seeds the demo once, and keeps data across restarts', async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (printed.push(String(chunk)), true));
    let first;
    try {
      first = await startServer(config(), createLogger('silent'));
    } finally {
      spy.mockRestore();
    }
    expect(fs.existsSync(path.join(dataDir, 'patchbay.db'))).toBe(true);
    expect(fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(printed.join('')).toMatch(/admin@patchbay\.local\s+password: \S{12,}/);

    const db = first.db;
    expect(await db.workspace.count()).toBe(1);
    expect(await db.contact.count({ where: { role: 'user' } })).toBeGreaterThanOrEqual(3);
    const conversations = await db.conversation.findMany({ where: { state: 'open' }, include: { parts: true } });
    expect(conversations.length).toBeGreaterThanOrEqual(3);
    expect(conversations.some((c) => c.parts.length >= 3)).toBe(true);
    const connectors = await db.dataConnector.findMany({ include: { versions: true } });
    expect(connectors.filter((c) => c.state === 'live').length).toBeGreaterThanOrEqual(2);
    const admin = await db.admin.findFirstOrThrow({ where: { email: 'admin@patchbay.local' } });
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/);

    // The sample connectors' API answers, so the demo works with no outside service.
    const balance = await fetch(`${first.url}/demo-api/accounts/acct_1001/balance`);
    expect(balance.status).toBe(200);
    expect(await balance.json()).toMatchObject({ balance_cents: 4200 });
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await db.contact.update({ where: { id: conversations[0]!.contactId }, data: { name: 'Renamed before restart' } });
    await first.close();

    const second = await startServer(config(), createLogger('silent'));
    try {
      expect(await second.db.workspace.count()).toBe(1);
      expect(await second.db.dataConnector.count()).toBe(connectors.length);
      expect(await second.db.contact.count({ where: { name: 'Renamed before restart' } })).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('refuses to start with an invalid configuration, naming the variable', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
