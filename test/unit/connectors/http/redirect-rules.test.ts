import { describe, expect, it } from 'vitest';
import { nextRedirectRequest, type HopRequest } from '../../../../server/connectors/http/redirect-rules.ts';
import { normaliseRequestHeaders, publicResponseHeaders } from '../../../../server/connectors/http/request-headers.ts';
import { SendError } from '../../../../server/connectors/http/send-error.ts';

const post: HopRequest = {
  url: new URL('https://api.example.com/v1/orders?x=1'),
  method: 'POST',
  headers: {
    authorization: 'Bearer t',
    cookie: 'a=b',
    'proxy-authorization': 'Basic x',
    'x-api-key': 'k',
    'content-type': 'application/json',
    accept: 'application/json',
  },
  body: '{"a":1}',
};

describe('nextRedirectRequest', () => {
  it.each([301, 302, 303])('%d turns the request into a GET without a body', (status) => {
    const next = nextRedirectRequest(post, status, '/v1/orders/7', []);
    expect(next.method).toBe('GET');
    expect(next.body).toBeUndefined();
    expect(next.headers['content-type']).toBeUndefined();
    expect(next.url.href).toBe('https://api.example.com/v1/orders/7');
    expect(next.headers.authorization).toBe('Bearer t'); // same origin
  });

  it.each([307, 308])('%d keeps method and body', (status) => {
    const next = nextRedirectRequest(post, status, 'https://api.example.com/v2/orders#frag', []);
    expect(next).toMatchObject({ method: 'POST', body: '{"a":1}' });
    expect(next.headers['content-type']).toBe('application/json');
    expect(next.url.href).toBe('https://api.example.com/v2/orders');
  });

  it('keeps HEAD a HEAD', () => {
    expect(nextRedirectRequest({ ...post, method: 'HEAD', body: undefined }, 302, '/x', []).method).toBe('HEAD');
  });

  it.each([
    ['another host', 'https://cdn.example.com/x'],
    ['another port', 'https://api.example.com:8443/x'],
    ['another scheme', 'http://api.example.com/x'],
  ])('drops credentials when the redirect goes to %s', (_what, location) => {
    const next = nextRedirectRequest(post, 307, location, ['X-API-Key']);
    expect(next.headers).not.toHaveProperty('authorization');
    expect(next.headers).not.toHaveProperty('cookie');
    expect(next.headers).not.toHaveProperty('proxy-authorization');
    expect(next.headers).not.toHaveProperty('x-api-key');
    expect(next.headers.accept).toBe('application/json');
  });

  it('keeps caller-named credential headers on same-origin redirects', () => {
    expect(nextRedirectRequest(post, 307, '/elsewhere', ['x-api-key']).headers['x-api-key']).toBe('k');
  });

  it('reports an unusable Location as a transport error', () => {
    let thrown: unknown;
    try {
      nextRedirectRequest(post, 302, 'http://[broken', []);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SendError);
    expect((thrown as SendError).errorType).toBe('faraday_error');
  });
});

describe('request and response headers', () => {
  it('lower-cases names and refuses bad or client-managed headers without echoing values', () => {
    expect(normaliseRequestHeaders({ Accept: 'a', 'X-Trace': 'b' })).toEqual({ accept: 'a', 'x-trace': 'b' });
    const cases: Array<Record<string, string>> = [
      { 'Bad Header': 'v' },
      { 'X-Inject': 'secret\r\nX-Evil: 1' },
      { Host: 'internal.example' },
      { 'Content-Length': '5' },
      { Accept: 'a', accept: 'b' },
    ];
    const messages = cases.map((headers) => {
      try {
        normaliseRequestHeaders(headers);
        return 'no error';
      } catch (error) {
        expect((error as SendError).errorType).toBe('request_configuration_error');
        return (error as Error).message;
      }
    });
    expect(messages).toEqual([
      '"Bad Header" is not a valid header name',
      'header X-Inject has an invalid value (line breaks are not allowed)',
      'header Host is set by the HTTP client and cannot be configured',
      'header Content-Length is set by the HTTP client and cannot be configured',
      'header accept is given more than once',
    ]);
  });

  it('drops set-cookie from response headers and joins repeats', () => {
    expect(publicResponseHeaders({ 'set-cookie': ['a=1', 'b=2'], 'x-multi': ['1', '2'], 'content-type': 'text/plain' })).toEqual({
      'x-multi': '1, 2',
      'content-type': 'text/plain',
    });
  });
});
