// Collects what Python prints during one run, keeping at most `maxBytes`
// bytes; the rest is counted and reported in a last line. Plain JavaScript:
// it runs inside the sandbox process (see sandbox-child.mjs).
export function createDebugOutput(maxBytes) {
  let chunks = [];
  let kept = 0;
  let dropped = 0;
  return {
    // Pyodide's raw write handler: bytes in, number of bytes consumed out.
    write(bytes) {
      const room = maxBytes - kept;
      if (room > 0) {
        const part = bytes.length <= room ? Uint8Array.from(bytes) : Uint8Array.from(bytes.subarray(0, room));
        chunks.push(part);
        kept += part.length;
      }
      dropped += Math.max(0, bytes.length - Math.max(room, 0));
      return bytes.length;
    },
    // The text so far, and a fresh start for the next run.
    take() {
      let joined = Buffer.concat(chunks);
      if (dropped > 0) {
        const whole = completeUtf8Length(joined);
        dropped += joined.length - whole;
        joined = joined.subarray(0, whole);
      }
      let text = new TextDecoder('utf-8').decode(joined);
      if (dropped > 0) text += `\n… debug output truncated: ${dropped} more bytes were printed`;
      chunks = [];
      kept = 0;
      dropped = 0;
      return text;
    },
  };
}

// Length of `bytes` without a multi-byte character cut off at the end.
function completeUtf8Length(bytes) {
  let start = bytes.length - 1;
  while (start >= 0 && start > bytes.length - 4 && (bytes[start] & 0xc0) === 0x80) start--;
  if (start < 0) return bytes.length;
  const lead = bytes[start];
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + size <= bytes.length ? bytes.length : start;
}
