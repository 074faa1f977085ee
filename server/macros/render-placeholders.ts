// Macro placeholders: {{contact.name|fallback:"there"}}, {{user.email}},
// {{conversation.custom_attributes.order_id}}, {{company.name}},
// {{teammate.name}}. Pure: a placeholder is only ever a lookup of plain data
// (own properties of plain objects), never an expression, so a macro cannot
// run code or reach anything the context does not hold.

// `{{ key }}` or `{{ key | fallback: "text" }}` (single or double quotes).
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*(?:\|\s*fallback\s*:\s*(?:"([^"]*)"|'([^']*)')\s*)?\}\}/g;

export interface Placeholder {
  key: string;
  fallback: string | null;
}

type Piece = string | Placeholder;

// The text cut into literal strings and placeholders, in order.
export function parsePlaceholders(text: string): Piece[] {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) pieces.push(text.slice(last, match.index));
    pieces.push({ key: match[1]!, fallback: match[2] ?? match[3] ?? null });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return pieces;
}

export type PlaceholderContext = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

// Attribute names may themselves contain dots ("order.status"), so at each
// level the longest own key that matches the rest of the path wins.
function lookup(node: unknown, segments: string[]): unknown {
  if (segments.length === 0) return node;
  if (!isPlainObject(node)) return undefined;
  for (let take = segments.length; take >= 1; take--) {
    const key = segments.slice(0, take).join('.');
    if (Object.hasOwn(node, key)) {
      const found = lookup(node[key], segments.slice(take));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

// What a placeholder shows: strings, numbers and booleans as text; anything
// missing, empty, null or not a single value shows the fallback (or nothing).
export function resolvePlaceholder(placeholder: Placeholder, context: PlaceholderContext): string {
  const value = lookup(context, placeholder.key.split('.'));
  const shown = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  return shown === '' ? (placeholder.fallback ?? '') : shown;
}

export function renderPlaceholders(text: string, context: PlaceholderContext): string {
  return parsePlaceholders(text)
    .map((piece) => (typeof piece === 'string' ? piece : resolvePlaceholder(piece, context)))
    .join('');
}

export const escapeHtml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

// The reference's `body`: the text as HTML paragraphs (blank lines between
// paragraphs, single line breaks as <br>), placeholders as
// <attribute key="user.name" default="there"/>, everything else escaped.
export function placeholdersToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n+/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return paragraphs
    .map((paragraph) => {
      const inner = parsePlaceholders(paragraph)
        .map((piece) => {
          if (typeof piece === 'string') return escapeHtml(piece).replace(/\n/g, '<br>');
          const fallback = piece.fallback === null ? '' : ` default="${escapeHtml(piece.fallback)}"`;
          return `<attribute key="${escapeHtml(piece.key)}"${fallback}/>`;
        })
        .join('');
      return `<p>${inner}</p>`;
    })
    .join('');
}

export interface PlaceholderSources {
  contact: { id: number; name: string | null; email: string | null; externalId: string | null; role: string; customAttributes: unknown } | null;
  company: { id: number; name: string; customAttributes: unknown } | null;
  conversation: { id: number; title: string | null; state: string; customAttributes: unknown };
  teammate: { id: number; name: string; email: string } | null;
}

const firstName = (name: string | null) => name?.trim().split(/\s+/)[0] ?? null;
const attributes = (value: unknown) => (isPlainObject(value) ? value : {});

// The data placeholders may read; `user` is Intercom's name for the contact.
export function placeholderContext({ contact, company, conversation, teammate }: PlaceholderSources): PlaceholderContext {
  const person = contact && {
    id: String(contact.id),
    name: contact.name,
    first_name: firstName(contact.name),
    email: contact.email,
    user_id: contact.externalId,
    external_id: contact.externalId,
    role: contact.role,
    custom_attributes: attributes(contact.customAttributes),
  };
  return {
    contact: person,
    user: person,
    company: company && { id: String(company.id), name: company.name, custom_attributes: attributes(company.customAttributes) },
    conversation: { id: String(conversation.id), title: conversation.title, state: conversation.state, custom_attributes: attributes(conversation.customAttributes) },
    teammate: teammate && { id: String(teammate.id), name: teammate.name, first_name: firstName(teammate.name), email: teammate.email },
  };
}
