import { describe, expect, it } from 'vitest';
import { isJsonBodyTemplate, RenderError, renderRequest, type RequestTemplate } from '../../../../server/connectors/pipeline/render-request.ts';

// Values that try to escape their slot: every one must land intact where it
// was put and nowhere else.
const HOSTILE: [string, string][] = [
  ['double quote', 'say "hi"'],
  ['single quote', "O'Brien"],
  ['backslash', 'C:\\temp\\new'],
  ['slashes', 'a/b/../../admin'],
  ['question mark', 'x?admin=true'],
  ['hash', 'x#fragment'],
  ['ampersand and equals', 'a&role=admin'],
  ['equals', 'k=v'],
  ['percent', '100% %2F %00'],
  ['plus and space', 'a+b c'],
  ['newlines', 'line1\r\nX-Injected: yes\nline3'],
  ['JSON breakout', '"}, "admin": true, "x": {"'],
  ['nested placeholder', '{{nested}}'],
  ['emoji', 'order 📦 🇫🇷'],
  ['RTL with override', 'שלום \u202Eevil\u202C عربى'],
  ['combining characters', 'e\u0301 n\u0303 Z\u0351\u0368'],
  ['at and colon', 'user@evil.com:80'],
  ['angle brackets and backtick', '<script>`x`</script>'],
];

const valuesFrom = (values: Record<string, unknown>) => (name: string) => (name === 'nested' ? 'EXPANDED' : values[name]);

function render(template: Partial<RequestTemplate>, values: Record<string, unknown>) {
  return renderRequest({ method: 'get', url: 'https://api.example.com/', headers: [], body: null, ...template }, valuesFrom(values));
}

function renderError(template: Partial<RequestTemplate>, values: Record<string, unknown>): RenderError {
  try {
    render(template, values);
  } catch (error) {
    if (error instanceof RenderError) return error;
    throw error;
  }
  throw new Error('expected a RenderError');
}

