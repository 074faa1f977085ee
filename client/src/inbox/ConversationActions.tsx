// Assign, snooze, close/reopen and tags for the open conversation. Every
// action answers with the new conversation, which replaces what is shown.
import { useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { fullTime } from './format.ts';
import { addConversationTag, removeConversationTag, updateConversation, type AdminSummary, type ConversationDetail, type ConversationUpdate } from './inbox-api.ts';
import { Menu } from './Menu.tsx';
import type { Fail } from './use-resource.ts';

interface ConversationActionsProps {
  conversation: ConversationDetail;
  me: Me;
  admins: AdminSummary[] | null;
  onChanged(detail: ConversationDetail): void;
  fail: Fail;
}

export function snoozeOptions(now: Date): { label: string; until: Date }[] {
  const inAnHour = new Date(now.getTime() + 60 * 60_000);
  const tomorrow = new Date(now);
  tomorrow.setDate(tomorrow.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  // Next Monday, 9:00 (a week from today when today is Monday).
  const nextWeek = new Date(now);
  nextWeek.setDate(nextWeek.getDate() + (((8 - nextWeek.getDay()) % 7) || 7));
  nextWeek.setHours(9, 0, 0, 0);
  return [
    { label: 'For 1 hour', until: inAnHour },
    { label: 'Until tomorrow, 9:00', until: tomorrow },
    { label: 'Until next week (Monday, 9:00)', until: nextWeek },
  ];
}

export function ConversationActions({ conversation, me, admins, onChanged, fail }: ConversationActionsProps) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tag, setTag] = useState('');
  const ids = { assignee: useId(), tag: useId() };

  async function run(label: string, action: () => Promise<ConversationDetail>): Promise<boolean> {
    if (busy) return false;
    setBusy(label);
    setError(null);
    try {
      onChanged(await action());
      return true;
    } catch (caught) {
      const message = fail(caught);
      if (message !== null) setError(`Could not ${label}: ${message}`);
      return false;
    } finally {
      setBusy(null);
    }
  }

  const update = (label: string, input: ConversationUpdate) => run(label, () => updateConversation(conversation.id, input));

  async function addTag(event: FormEvent) {
    event.preventDefault();
    const name = tag.trim();
    if (!name) return;
    if (conversation.tags.includes(name)) {
      setTag('');
      return;
    }
    if (await run('add the tag', () => addConversationTag(conversation.id, name))) setTag('');
  }

  const assigneeId = conversation.assignee?.id ?? '';
  // The current assignee stays selectable even before (or without) the admin list.
  const options = admins ?? (conversation.assignee ? [{ type: 'admin' as const, id: conversation.assignee.id, name: conversation.assignee.name, email: '', role: 'agent' as const }] : []);
  const hasCurrent = !conversation.assignee || options.some((admin) => admin.id === conversation.assignee?.id);
  const state = conversation.state;

  return (
    <div className="conversation-actions">
      <div className="action-row" role="group" aria-label="Conversation actions">
        <div className="assign">
          <label htmlFor={ids.assignee} className="sr-only">
            Assignee
          </label>
          <select
            id={ids.assignee}
            value={assigneeId}
            aria-busy={busy === 'assign' || undefined}
            onChange={(event) => void update('assign', { assignee_id: event.target.value || null })}
          >
            <option value="">Unassigned</option>
            {!hasCurrent && conversation.assignee && <option value={conversation.assignee.id}>{conversation.assignee.name}</option>}
            {options.map((admin) => (
              <option key={admin.id} value={admin.id}>
                {admin.id === me.id ? `${admin.name} (you)` : admin.name}
              </option>
            ))}
          </select>
        </div>
        {conversation.assignee?.id !== me.id && (
          <button type="button" onClick={() => void update('assign', { assignee_id: me.id })} aria-disabled={busy !== null || undefined}>
            Assign to me
          </button>
        )}
        {state !== 'closed' && (
          <Menu
            label={state === 'snoozed' && conversation.snoozed_until ? `Snooze (snoozed until ${fullTime(conversation.snoozed_until)})` : 'Snooze'}
            items={snoozeOptions(new Date()).map((option) => ({
              label: option.label,
              onSelect: () => void update('snooze', { state: 'snoozed', snoozed_until: option.until.toISOString() }),
            }))}
            className="snooze-menu"
            align="start"
          >
            Snooze ▾
          </Menu>
        )}
        {state === 'closed' || state === 'snoozed' ? (
          <button type="button" onClick={() => void update('reopen', { state: 'open' })} aria-disabled={busy !== null || undefined}>
            {state === 'snoozed' ? 'Unsnooze' : 'Reopen'}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void update('close', { state: 'closed' })} aria-disabled={busy !== null || undefined}>
            Close
          </button>
        )}
      </div>

      <div className="tag-row">
        <ul className="tags" aria-label="Tags">
          {conversation.tags.map((name) => (
            <li key={name} className="tag-chip">
              <span>{name}</span>
              <button
                type="button"
                className="tag-remove"
                aria-label={`Remove tag ${name}`}
                onClick={() => void run('remove the tag', () => removeConversationTag(conversation.id, name))}
                aria-disabled={busy !== null || undefined}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form className="tag-form" onSubmit={(event) => void addTag(event)}>
          <label htmlFor={ids.tag} className="sr-only">
            New tag
          </label>
          <input id={ids.tag} value={tag} onChange={(event) => setTag(event.target.value)} placeholder="Add tag" maxLength={100} />
          <button type="submit" aria-label="Add tag" aria-disabled={busy !== null || !tag.trim() || undefined}>
            +
          </button>
        </form>
      </div>

      {state === 'snoozed' && conversation.snoozed_until && <p className="hint snooze-note">Snoozed until {fullTime(conversation.snoozed_until)}.</p>}
      {busy && (
        <p className="sr-only" role="status">
          Saving…
        </p>
      )}
      {error && (
        <p className="error action-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
