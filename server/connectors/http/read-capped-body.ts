import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { SendError } from './send-error.ts';

export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Reads a response body as text, holding at most `maxBytes` decoded bytes.
 * Past the cap the stream is destroyed, which makes undici close the socket,
 * so an endless or huge body costs no more than the cap. A compressed body is
 * decompressed as it streams and the cap applies to what it decompresses to.
 */
export async function readCappedBody(
  body: Readable,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  maxBytes: number,
): Promise<string> {
  const tooLarge = () => new SendError('3rd_party_error', `response body exceeds ${maxBytes} bytes`);
  const encoding = single(headers['content-encoding'])?.trim().toLowerCase() || 'identity';
  const declaredLength = Number(single(headers['content-length']));
  if (encoding === 'identity' && Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    body.destroy();
    throw tooLarge();
  }

  const decoder = createDecoder(encoding);
  if (decoder === null) {
    body.destroy();
    throw new SendError('response_mapping_error', `unsupported content-encoding "${encoding}"`);
  }
  const source: Readable = decoder ? pipeline(body, decoder, () => {}) : body;

  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } finally {
    if (!body.readableEnded) body.destroy();
    if (decoder && !decoder.destroyed) decoder.destroy();
  }
  return decodeText(Buffer.concat(chunks, total), single(headers['content-type']));
}

/** undefined: no decoding needed; null: an encoding we cannot decode. */
function createDecoder(encoding: string): Transform | undefined | null {
  switch (encoding) {
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

function decodeText(bytes: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
