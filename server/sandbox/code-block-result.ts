// What a code block or a code condition run returns to the caller.

export interface CodeBlockError {
  // The Python exception type (ZeroDivisionError, KeyError, SyntaxError...),
  // or one of the sandbox's own: TimeoutError (time limit), MemoryError
  // (memory limit), TypeError (result not JSON-serialisable, condition not a
  // boolean), ValueError (result or inputs too large or too deeply nested),
  // SandboxError (the sandbox process failed).
  type: string;
  message: string;
  // Line in the admin's own code (1-based), when the error has one.
  line: number | null;
}

export type CodeBlockOutcome<Result = unknown> =
  | { ok: true; result: Result; debugOutput: string; durationMs: number }
  | { ok: false; error: CodeBlockError; debugOutput: string; durationMs: number };

// One line for logs and execution results: "ValueError: bad value (line 3)".
export function formatCodeBlockError(error: CodeBlockError): string {
  const message = error.message.trim();
  const head = message.length > 0 ? `${error.type}: ${message}` : error.type;
  return error.line === null ? head : `${head} (line ${error.line})`;
}
