import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { SendError } from './send-error.ts';

export type ParsedBody =
  | { format: 'empty'; data: null }
  | { format: 'json'; data: unknown }
  | { format: 'xml'; data: Record<string, unknown> }
  | { format: 'text'; data: string };

export interface ParseResponseOptions {
  /**
   * XML element paths ("root.items.item") that are always arrays, even when a
   * response holds one. Within a single document an element that repeats
   * anywhere under a path is an array everywhere under that path already.
   */
  xmlArrayPaths?: readonly string[];
}

export const XML_ATTRIBUTE_PREFIX = '@_';
export const XML_TEXT_KEY = '#text';

const JSON_TYPE = /^(?:application|text)\/(?:[\w.+-]+\+)?(?:x-)?json$/;
const XML_TYPE = /^(?:application|text)\/(?:[\w.+-]+\+)?xml$/;
// Types that say nothing about the content, so the content is looked at.
const SNIFFED_TYPES = new Set(['', 'text/plain', 'application/octet-stream', 'binary/octet-stream']);

/**
 * Turns a response body into data:
 * - empty or blank body -> null;
 * - declared JSON (application/json, +json) -> JSON.parse, invalid -> response_mapping_error;
 * - declared XML (application/xml, text/xml, +xml) -> an object, invalid -> response_mapping_error;
 * - undeclared (no type, text/plain, octet-stream): "<?xml" is XML (strict);
 *   "{", "[" or "<tag" is tried as JSON or XML and falls back to text when it
 *   does not parse (an HTML error page is text, not a broken XML document);
 * - anything else -> the text itself.
 */
export function parseResponseBody(bodyText: string, contentType: string | undefined, options: ParseResponseOptions = {}): ParsedBody {
  const trimmed = bodyText.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { format: 'empty', data: null };
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();

  if (JSON_TYPE.test(mediaType)) return { format: 'json', data: parseJson(trimmed) };
  if (XML_TYPE.test(mediaType)) return { format: 'xml', data: parseXml(trimmed, options) };
  if (!SNIFFED_TYPES.has(mediaType)) return { format: 'text', data: bodyText };

  if (trimmed.startsWith('<?xml')) return { format: 'xml', data: parseXml(trimmed, options) };
  try {
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) return { format: 'json', data: parseJson(trimmed) };
    if (/^<[A-Za-z_]/.test(trimmed)) return { format: 'xml', data: parseXml(trimmed, options) };
  } catch {
    // looked like JSON or XML but is not: keep it as text
  }
  return { format: 'text', data: bodyText };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SendError('response_mapping_error', `invalid JSON: ${(error as Error).message}`);
  }
}

const BASE_XML_OPTIONS: X2jOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: XML_ATTRIBUTE_PREFIX,
  textNodeName: XML_TEXT_KEY,
  parseAttributeValue: true,
  parseTagValue: true,
  trimValues: true,
  // "007" and "0x1F" stay strings (ids, zip codes); "12", "3.5", "1e3" become numbers.
  // Integers beyond 2^53 stay strings rather than lose digits.
  numberParseOptions: { hex: false, leadingZeros: false, eNotation: true },
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: { enabled: true, maxTotalExpansions: 10_000, maxExpandedLength: 100_000 },
};

function parseXml(text: string, options: ParseResponseOptions): Record<string, unknown> {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new SendError('response_mapping_error', `invalid XML: ${msg} (line ${line}, column ${col})`);
  }
  try {
    // First pass finds the paths where an element repeats; the second makes
    // every element on those paths an array, so one document never mixes
    // "object here, array there" for the same path.
    const firstPass = new XMLParser(BASE_XML_OPTIONS).parse(text) as Record<string, unknown>;
    const arrayPaths = new Set(options.xmlArrayPaths ?? []);
    collectArrayPaths(firstPass, '', arrayPaths);
    if (arrayPaths.size === 0) return firstPass;
    const parser = new XMLParser({
      ...BASE_XML_OPTIONS,
      isArray: (_name, jPath, _isLeaf, isAttribute) => !isAttribute && arrayPaths.has(String(jPath)),
    });
    return parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new SendError('response_mapping_error', `invalid XML: ${(error as Error).message}`);
  }
}

function collectArrayPaths(value: unknown, path: string, into: Set<string>): void {
  if (Array.isArray(value)) {
    into.add(path);
    for (const item of value) collectArrayPaths(item, path, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith(XML_ATTRIBUTE_PREFIX) || key === XML_TEXT_KEY) continue;
    collectArrayPaths(child, path === '' ? key : `${path}.${key}`, into);
  }
}
