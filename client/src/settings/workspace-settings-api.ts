import { apiRequest } from '../api.ts';

export interface WorkspaceSettingsWrite {
  log_retention_days: number;
  otp_email_sender_name: string | null;
  otp_email_subject: string | null;
  otp_email_intro: string | null;
}

export interface WorkspaceSettings extends WorkspaceSettingsWrite {
  type: 'workspace_settings';
  workspace_name: string;
  default_otp_email_subject: string;
}

export const getWorkspaceSettings = (signal?: AbortSignal) => apiRequest<WorkspaceSettings>('/workspace_settings', { signal });
export const updateWorkspaceSettings = (body: Partial<WorkspaceSettingsWrite>) => apiRequest<WorkspaceSettings>('/workspace_settings', { method: 'PATCH', body });

// Mirrors the server's otpEmailSubject: the subject the customer will see.
export function previewOtpSubject(subject: string, settings: Pick<WorkspaceSettings, 'workspace_name' | 'default_otp_email_subject'>): string {
  const trimmed = subject.trim();
  return trimmed ? trimmed.split('{{workspace.name}}').join(settings.workspace_name) : settings.default_otp_email_subject;
}
