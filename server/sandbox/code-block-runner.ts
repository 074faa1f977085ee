// The connector pipeline's view of the sandbox: one code block, one outcome.
import type { CodeBlockRunner } from '../connectors/pipeline/pipeline-deps.ts';
import { formatCodeBlockError } from './code-block-result.ts';
import { SandboxUnavailableError } from './sandbox-errors.ts';
import type { SandboxPool } from './sandbox-pool.ts';

export function codeBlockRunner(pool: SandboxPool): CodeBlockRunner {
  return async (code, inputs) => {
    try {
      const outcome = await pool.runCodeBlock(code, inputs);
      return outcome.ok
        ? { ok: true, result: outcome.result, debugOutput: outcome.debugOutput }
        : { ok: false, error: formatCodeBlockError(outcome.error), debugOutput: outcome.debugOutput };
    } catch (error) {
      // Busy or restarting: the run fails clearly instead of waiting without end.
      if (error instanceof SandboxUnavailableError) return { ok: false, error: `the Python sandbox is unavailable: ${error.message}`, debugOutput: '' };
      throw error;
    }
  };
}
