import { useId, useState, type FormEvent } from 'react';
import type { Me } from '../api.ts';
import {
  finishMessengerSecretRotation,
  getMessengerSecurity,
  rotateMessengerSecret,
  updateMessengerSecurity,
  type MessengerJwtAlgorithm,
  type MessengerSecurity,
} from './settings-api.ts';
import {
  CheckboxField,
  Field,
  FormError,
  LoadError,
  Loading,
  SaveOrDiscard,
  SecretRow,
  useFailureMessage,
  useFormSave,
  useSecretCopy,
  useSettingsDraft,
  useUnsavedGuard,
} from './settings-common.tsx';
import './settings-pages.css';

interface Draft {
  algorithm: MessengerJwtAlgorithm;
  jwksUrl: string;
  issuer: string;
  audience: string;
  enforced: boolean;
  lifetimeMinutes: string;
}

const FIELDS = ['algorithm', 'jwks_url', 'issuer', 'audience', 'identity_verification_enforced', 'jwt_max_lifetime_seconds'] as const;

const draftOf = (s: MessengerSecurity): Draft => ({
  algorithm: s.algorithm,
  jwksUrl: s.jwks_url ?? '',
  issuer: s.issuer ?? '',
  audience: s.audience ?? '',
  enforced: s.identity_verification_enforced,
  lifetimeMinutes: String(Math.round(s.jwt_max_lifetime_seconds / 60)),
});