describe('renderRequest: URL', () => {
  it.each(HOSTILE)('keeps a value with %s inside its path segment', (_label, value) => {
    const { url } = render({ url: 'https://api.example.com/orders/{{v}}/items?fixed=1#top' }, { v: value });
    const parsed = new URL(url);
    expect(parsed.hostname).toBe('api.example.com');
    const segments = parsed.pathname.split('/');
    expect(segments).toHaveLength(4);
    expect(segments[1]).toBe('orders');
    expect(decodeURIComponent(segments[2] ?? '')).toBe(value);
    expect(segments[3]).toBe('items');
    expect([...parsed.searchParams]).toEqual([['fixed', '1']]);
    expect(parsed.hash).toBe('#top');
    expect(parsed.username).toBe('');
  });

  it.each(HOSTILE)('keeps a value with %s inside its query parameter', (_label, value) => {
    const { url } = render({ url: 'https://api.example.com/search?q={{v}}&fixed=1#top' }, { v: value });
    const parsed = new URL(url);
    expect(parsed.pathname).toBe('/search');
    expect([...parsed.searchParams]).toEqual([
      ['q', value],
      ['fixed', '1'],
    ]);
    expect(parsed.hash).toBe('#top');
  });

  it.each(HOSTILE)('keeps a value with %s inside the fragment', (_label, value) => {
    const { url } = render({ url: 'https://api.example.com/p?fixed=1#{{v}}' }, { v: value });
    const parsed = new URL(url);
    expect(parsed.pathname).toBe('/p');
    expect([...parsed.searchParams]).toEqual([['fixed', '1']]);
    expect(decodeURIComponent(parsed.hash.slice(1))).toBe(value);
  });

  it.each(HOSTILE)('keeps a value with %s inside the userinfo', (_label, value) => {
    const { url } = render({ url: 'https://{{v}}:{{w}}@api.example.com/p' }, { v: value, w: value });
    const parsed = new URL(url);
    expect(parsed.hostname).toBe('api.example.com');
    expect(parsed.port).toBe('');
    expect(decodeURIComponent(parsed.username)).toBe(value);
    expect(decodeURIComponent(parsed.password)).toBe(value);
    expect(parsed.pathname).toBe('/p');
  });

  it('puts numbers and booleans in as their text and missing values as nothing', () => {
    const { url } = render({ url: 'https://api.example.com/o/{{id}}?paid={{paid}}&gone={{gone}}' }, { id: 42, paid: false });
    expect(url).toBe('https://api.example.com/o/42?paid=false&gone=');
  });

  it('never expands a placeholder that arrives inside a value', () => {
    const { url } = render({ url: 'https://api.example.com/{{v}}' }, { v: '{{nested}}' });
    expect(url).not.toContain('EXPANDED');
    expect(decodeURIComponent(new URL(url).pathname.slice(1))).toBe('{{nested}}');
  });

  it.each(['.', '..'])('refuses a value that would make the path segment %j', (value) => {
    const error = renderError({ url: 'https://api.example.com/users/{{v}}/profile' }, { v: value });
    expect(error.code).toBe('value_invalid');
    expect(error.variable).toBe('v');
    expect(error.message).toContain('{{v}}');
  });

  it('refuses dots split across two placeholders in one segment, but keeps encoded dots and longer dot runs', () => {
    expect(renderError({ url: 'https://api.example.com/a/{{x}}{{y}}/b' }, { x: '.', y: '.' }).variable).toBe('x');
    const { url } = render({ url: 'https://api.example.com/a/{{x}}/{{y}}/b' }, { x: '%2e%2e', y: '...' });
    expect(new URL(url).pathname.split('/').map(decodeURIComponent)).toEqual(['', 'a', '%2e%2e', '...', 'b']);
  });

  it('replaces lone surrogates instead of failing', () => {
    const { url } = render({ url: 'https://api.example.com/{{v}}' }, { v: 'a\uD800b' });
    expect(decodeURIComponent(new URL(url).pathname.slice(1))).toBe('a\uFFFDb');
  });

  describe('host', () => {
    it('accepts one label below a written-out domain', () => {
      expect(new URL(render({ url: 'https://{{tenant}}.example.com/v1' }, { tenant: 'Acme-1' }).url).hostname).toBe('acme-1.example.com');
      expect(new URL(render({ url: 'https://api-{{region}}.example.com/' }, { region: 'eu' }).url).hostname).toBe('api-eu.example.com');
      expect(new URL(render({ url: 'https://{{a}}.{{b}}.example.co.uk/' }, { a: 'x', b: 'y' }).url).hostname).toBe('x.y.example.co.uk');
    });

    it.each([
      ['a dot', 'evil.com'],
      ['a slash', 'evil/x'],
      ['an at sign', 'me@evil'],
      ['a colon', 'evil:8080'],
      ['a question mark', 'x?y'],
      ['a hash', 'x#y'],
      ['a percent', 'x%2e'],
      ['unicode', 'bücher'],
      ['a space', 'a b'],
      ['nothing (missing value)', undefined],
    ])('refuses a host value with %s', (_label, value) => {
      const error = renderError({ url: 'https://{{tenant}}.example.com/' }, { tenant: value });
      expect(error.code).toBe('value_invalid');
      expect(error.part).toBe('url');
      expect(error.variable).toBe('tenant');
    });

    it('refuses a value that makes an invalid label', () => {
      const error = renderError({ url: 'https://{{tenant}}.example.com/' }, { tenant: '-acme' });
      expect(error.variable).toBe('tenant');
      expect(error.message).toContain('not a valid domain label');
    });

    it.each([
      ['the whole URL', '{{base_url}}/orders'],
      ['the scheme', '{{scheme}}://api.example.com/'],
      ['the whole host', 'https://{{host}}/orders'],
      ['the host before a single label', 'https://{{host}}.com/orders'],
      ['the end of the host', 'https://api.example.{{tld}}/'],
      ['the port', 'https://api.example.com:{{port}}/'],
      ['an IPv6 literal', 'https://[{{ip}}]/'],
      ['a non-http scheme', 'file://{{x}}.example.com/etc/passwd'],
    ])('refuses a template with a placeholder in %s', (_label, url) => {
      const error = renderError({ url }, { base_url: 'https://evil.com', scheme: 'https', host: 'evil', tld: 'com', port: '1', ip: '::1', x: 'a' });
      expect(error.code).toBe('template_invalid');
      expect(error.part).toBe('url');
    });

    it('refuses a URL that does not parse once rendered', () => {
      expect(renderError({ url: 'https://exa mple.com/{{x}}' }, { x: 'a' }).code).toBe('template_invalid');
    });
  });
});

