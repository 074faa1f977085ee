// Macro and connector endpoints the palette and the macros settings page use
// that the inbox's own API module does not cover.
import { ApiError, apiRequest, listDataConnectors, type DataConnectorSummary } from '../api.ts';
import type { ConversationDetail } from '../inbox/inbox-api.ts';

export type MacroVisibility = 'everyone' | 'me';

export type MacroAction =
  | { type: 'reply'; body: string }
  | { type: 'note'; body: string }
  | { type: 'add_tag'; tag: string }
  | { type: 'remove_tag'; tag: string }
  | { type: 'set_attribute'; target: 'contact' | 'conversation'; name: string; value: string }
  | { type: 'assign'; assignee_id: string | null }
  | { type: 'snooze'; minutes: number }
  | { type: 'close' }
  | { type: 'run_connector'; data_connector_id: string; inputs: Record<string, string> };

export type MacroActionType = MacroAction['type'];

export interface Macro {
  type: 'macro';
  id: string;
  name: string;
  body: string | null;
  body_text: string | null;
  created_at: string;
  updated_at: string;
  // The reference also has 'specific_teams'; Patchbay writes only these two.
  visible_to: MacroVisibility | string;
  visible_to_team_ids: string[];
  available_on: string[];
  actions?: MacroAction[];
}

interface MacroPage {
  type: 'list';
  data: Macro[];
  pages?: { type: 'pages'; per_page: number; next?: { starting_after: string } | null };
}

export interface MacroInput {
  name: string;
  visible_to: MacroVisibility;
  available_on?: string[];
  actions: MacroAction[];
}

export interface FailedStep {
  // Zero-based position in the macro's actions.
  index: number;
  type: string;
  message: string;
}

export interface MacroApplication {
  type: 'macro.application';
  macro_id: string;
  success: boolean;
  steps_completed: number;
  failed_step: FailedStep | null;
  conversation: ConversationDetail;
}

// Enough pages for any realistic macro library or connector list; the pickers filter locally.
const MAX_PAGES = 20;

export async function listAllMacros(signal?: AbortSignal): Promise<Macro[]> {
  const macros: Macro[] = [];
  const seen = new Set<string>();
  let startingAfter: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await apiRequest<MacroPage>('/macros', { query: { per_page: 150, starting_after: startingAfter }, signal });
    for (const macro of result.data) {
      if (!seen.has(macro.id)) {
        seen.add(macro.id);
        macros.push(macro);
      }
    }
    startingAfter = result.pages?.next?.starting_after ?? undefined;
    if (!startingAfter) break;
  }
  return macros;
}

export const isInboxMacro = (macro: Macro) => !macro.available_on?.length || macro.available_on.includes('inbox');

export function getMacro(id: string, signal?: AbortSignal) {
  return apiRequest<Macro>(`/macros/${encodeURIComponent(id)}`, { signal });
}

export function createMacro(input: MacroInput) {
  return apiRequest<Macro>('/macros', { method: 'POST', body: input });
}

export function updateMacro(id: string, input: MacroInput) {
  return apiRequest<Macro>(`/macros/${encodeURIComponent(id)}`, { method: 'PATCH', body: input });
}

export async function deleteMacro(id: string): Promise<void> {
  try {
    await apiRequest<unknown>(`/macros/${encodeURIComponent(id)}`, { method: 'DELETE' });
  } catch (error) {
    // 204 No Content has no JSON body; that is success, not a broken response.
    if (error instanceof ApiError && error.code === 'invalid_response' && error.status >= 200 && error.status < 300) return;
    throw error;
  }
}

export function applyMacro(conversationId: string, macroId: string, signal?: AbortSignal) {
  return apiRequest<MacroApplication>(`/conversations/${encodeURIComponent(conversationId)}/apply_macro`, {
    method: 'POST',
    body: { macro_id: macroId },
    signal,
  });
}

export async function listAllDataConnectors(signal?: AbortSignal): Promise<DataConnectorSummary[]> {
  const connectors: DataConnectorSummary[] = [];
  const seen = new Set<string>();
  let startingAfter: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    // The connectors endpoint pages by at most 50.
    const result = await listDataConnectors({ perPage: 50, startingAfter, ...(signal ? { signal } : {}) });
    for (const connector of result.data) {
      if (!seen.has(connector.id)) {
        seen.add(connector.id);
        connectors.push(connector);
      }
    }
    startingAfter = result.pages.next?.starting_after ?? undefined;
    if (!startingAfter) break;
  }
  return connectors;
}

export interface ConnectorDataInputDefinition {
  name: string;
  type: string;
  description?: string | null;
  required?: boolean;
  default_value?: string | null;
}

export function getDataConnectorInputs(id: string, signal?: AbortSignal) {
  return apiRequest<{ id: string; name: string; data_inputs?: ConnectorDataInputDefinition[] }>(`/data_connectors/${encodeURIComponent(id)}`, {
    signal,
  });
}

const STEP_LABELS: Record<string, string> = {
  reply: 'reply',
  note: 'add note',
  add_tag: 'add tag',
  remove_tag: 'remove tag',
  set_attribute: 'set attribute',
  assign: 'assign',
  snooze: 'snooze',
  close: 'close',
  run_connector: 'run data connector',
};

export const stepLabel = (type: string) => STEP_LABELS[type] ?? type.replace(/_/g, ' ');

// "Step 3 (run data connector) failed: the API answered 500"
export function describeFailedStep(step: FailedStep): string {
  const message = step.message.trim();
  return `Step ${step.index + 1} (${stepLabel(step.type)}) failed: ${message}${/[.!?]$/.test(message) ? '' : '.'}`;
}