export function MessengerSecurityPage({ me, onUnauthorized }: { me?: Me; onUnauthorized?(message: string): void }) {
  const canEdit = !me || me.role === 'admin';
  const fail = useFailureMessage(onUnauthorized);
  const baseId = useId();
  const { errors, setErrors, saving, formRef, focusField, submit } = useFormSave(fail, FIELDS);
  const [status, setStatus] = useState('');
  const [secret, setSecret] = useState<{ value: string; previousValid: boolean } | null>(null);
  const secretCopy = useSecretCopy(secret?.value ?? null);
  const { copied, setCopied } = secretCopy;
  const [rotationBusy, setRotationBusy] = useState(false);
  const [rotationError, setRotationError] = useState<string | null>(null);
  const [confirmingFinish, setConfirmingFinish] = useState(false);
  const { load, setLoad, reload, settings, draft, setDraft, dirty, set, saved } = useSettingsDraft(getMessengerSecurity, draftOf, fail);
  useUnsavedGuard(dirty || (secret !== null && copied !== 'copied'), 'You have unsaved changes (or a new secret you have not copied, which cannot be shown again). Leave anyway?');

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft || saving || !dirty) return;
    const minutes = Number(draft.lifetimeMinutes);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 10080) {
      setErrors({ jwt_max_lifetime_seconds: ['Must be a whole number of minutes from 1 to 10080 (7 days).'] });
      focusField('jwt_max_lifetime_seconds');
      return;
    }
    await submit(async () => {
      saved(
        await updateMessengerSecurity({
          algorithm: draft.algorithm,
          jwks_url: draft.jwksUrl.trim() || null,
          issuer: draft.issuer.trim() || null,
          audience: draft.audience.trim() || null,
          identity_verification_enforced: draft.enforced,
          jwt_max_lifetime_seconds: minutes * 60,
        }),
      );
      setStatus('Saved the messenger security settings.');
    });
  }

  async function rotate() {
    if (rotationBusy) return;
    setRotationBusy(true);
    setRotationError(null);
    try {
      const result = await rotateMessengerSecret();
      setSecret({ value: result.secret, previousValid: result.previous_secret_valid });
      setCopied('idle');
      setLoad((current) => (current.status === 'ready' ? { status: 'ready', settings: { ...current.settings, secret_set: true, previous_secret_set: result.previous_secret_valid } } : current));
    } catch (error) {
      const message = fail(error);
      if (message !== null) setRotationError(message);
    } finally {
      setRotationBusy(false);
    }
  }

  async function finish() {
    if (rotationBusy) return;
    setRotationBusy(true);
    setRotationError(null);
    try {
      const saved = await finishMessengerSecretRotation();
      setLoad({ status: 'ready', settings: saved });
      setConfirmingFinish(false);
      setStatus('Rotation finished: only the new secret is accepted now.');
    } catch (error) {
      const message = fail(error);
      if (message !== null) setRotationError(message);
    } finally {
      setRotationBusy(false);
    }
  }

  const rejections = settings ? Object.entries(settings.rejection_counts).filter(([, n]) => n > 0) : [];

  return (
    <section className="settings-page" aria-labelledby={`${baseId}-heading`}>
      <div className="page-header">
        <h1 id={`${baseId}-heading`} tabIndex={-1}>
          Messenger security
        </h1>
      </div>
      <p className="hint">
        How the messenger verifies who a customer is. Your servers sign a JWT for the signed-in user; Patchbay checks it before a connector that needs customer
        authentication runs, and only a verified identity may set protected attributes.
      </p>
      {!canEdit && <p className="notice">Only admins can see and change messenger security.</p>}

      <p className="settings-status" role="status">
        {status}
      </p>

      {load.status === 'loading' && <Loading what="messenger security" />}
      {load.status === 'error' && <LoadError what="messenger security" message={load.message} onRetry={() => void reload()} />}

      {settings && draft && (
        <>
          <section className="settings-form" aria-labelledby={`${baseId}-secret-heading`} data-testid="messenger-secret">
            <h2 id={`${baseId}-secret-heading`}>Signing secret (HS256)</h2>
            <p>
              {!settings.secret_set
                ? 'No secret yet. Create one to let your servers sign identity tokens with HS256.'
                : settings.previous_secret_set
                  ? 'Rotation in progress: tokens signed with the new secret and with the previous one are both accepted, so servers not yet updated keep working. Finish the rotation once every server uses the new secret.'
                  : 'A secret is set. Rotating creates a new one; the current one stays valid until you finish the rotation.'}
            </p>
            {secret && (
              <div className="secret-reveal" role="region" aria-label="The new secret, shown once">
                <p>
                  <strong>Copy the new secret now: it is shown only this once.</strong>{' '}
                  {secret.previousValid ? 'The previous secret stays valid until you finish the rotation.' : ''}
                </p>
                <SecretRow
                  id={`${baseId}-secret`}
                  label="New messenger secret"
                  value={secret.value}
                  what="secret"
                  failedHint="press Ctrl+C (⌘C)."
                  copy={secretCopy}
                  onDone={() => setSecret(null)}
                />
              </div>
            )}
            {canEdit && (
              <div className="settings-actions">
                {settings.previous_secret_set ? (
                  confirmingFinish ? (
                    <div className="confirm" role="group" aria-label="Finish the rotation?">
                      <span>Tokens signed with the previous secret will be refused from now on.</span>
                      <button type="button" className="danger" autoFocus aria-disabled={rotationBusy || undefined} onClick={() => void finish()}>
                        {rotationBusy ? 'Finishing…' : 'Finish rotation'}
                      </button>
                      <button type="button" onClick={() => setConfirmingFinish(false)}>
                        Not yet
                      </button>
                    </div>
                  ) : (
                    <button type="button" onClick={() => setConfirmingFinish(true)}>
                      Finish rotation…
                    </button>
                  )
                ) : (
                  <button type="button" aria-disabled={rotationBusy || undefined} onClick={() => void rotate()}>
                    {rotationBusy ? 'Creating…' : settings.secret_set ? 'Rotate secret' : 'Create secret'}
                  </button>
                )}
              </div>
            )}
            {rotationError && (
              <p className="error" role="alert">
                {rotationError}
              </p>
            )}
          </section>

          <form ref={formRef} className="settings-form" onSubmit={(e) => void save(e)} aria-labelledby={`${baseId}-form-heading`} noValidate>
            <h2 id={`${baseId}-form-heading`}>Verification</h2>
            <FormError errors={errors['']} />
            <div className="settings-fields">
              <Field id={`${baseId}-algorithm`} label="Algorithm" field="algorithm" errors={errors.algorithm} hint="HS256 uses the signing secret above; RS256 and ES256 use your public keys.">
                {(props) => (
                  <select {...props} value={draft.algorithm} disabled={!canEdit} onChange={(e) => set('algorithm', e.target.value as MessengerJwtAlgorithm)}>
                    <option value="HS256">HS256 (shared secret)</option>
                    <option value="RS256">RS256 (RSA public keys)</option>
                    <option value="ES256">ES256 (EC public keys)</option>
                  </select>
                )}
              </Field>
              <Field
                id={`${baseId}-jwks`}
                label={draft.algorithm === 'HS256' ? 'JWKS URL (optional)' : 'JWKS URL'}
                field="jwks_url"
                errors={errors.jwks_url}
                hint="Where Patchbay fetches your public keys (https; http only for localhost)."
              >
                {(props) => <input {...props} type="url" value={draft.jwksUrl} readOnly={!canEdit} placeholder="https://example.com/.well-known/jwks.json" onChange={(e) => set('jwksUrl', e.target.value)} />}
              </Field>
            </div>
            <div className="settings-fields">
              <Field id={`${baseId}-issuer`} label="Issuer (optional)" field="issuer" errors={errors.issuer} hint="When set, the token’s iss must match.">
                {(props) => <input {...props} value={draft.issuer} readOnly={!canEdit} onChange={(e) => set('issuer', e.target.value)} />}
              </Field>
              <Field id={`${baseId}-audience`} label="Audience (optional)" field="audience" errors={errors.audience} hint="When set, the token’s aud must match.">
                {(props) => <input {...props} value={draft.audience} readOnly={!canEdit} onChange={(e) => set('audience', e.target.value)} />}
              </Field>
              <Field
                id={`${baseId}-lifetime`}
                label="Longest token lifetime (minutes)"
                field="jwt_max_lifetime_seconds"
                errors={errors.jwt_max_lifetime_seconds}
                hint="Tokens valid for longer are refused; short-lived tokens limit the damage of a leaked one."
              >
                {(props) => <input {...props} inputMode="numeric" value={draft.lifetimeMinutes} readOnly={!canEdit} onChange={(e) => set('lifetimeMinutes', e.target.value)} />}
              </Field>
            </div>
            <CheckboxField
              id={`${baseId}-enforced`}
              label="Enforce identity verification"
              field="identity_verification_enforced"
              checked={draft.enforced}
              disabled={!canEdit}
              errors={errors.identity_verification_enforced}
              hint="When on, the messenger refuses users who claim an identity without a valid token. Turn it on once every page that boots the messenger sends one."
              onChange={(checked) => set('enforced', checked)}
            />
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

          <section className="settings-form" aria-labelledby={`${baseId}-rejections-heading`}>
            <h2 id={`${baseId}-rejections-heading`}>Refused identity tokens</h2>
            {rejections.length === 0 ? (
              <p className="muted">None since the server started.</p>
            ) : (
              <ul>
                {rejections.map(([reason, count]) => (
                  <li key={reason}>
                    <code>{reason}</code>: {count}
                  </li>
                ))}
              </ul>
            )}
            <p className="field-hint">Counted since the server process started; the server log has each refusal.</p>
          </section>
        </>
      )}
    </section>
  );
}

export default MessengerSecurityPage;
