import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactLoggedBody, redactSecrets, redactUrl, type RedactField } from '../../../../server/connectors/pipeline/redact.ts';
import { shapeResponse } from '../../../../server/connectors/pipeline/shape-response.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/stripe/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('redactUrl', () => {
  it('hides userinfo, every query value and the fragment, and keeps names and the path', () => {
    const url = 'https://admin:pa%40ss@api.example.com/v1/orders/42?api_key=sk_live_1&email=a%40b.c&empty=&flag&sk_bare_token#access_token=xyz';
    const redacted = redactUrl(url);
    expect(redacted).toBe('https://***@api.example.com/v1/orders/42?api_key=***&email=***&empty=***&***&***');
    for (const secret of ['admin', 'pa%40ss', 'sk_live_1', 'a%40b.c', 'flag', 'sk_bare_token', 'xyz', '#']) expect(redacted).not.toContain(secret);
    const parsed = new URL(redacted);
    expect([...parsed.searchParams.keys()]).toEqual(['api_key', 'email', 'empty', '***', '***']);
  });

  it('leaves a URL without secrets as it is, apart from normalising', () => {
    expect(redactUrl('https://api.example.com/v1/orders/42')).toBe('https://api.example.com/v1/orders/42');
    expect(redactUrl('HTTPS://API.example.com')).toBe('https://api.example.com/');
    expect(redactUrl('https://user@api.example.com/?a=1')).toBe('https://***@api.example.com/?a=***');
  });

  it.each(['not a url', '', '/relative/path?token=x', 'https://exa mple.com/'])('says %j is not a URL', (value) => {
    expect(redactUrl(value)).toBe('[invalid url]');
  });
});

describe('redactLoggedBody', () => {
  it('replaces redacted fields of a raw Stripe payment intent, by path, in a copy', () => {
    const intent = fixture('payment_intent');
    const fields: RedactField[] = [
      { path: 'client_secret', redacted: true },
      { path: 'transfer_data.destination.id', redacted: true },
      { path: 'payment_method_types', redacted: true },
      { path: 'id', redacted: false },
      { path: 'shipping.address.line1', redacted: true },
    ];
    const logged = redactLoggedBody(intent, fields) as Record<string, unknown>;
    expect(logged.client_secret).toBe('[REDACTED]');
    expect(logged.transfer_data).toEqual({ destination: { id: '[REDACTED]', object: 'account' } });
    expect(logged.payment_method_types).toBe('[REDACTED]');
    expect(logged.id).toBe('pi_1PgafyB7WZ01zgkWSjxsAJo3');
    expect(logged.shipping).toEqual({});
    expect(JSON.stringify(logged)).not.toContain('secret_Dm43xiq1k0ywrRRjDoi8y1gkM');
    expect(intent.client_secret).toBe('pi_1PgafyB7WZ01zgkWSjxsAJo3_secret_Dm43xiq1k0ywrRRjDoi8y1gkM');
    expect({ ...logged, client_secret: intent.client_secret, transfer_data: intent.transfer_data, payment_method_types: intent.payment_method_types }).toEqual(intent);
  });

  it('indexes arrays in raw paths', () => {
    const invoice = fixture('invoice');
    const logged = redactLoggedBody(invoice, [{ path: 'lines.data.0.amount', redacted: true }, { path: 'lines.data.7.amount', redacted: true }]) as {
      lines: { data: { amount: unknown; currency: unknown }[] };
    };
    expect(logged.lines.data[0]?.amount).toBe('[REDACTED]');
    expect(logged.lines.data[0]?.currency).toBe('usd');
    expect(logged.lines.data).toHaveLength((invoice.lines as { data: unknown[] }).data.length);
  });

  it('finds fields of a shaped body under their labels or nested paths', () => {
    const charge = fixture('charge');
    const fields = [
      { path: 'billing_details.name', label: 'Cardholder', selected: true, redacted: true },
      { path: 'payment_method_details.card.last4', selected: true, redacted: true },
      { path: 'payment_method_details.card.brand', selected: true, redacted: false },
      { path: 'amount', selected: true, redacted: false },
      { path: 'description', label: 'amount', selected: false, redacted: true },
    ];
    const { shaped } = shapeResponse(charge, { mode: 'redacted_access', fields });
    expect(shaped).toEqual({ Cardholder: 'Jenny Rosen', payment_method_details: { card: { last4: '4242', brand: 'visa' } }, amount: 100 });
    expect(redactLoggedBody(shaped, fields, 'shaped')).toEqual({
      Cardholder: '[REDACTED]',
      payment_method_details: { card: { last4: '[REDACTED]', brand: 'visa' } },
      amount: 100,
    });
    // The same fields read as raw paths miss the label and hit the real path.
    expect(redactLoggedBody(shaped, fields, 'raw')).toEqual({ Cardholder: 'Jenny Rosen', payment_method_details: { card: { last4: '[REDACTED]', brand: 'visa' } }, amount: 100 });
  });

  it('keeps a "__proto__" key as data while copying', () => {
    const data = JSON.parse('{"__proto__": {"token": "t"}, "other": 1}') as unknown;
    const logged = redactLoggedBody(data, [{ path: 'other', redacted: true }]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(logged)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(logged, '__proto__')?.value).toEqual({ token: 't' });
    expect(logged.other).toBe('[REDACTED]');
  });
});

