import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';

describe('SMTP_URL and SMTP_FROM', () => {
  it('are unset by default (email goes to the outbox)', () => {
    expect(loadConfig({})).toMatchObject({ smtpUrl: undefined, smtpFrom: undefined });
    expect(loadConfig({ SMTP_URL: '', SMTP_FROM: '' })).toMatchObject({ smtpUrl: undefined, smtpFrom: undefined });
  });

  it('are read together', () => {
    const config = loadConfig({ SMTP_URL: 'smtps://user:pa%40ss@smtp.example.com:465', SMTP_FROM: 'Acme Support <support@acme.test>' });
    expect(config).toMatchObject({ smtpUrl: 'smtps://user:pa%40ss@smtp.example.com:465', smtpFrom: 'Acme Support <support@acme.test>' });
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', SMTP_FROM: 'support@acme.test' }).smtpFrom).toBe('support@acme.test');
  });

  it('name what is wrong without echoing the URL, which holds credentials', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://u:hunter2@smtp.example.com' })).toThrow(/SMTP_FROM: is required when SMTP_URL is set/);
    const bad = (() => {
      try {
        loadConfig({ SMTP_URL: 'https://u:hunter2@smtp.example.com', SMTP_FROM: 'a@b.test' });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(bad).toContain('SMTP_URL: must be an smtp:// or smtps:// URL');
    expect(bad).not.toContain('hunter2');
    expect(() => loadConfig({ SMTP_FROM: 'not an address' })).toThrow(/SMTP_FROM: must be an address/);
  });
});
