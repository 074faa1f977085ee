import { ApiError } from '../api.ts';
import { applyMacro, describeFailedStep, type Macro, type MacroApplication } from './palette-api.ts';
import type { CommandPaletteContext } from './palette-context.ts';

export type MacroOutcome =
  | { ok: true; message: string; result: MacroApplication }
  | { ok: false; message: string; result: MacroApplication | null };

// The one way a macro is applied, from the picker and from the palette alike.
// A failed step still leaves the earlier steps applied, so the inbox gets the
// new conversation either way.
export async function applyMacroFlow(conversationId: string, macro: Pick<Macro, 'id' | 'name'>, context: () => CommandPaletteContext): Promise<MacroOutcome> {
  let result: MacroApplication;
  try {
    result = await applyMacro(conversationId, macro.id);
  } catch (error) {
    const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Could not apply “${macro.name}”: ${message}`, result: null };
  }
  if (result.conversation) context().onConversationChanged(result.conversation);
  if (result.success) return { ok: true, message: `Applied “${macro.name}”`, result };
  const why = result.failed_step ? describeFailedStep(result.failed_step) : 'A step failed.';
  const kept =
    result.steps_completed > 0 ? ` The ${result.steps_completed === 1 ? 'first step was' : `first ${result.steps_completed} steps were`} applied.` : '';
  return { ok: false, message: `“${macro.name}” stopped. ${why}${kept}`, result };
}
