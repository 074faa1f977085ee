// `{{ name }}` placeholders in connector URLs, header values and bodies.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function findPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

// Text with every placeholder replaced, so the rest can be checked (URL syntax).
export function replacePlaceholders(text: string, replace: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_all, name: string) => replace(name));
}

export function hasUnbalancedBraces(text: string): boolean {
  const rest = text.replace(PLACEHOLDER, '');
  return rest.includes('{{') || rest.includes('}}');
}

// The names `{{auth_tokens.<name>}}` accepts: what the messenger may pass at
// boot (server/messenger/messenger-auth-tokens.ts checks the same rule).
export const AUTH_TOKEN_NAME = /^[A-Za-z_][\w-]*$/;

// Attributes a template may read besides the connector's own data inputs.
export const STANDARD_CONTEXT_VARIABLES = {
  user: ['id', 'user_id', 'email', 'name', 'role'],
  conversation: ['id', 'state', 'title', 'assignee_id'],
  company: ['id', 'company_id', 'name'],
  conversation_part: ['body'],
} as const;

export interface KnownVariables {
  dataInputs: ReadonlySet<string>;
  customAttributes: { contact: ReadonlySet<string>; conversation: ReadonlySet<string>; company: ReadonlySet<string> };
}

// Why a placeholder cannot be filled at run time, or null when it can.
export function explainUnknownVariable(name: string, known: KnownVariables): string | null {
  if (name === '') return 'an empty {{}} placeholder';
  if (known.dataInputs.has(name)) return null;
  const dot = name.indexOf('.');
  if (dot === -1) return `unknown variable {{${name}}}: add a data input named "${name}" or use user.*, conversation.*, company.*`;
  const scope = name.slice(0, dot);
  const attribute = name.slice(dot + 1);
  // Per-user tokens handed over by the messenger at boot; their names are free.
  if (scope === 'auth_tokens' && AUTH_TOKEN_NAME.test(attribute)) return null;
  const custom =
    scope === 'user' ? known.customAttributes.contact
    : scope === 'conversation' ? known.customAttributes.conversation
    : scope === 'company' ? known.customAttributes.company
    : undefined;
  const standard = (STANDARD_CONTEXT_VARIABLES as Record<string, readonly string[]>)[scope];
  if (!standard) return `unknown variable {{${name}}}: "${scope}" is not a data input or one of user, conversation, company, conversation_part, auth_tokens`;
  if (standard.includes(attribute) || custom?.has(attribute)) return null;
  return `unknown variable {{${name}}}: ${scope} has no attribute "${attribute}" (standard: ${standard.join(', ')}; custom attributes are defined in settings)`;
}
