import { describe, expect, it } from 'vitest';
import { parseResponseBody } from '../../../../server/connectors/http/parse-response-body.ts';
import { SendError } from '../../../../server/connectors/http/send-error.ts';

function mappingError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).errorType).toBe('response_mapping_error');
    return (error as SendError).message;
  }
  throw new Error('expected a response_mapping_error');
}

describe('parseResponseBody', () => {
  it('returns null for an empty or blank body, whatever the type', () => {
    expect(parseResponseBody('', 'application/json')).toEqual({ format: 'empty', data: null });
    expect(parseResponseBody('  \n', 'application/xml')).toEqual({ format: 'empty', data: null });
    expect(parseResponseBody('', undefined)).toEqual({ format: 'empty', data: null });
  });

  it('parses declared JSON, +json and charset parameters', () => {
    expect(parseResponseBody('{"id":7,"tags":["a"]}', 'application/json; charset=utf-8')).toEqual({ format: 'json', data: { id: 7, tags: ['a'] } });
    expect(parseResponseBody('{"title":"Not found"}', 'application/problem+json')).toEqual({ format: 'json', data: { title: 'Not found' } });
    expect(parseResponseBody('"just a string"', 'application/json')).toEqual({ format: 'json', data: 'just a string' });
  });

  it('reports invalid declared JSON with the parser message', () => {
    expect(mappingError(() => parseResponseBody('{"id": 7,', 'application/json'))).toMatch(/^invalid JSON: .+/);
    expect(mappingError(() => parseResponseBody('<html>oops</html>', 'application/vnd.api+json'))).toContain('invalid JSON');
  });

  it('sniffs JSON without a useful content type and falls back to text when it does not parse', () => {
    expect(parseResponseBody('[1,2]', undefined)).toEqual({ format: 'json', data: [1, 2] });
    expect(parseResponseBody(' {"a":true}', 'text/plain')).toEqual({ format: 'json', data: { a: true } });
    expect(parseResponseBody('[WARN] disk almost full', 'text/plain')).toEqual({ format: 'text', data: '[WARN] disk almost full' });
  });

  it('converts XML with attributes, sensible numbers and consistent arrays', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <customer id="42" vip="true">
        <name>Ada &amp; Co</name>
        <zip>00123</zip>
        <balance>12.50</balance>
        <big>12345678901234567890</big>
        <hex>0x1F</hex>
        <orders><order ref="A1"><line>1</line></order><order ref="A2"><line>1</line><line>2</line></order></orders>
        <note lang="en">hello</note>
        <empty/>
      </customer>`;
    expect(parseResponseBody(xml, 'application/xml')).toEqual({
      format: 'xml',
      data: {
        customer: {
          '@_id': 42,
          '@_vip': true,
          name: 'Ada & Co',
          zip: '00123',
          balance: 12.5,
          big: '12345678901234567890',
          hex: '0x1F',
          // <line> repeats in the second order, so it is an array in the first one too
          orders: { order: [{ '@_ref': 'A1', line: [1] }, { '@_ref': 'A2', line: [1, 2] }] },
          note: { '#text': 'hello', '@_lang': 'en' },
          empty: '',
        },
      },
    });
  });

  it('makes configured paths arrays even with a single element', () => {
    const parsed = parseResponseBody('<r><item>1</item></r>', 'text/xml', { xmlArrayPaths: ['r.item'] });
    expect(parsed).toEqual({ format: 'xml', data: { r: { item: [1] } } });
    expect(parseResponseBody('<r><item>1</item></r>', 'text/xml')).toEqual({ format: 'xml', data: { r: { item: 1 } } });
  });

  it('recognises XML by +xml type and by content', () => {
    expect(parseResponseBody('<feed><id>x</id></feed>', 'application/atom+xml').format).toBe('xml');
    expect(parseResponseBody('<?xml version="1.0"?><a>1</a>', undefined)).toEqual({ format: 'xml', data: { a: 1 } });
    expect(parseResponseBody('<a><b>t</b></a>', 'application/octet-stream')).toEqual({ format: 'xml', data: { a: { b: 't' } } });
  });

  it('reports invalid XML with the parser message', () => {
    expect(mappingError(() => parseResponseBody('<a><b></a>', 'application/xml'))).toBe(
      "invalid XML: Expected closing tag 'b' (opened in line 1, col 4) instead of closing tag 'a'. (line 1, column 7)",
    );
    expect(mappingError(() => parseResponseBody('plain words', 'text/xml'))).toMatch(/^invalid XML: /);
    expect(mappingError(() => parseResponseBody('<?xml version="1.0"?><a>', undefined))).toMatch(/^invalid XML: /);
  });

  it('keeps an undeclared HTML page and other text as a string', () => {
    expect(parseResponseBody('<html><body><br></body></html>', undefined)).toEqual({ format: 'text', data: '<html><body><br></body></html>' });
    expect(parseResponseBody('<p>{"a":1}</p>', 'text/html')).toEqual({ format: 'text', data: '<p>{"a":1}</p>' });
    expect(parseResponseBody('id,name\n1,Ada', 'text/csv')).toEqual({ format: 'text', data: 'id,name\n1,Ada' });
    expect(parseResponseBody('OK', undefined)).toEqual({ format: 'text', data: 'OK' });
  });
});
