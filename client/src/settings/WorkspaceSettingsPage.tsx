import { useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import { Field, FormError, LoadError, Loading, SaveOrDiscard, useFailureMessage, useFormSave, useSettingsDraft, useUnsavedGuard } from './settings-common.tsx';
import { getWorkspaceSettings, previewOtpSubject, updateWorkspaceSettings, type WorkspaceSettings } from './workspace-settings-api.ts';
import './settings-pages.css';

interface Draft {
  retentionDays: string;
  senderName: string;
  subject: string;
  intro: string;
}

const FIELDS = ['log_retention_days', 'otp_email_sender_name', 'otp_email_subject', 'otp_email_intro'] as const;

const draftOf = (s: WorkspaceSettings): Draft => ({
  retentionDays: String(s.log_retention_days),
  senderName: s.otp_email_sender_name ?? '',
  subject: s.otp_email_subject ?? '',
  intro: s.otp_email_intro ?? '',
});

export function WorkspaceSettingsPage({ me, onUnauthorized }: { me?: Me; onUnauthorized?(message: string): void }) {
  const canEdit = !me || me.role === 'admin';
  const fail = useFailureMessage(onUnauthorized);
  const baseId = useId();
  const { errors, setErrors, saving, formRef, focusField, submit } = useFormSave(fail, FIELDS);
  const [status, setStatus] = useState('');
  const { load, reload, settings, draft, setDraft, dirty, set, saved } = useSettingsDraft(getWorkspaceSettings, draftOf, fail);
  useUnsavedGuard(dirty, 'You have unsaved changes to the workspace settings. Leave anyway?');

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft || saving || !dirty) return;
    const days = Number(draft.retentionDays);
    if (!/^\d+$/.test(draft.retentionDays.trim()) || days < 1 || days > 365) {
      setErrors({ log_retention_days: ['Must be a whole number of days from 1 to 365.'] });
      focusField('log_retention_days');
      return;
    }
    await submit(async () => {
      saved(
        await updateWorkspaceSettings({
          log_retention_days: days,
          otp_email_sender_name: draft.senderName.trim() || null,
          otp_email_subject: draft.subject.trim() || null,
          otp_email_intro: draft.intro.trim() || null,
        }),
      );
      setStatus('Saved the workspace settings.');
    });
  }

  return (
    <section className="settings-page" aria-labelledby={`${baseId}-heading`}>
      <div className="page-header">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          Workspace settings
        </h1>
      </div>
      <p className="hint">How long connector runs are kept, and how the email with a customer’s one-time verification code reads.</p>
      {!canEdit && <p className="notice">Only admins can change these settings.</p>}

      <p className="settings-status" role="status">
        {status}
      </p>

      {load.status === 'loading' && <Loading what="workspace settings" />}
      {load.status === 'error' && <LoadError what="workspace settings" message={load.message} onRetry={() => void reload()} />}

      {settings && draft && (
        <form ref={formRef} className="settings-form" onSubmit={(e) => void save(e)} aria-labelledby={`${baseId}-heading`} noValidate data-testid="workspace-settings-form">
          <FormError errors={errors['']} />

          <h2 id={`${baseId}-logs-heading`}>Log retention</h2>
          <div className="settings-fields">
            <Field
              id={`${baseId}-retention`}
              label="Keep execution results for (days)"
              field="log_retention_days"
              errors={errors.log_retention_days}
              hint="From 1 to 365 days. Older connector runs are deleted every hour, with their request and response data."
            >
              {(props) => <input {...props} inputMode="numeric" value={draft.retentionDays} readOnly={!canEdit} onChange={(e) => set('retentionDays', e.target.value)} />}
            </Field>
          </div>

          <h2 id={`${baseId}-otp-heading`}>One-time code email</h2>
          <div className="settings-fields">
            <Field
              id={`${baseId}-sender`}
              label="Sender name (optional)"
              field="otp_email_sender_name"
              errors={errors.otp_email_sender_name}
              hint="Shown with the server’s sender address (SMTP_FROM); the address itself does not change."
            >
              {(props) => <input {...props} value={draft.senderName} readOnly={!canEdit} placeholder="e.g. Acme Support" onChange={(e) => set('senderName', e.target.value)} />}
            </Field>
            <Field
              id={`${baseId}-subject`}
              label="Subject (optional)"
              field="otp_email_subject"
              errors={errors.otp_email_subject}
              hint={
                <>
                  Up to 150 characters on one line; <code>{'{{workspace.name}}'}</code> is replaced by the workspace name.
                </>
              }
            >
              {(props) => <input {...props} value={draft.subject} readOnly={!canEdit} placeholder={settings.default_otp_email_subject} onChange={(e) => set('subject', e.target.value)} />}
            </Field>
          </div>
          <p className="field-hint" data-testid="otp-subject-preview" aria-live="polite">
            Customers will see the subject: <strong>{previewOtpSubject(draft.subject, settings)}</strong>
          </p>
          <Field
            id={`${baseId}-intro`}
            label="Introduction (optional)"
            field="otp_email_intro"
            errors={errors.otp_email_intro}
            hint="Up to 500 characters, shown before the code. The code, how long it is valid and a security note always follow."
          >
            {(props) => <textarea {...props} rows={3} value={draft.intro} readOnly={!canEdit} onChange={(e) => set('intro', e.target.value)} />}
          </Field>

          {canEdit && (
            <SaveOrDiscard
              saving={saving}
              dirty={dirty}
              onDiscard={() => {
                setDraft(draftOf(settings));
                setErrors({});
              }}
            />
          )}
        </form>
      )}
    </section>
  );
}

export default WorkspaceSettingsPage;