describe('renderRequest: headers', () => {
  it('fills header values and keeps quotes, backslashes and unexpanded braces as they are', () => {
    const { headers } = render(
      { headers: [{ name: 'Authorization', value: 'Bearer {{token}}' }, { name: 'X-Note', value: '{{note}}|{{missing}}' }] },
      { token: 'abc"\\/=', note: '{{nested}} "quoted"' },
    );
    expect(headers).toEqual([
      { name: 'Authorization', value: 'Bearer abc"\\/=' },
      { name: 'X-Note', value: '{{nested}} "quoted"|' },
    ]);
  });

  it.each([
    ['CR LF', 'a\r\nX-Admin: true'],
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['NUL', 'a\u0000b'],
  ])('refuses a value with %s, naming the variable and the header', (_label, value) => {
    const error = renderError({ headers: [{ name: 'X-Customer', value: 'id={{customer}}' }] }, { customer: value });
    expect(error.code).toBe('value_invalid');
    expect(error.part).toBe('headers');
    expect(error.variable).toBe('customer');
    expect(error.message).toContain('{{customer}}');
    expect(error.message).toContain('X-Customer');
  });

  it('refuses characters a header cannot carry, and a template with a line break', () => {
    expect(renderError({ headers: [{ name: 'X-Name', value: '{{name}}' }] }, { name: 'order 📦' }).variable).toBe('name');
    expect(render({ headers: [{ name: 'X-Name', value: '{{name}}' }] }, { name: 'Zoë' }).headers[0]?.value).toBe('Zoë');
    expect(renderError({ headers: [{ name: 'X-Bad', value: 'a\r\nb: {{x}}' }] }, { x: '1' }).code).toBe('template_invalid');
  });
});

const JSON_HEADERS = [{ name: 'Content-Type', value: 'application/json' }];