describe('redactSecrets', () => {
  it('removes a secret and its URL-encoded, form-encoded and JSON-escaped forms', () => {
    const secret = 'p@ss/w0rd+"x y\\z';
    const text = [
      `raw=${secret}`,
      `url=${encodeURIComponent(secret)}`,
      `lower=${encodeURIComponent(secret).toLowerCase()}`,
      `form=${new URLSearchParams({ a: secret }).toString().slice(2)}`,
      `json=${JSON.stringify({ password: secret })}`,
    ].join('\n');
    expect(redactSecrets(text, [secret])).toBe(['raw=[REDACTED]', 'url=[REDACTED]', 'lower=[REDACTED]', 'form=[REDACTED]', 'json={"password":"[REDACTED]"}'].join('\n'));
  });

  it('removes base64 forms, standard and URL-safe', () => {
    const secret = 'sk_live_51HxYz>>??';
    const b64 = Buffer.from(secret).toString('base64');
    const b64url = Buffer.from(secret).toString('base64url');
    expect(redactSecrets(`a ${b64} b ${b64url} c`, [secret])).toBe('a [REDACTED] b [REDACTED] c');
  });

  it.each(['a', 'al', 'ali', 'alic', 'alice'])('hides the password inside Basic auth for user %j, whatever its alignment', (user) => {
    const password = 's3cr3t-passw0rd';
    const header = `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const redacted = redactSecrets(header, [password]);
    expect(redacted).toContain('[REDACTED]');
    // What is left of the base64 may hold the user and a few bits at the edges, never the password.
    const leftover = redacted.replace('Authorization: Basic ', '').split('[REDACTED]');
    for (const piece of leftover) expect(Buffer.from(piece, 'base64').toString('latin1')).not.toMatch(/s3c|0rd|pass/);
    expect(leftover.join('').length).toBeLessThanOrEqual(Math.ceil(((user.length + 1) * 8) / 6) + 4);
  });

  it('matches base64("user:password") whole when both are secrets, even short ones', () => {
    const header = `Basic ${Buffer.from('root:toor').toString('base64')}`;
    expect(redactSecrets(header, ['root', 'toor'])).toBe('Basic [REDACTED]');
  });

  it('replaces the longest secret first and never re-matches a replacement', () => {
    expect(redactSecrets('xx abcdefgh yy abcd zz', ['abcd', 'abcdefgh'])).toBe('xx [REDACTED] yy [REDACTED] zz');
    expect(redactSecrets('token REDACTED here', ['REDACTED'])).toBe('token [REDACTED] here');
  });

  it('ignores secrets shorter than 4 characters and treats secrets literally', () => {
    expect(redactSecrets('id=abc and 42', ['abc', '42', ''])).toBe('id=abc and 42');
    expect(redactSecrets('a.b*c aXbbc a.b*c', ['a.b*c'])).toBe('[REDACTED] aXbbc [REDACTED]');
    expect(redactSecrets('nothing to hide', [])).toBe('nothing to hide');
  });

  it('redacts a token inside a logged request line', () => {
    const token = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
    const line = `GET https://api.example.com/repos?access_token=${token} Authorization: Bearer ${token} body={"t":"${token}"}`;
    const out = redactSecrets(line, [token]);
    expect(out).not.toContain(token);
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(3);
  });
});
