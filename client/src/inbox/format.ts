import { useEffect, useState } from 'react';
import type { AuthorType, ConnectorRunSummary, ConversationSummary, PartType } from './inbox-api.ts';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const yearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const utcDateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

// Shortcut hints say ⌘ on Apple devices, Ctrl elsewhere.
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

const validDate = (iso: string): Date | null => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
};

// "now", "5m", "3h", "Yesterday", "Mar 3", "Mar 3, 2024": short enough for list rows.
export function relativeTime(iso: string, now: number): string {
  const date = validDate(iso);
  if (!date) return iso;
  const seconds = Math.round((now - date.getTime()) / 1000);
  if (seconds < 45) return 'now';
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))}m`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)}h`;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return date.getFullYear() === new Date(now).getFullYear() ? dayFormat.format(date) : yearFormat.format(date);
}

export function fullTime(iso: string): string {
  const date = validDate(iso);
  return date ? fullFormat.format(date) : iso;
}

export function clockTime(iso: string): string {
  const date = validDate(iso);
  return date ? timeFormat.format(date) : iso;
}

// Re-renders relative times once a minute.
export function useNow(intervalMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export const contactLabel = (contact: ConversationSummary['contact']) => contact.name || contact.email || `Contact ${contact.id}`;

export const conversationLabel = (conversation: Pick<ConversationSummary, 'title' | 'contact'>) =>
  conversation.title || `Conversation with ${contactLabel(conversation.contact)}`;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

// Attribute values as people read them; the raw value stays in the title.
export function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return Number.isFinite(value) ? value.toLocaleString() : String(value);
  if (typeof value === 'string') {
    if (ISO_DATE.test(value)) {
      const date = validDate(value);
      // Midnight UTC is how dates without a time are usually stored.
      if (date) return value.length <= 10 || /T00:00(:00(\.0+)?)?(Z|[+-]00:?00)$/.test(value) ? utcDateFormat.format(date) : fullFormat.format(date);
    }
    return value;
  }
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) return value.map((item) => formatValue(item)).join(', ');
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function rawValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function previewPrefix(preview: { author_type: AuthorType; part_type: PartType }): string {
  if (preview.part_type === 'note') return 'Note: ';
  if (preview.part_type === 'connector_result') return 'Connector: ';
  if (preview.author_type === 'admin') return 'You: ';
  if (preview.author_type === 'bot') return 'Bot: ';
  return '';
}

// Where a connector run came from, in the inbox's words.
export function runSourceLabel(run: Pick<ConnectorRunSummary, 'source_type' | 'source_id'>): string {
  switch (run.source_type) {
    case 'inbox':
      return run.source_id ? `macro #${run.source_id}` : 'teammate';
    case 'saved_reply':
      return run.source_id ? `macro #${run.source_id}` : 'macro';
    case 'workflow':
    case 'custom_bot':
    case 'inbound_custom_bot':
    case 'button_custom_bot':
    case 'triggerable_custom_bot':
      return run.source_id ? `workflow #${run.source_id}` : 'workflow';
    case 'fin':
    case 'answer':
      return 'fin';
    case null:
    case undefined:
    case '':
      return 'test';
    default:
      return run.source_type;
  }
}

// Part bodies are plain text; older or imported parts may hold HTML, which is
// shown as its text (never rendered as markup).
export function plainBody(body: string): string {
  if (!/<[a-z][\s\S]*>/i.test(body)) return body;
  const doc = new DOMParser().parseFromString(body.replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '</p>\n'), 'text/html');
  return (doc.body.textContent ?? '').trim();
}