describe('renderRequest: JSON bodies', () => {
  it.each(HOSTILE)('keeps a value with %s inside its string, and quotes it when it stands alone', (_label, value) => {
    const body = '{"note": "prefix {{v}} suffix", "alone": {{v}}, "list": ["{{v}}", {{v}}], "fixed": "x"}';
    const rendered = render({ method: 'post', headers: JSON_HEADERS, body }, { v: value });
    expect(rendered.bodyKind).toBe('json');
    const parsed = JSON.parse(rendered.body ?? '');
    expect(Object.keys(parsed)).toEqual(['note', 'alone', 'list', 'fixed']);
    expect(parsed).toEqual({ note: `prefix ${value} suffix`, alone: value, list: [value, value], fixed: 'x' });
    expect(rendered.body).not.toContain('EXPANDED');
  });

  it('writes standalone values as JSON literals of their type and missing ones as null', () => {
    const body = '{"amount": {{amount}}, "count": {{count}}, "paid": {{paid}}, "id": {{id}}, "none": {{none}}, "missing": {{missing}}, "nan": {{nan}}, "meta": {{meta}}}';
    const rendered = render(
      { method: 'post', headers: JSON_HEADERS, body },
      { amount: 12.5, count: 42, paid: true, id: '42', none: null, nan: Number.NaN, meta: { tags: ['a', '"b"'] } },
    );
    expect(JSON.parse(rendered.body ?? '')).toEqual({ amount: 12.5, count: 42, paid: true, id: '42', none: null, missing: null, nan: null, meta: { tags: ['a', '"b"'] } });
  });

  it('writes non-string values inside a string literal as their text', () => {
    const rendered = render({ headers: JSON_HEADERS, body: '{"s": "{{n}}/{{b}}/{{missing}}"}' }, { n: 1.5, b: false });
    expect(JSON.parse(rendered.body ?? '')).toEqual({ s: '1.5/false/' });
  });

  it('reads string context from the template, including escaped quotes and keys', () => {
    const body = '{"say": "he said \\"{{v}}\\"", "{{k}}": {{v}}, "path": "C:\\\\{{v}}"}';
    const rendered = render({ headers: JSON_HEADERS, body }, { v: '"}', k: 'a"b' });
    expect(JSON.parse(rendered.body ?? '')).toEqual({ say: 'he said ""}"', 'a"b': '"}', path: 'C:\\"}' });
  });

  it('refuses a placeholder right after an unfinished escape in a string', () => {
    expect(renderError({ headers: JSON_HEADERS, body: '{"a": "\\{{v}}"}' }, { v: 'n' }).code).toBe('template_invalid');
    expect(renderError({ headers: JSON_HEADERS, body: '{"a": "\\u00{{v}}"}' }, { v: '41' }).code).toBe('template_invalid');
  });

  // The promise: a template that is JSON with dummies in (null standing alone,
  // nothing inside strings) gives JSON for every value.
  const TEMPLATES = [
    '{"a": {{v}}}',
    '[{{v}}, {{v}}, "{{v}}{{v}}"]',
    '{"nested": {"deep": [{"x": "{{v}}"}]}, "n": {{v}}}',
    '  {{v}}  ',
    '"{{v}}"',
    '{"a":{{v}},"b":"\\n{{v}}\\t","c":"\\u0041{{v}}"}',
  ];
  const VALUES: unknown[] = [...HOSTILE.map(([, v]) => v), 0, -1.5, 1e21, true, null, undefined, '', '\\', '"', '\u2028\u2029', { a: [1, '"'] }, [1, 2]];

  it.each(TEMPLATES)('always renders JSON for %j', (body) => {
    expect(isJsonBodyTemplate(body)).toBe(true);
    for (const value of VALUES) {
      const rendered = render({ headers: JSON_HEADERS, body }, { v: value });
      expect(() => JSON.parse(rendered.body ?? ''), JSON.stringify(value)).not.toThrow();
    }
  });

  it('tells JSON templates from others', () => {
    expect(isJsonBodyTemplate('{"a": {{v}}}')).toBe(true);
    expect(isJsonBodyTemplate('{"a": -{{v}}}')).toBe(false);
    expect(isJsonBodyTemplate('{"a": 1{{v}}}')).toBe(false);
    expect(isJsonBodyTemplate('{ {{k}}: 1 }')).toBe(false);
    expect(isJsonBodyTemplate('hello {{v}}')).toBe(false);
  });

  it('treats +json media types and bodies without a Content-Type that are JSON templates as JSON', () => {
    const vnd = render({ headers: [{ name: 'content-type', value: 'application/vnd.api+json; charset=utf-8' }], body: '{"a": "{{v}}"}' }, { v: '"' });
    expect(vnd.bodyKind).toBe('json');
    expect(JSON.parse(vnd.body ?? '')).toEqual({ a: '"' });
    const bare = render({ body: '{"a": {{v}}}' }, { v: 'x"y' });
    expect(bare.bodyKind).toBe('json');
    expect(JSON.parse(bare.body ?? '')).toEqual({ a: 'x"y' });
  });
});

describe('renderRequest: other bodies', () => {
  const FORM_HEADERS = [{ name: 'Content-Type', value: 'application/x-www-form-urlencoded' }];

  it.each(HOSTILE)('form-encodes a value with %s so it stays one field', (_label, value) => {
    const rendered = render({ method: 'post', headers: FORM_HEADERS, body: 'amount={{v}}&note=fixed&other={{v}}' }, { v: value });
    expect(rendered.bodyKind).toBe('form');
    expect([...new URLSearchParams(rendered.body ?? '')]).toEqual([
      ['amount', value],
      ['note', 'fixed'],
      ['other', value],
    ]);
  });

  it('inserts values as they are into other text bodies', () => {
    const rendered = render({ headers: [{ name: 'Content-Type', value: 'text/plain' }], body: 'Hello {{name}}, {{missing}}!' }, { name: 'a"b&c {{nested}}' });
    expect(rendered.bodyKind).toBe('text');
    expect(rendered.body).toBe('Hello a"b&c {{nested}}, !');
    expect(render({ body: 'order {{id}}' }, { id: 7 })).toMatchObject({ bodyKind: 'text', body: 'order 7' });
  });

  it('upper-cases the method and leaves a missing body missing', () => {
    expect(render({ method: 'patch' }, {})).toEqual({ method: 'PATCH', url: 'https://api.example.com/', headers: [], body: null, bodyKind: null });
  });
});
