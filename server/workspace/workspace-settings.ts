// Workspace-wide settings that are not tied to one feature page: how long the
// connector run log is kept, and how the one-time code email reads.
import { z } from 'zod';
import type { Actor } from '../connectors/connector-deps.ts';
import type { Db } from '../db/client.ts';
import { notFound } from '../http/app-error.ts';

export const MIN_LOG_RETENTION_DAYS = 1;
export const MAX_LOG_RETENTION_DAYS = 365;
export const WORKSPACE_NAME_PLACEHOLDER = '{{workspace.name}}';

// A CR or LF in a header value would let the text add headers of its own.
const headerText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => !/[\r\n]/.test(value), 'must be a single line (no line breaks)');

// Empty text means "use the default", stored as null.
const orDefault = <T extends z.ZodType<string>>(schema: T) =>
  schema
    .nullable()
    .optional()
    .transform((value) => (value === '' ? null : value));

export const updateWorkspaceSettingsSchema = z.strictObject({
  log_retention_days: z.number().int().min(MIN_LOG_RETENTION_DAYS).max(MAX_LOG_RETENTION_DAYS).optional(),
  otp_email_sender_name: orDefault(headerText(100)),
  otp_email_subject: orDefault(headerText(150)),
  otp_email_intro: orDefault(z.string().trim().max(500)),
});
export type UpdateWorkspaceSettingsInput = z.output<typeof updateWorkspaceSettingsSchema>;

export interface WorkspaceSettingsView {
  type: 'workspace_settings';
  workspace_name: string;
  log_retention_days: number;
  otp_email_sender_name: string | null;
  otp_email_subject: string | null;
  otp_email_intro: string | null;
  default_otp_email_subject: string;
}

interface WorkspaceRow {
  name: string;
  logRetentionDays: number;
  otpEmailSenderName: string | null;
  otpEmailSubject: string | null;
  otpEmailIntro: string | null;
}

export const defaultOtpEmailSubject = (workspaceName: string) => `Your ${workspaceName} verification code`;

// The subject the code email goes out with. The workspace name is inserted
// after validation, so it is stripped of line breaks here as well.
export function otpEmailSubject(workspace: Pick<WorkspaceRow, 'name' | 'otpEmailSubject'>): string {
  const name = workspace.name.replace(/[\r\n]+/g, ' ');
  if (!workspace.otpEmailSubject) return defaultOtpEmailSubject(name);
  return workspace.otpEmailSubject.split(WORKSPACE_NAME_PLACEHOLDER).join(name);
}

function view(workspace: WorkspaceRow): WorkspaceSettingsView {
  return {
    type: 'workspace_settings',
    workspace_name: workspace.name,
    log_retention_days: workspace.logRetentionDays,
    otp_email_sender_name: workspace.otpEmailSenderName,
    otp_email_subject: workspace.otpEmailSubject,
    otp_email_intro: workspace.otpEmailIntro,
    default_otp_email_subject: defaultOtpEmailSubject(workspace.name),
  };
}

const missingWorkspace = () => notFound('workspace_not_found', 'Workspace not found');

export async function getWorkspaceSettings(deps: { db: Db }, actor: Actor): Promise<WorkspaceSettingsView> {
  const workspace = await deps.db.workspace.findUnique({ where: { id: actor.workspaceId } });
  if (!workspace) throw missingWorkspace();
  return view(workspace);
}

export async function updateWorkspaceSettings(deps: { db: Db }, actor: Actor, input: UpdateWorkspaceSettingsInput): Promise<WorkspaceSettingsView> {
  return deps.db.$transaction(async (tx) => {
    const existing = await tx.workspace.findUnique({ where: { id: actor.workspaceId }, select: { id: true } });
    if (!existing) throw missingWorkspace();
    const updated = await tx.workspace.update({
      where: { id: actor.workspaceId },
      data: {
        ...(input.log_retention_days !== undefined && { logRetentionDays: input.log_retention_days }),
        ...(input.otp_email_sender_name !== undefined && { otpEmailSenderName: input.otp_email_sender_name }),
        ...(input.otp_email_subject !== undefined && { otpEmailSubject: input.otp_email_subject }),
        ...(input.otp_email_intro !== undefined && { otpEmailIntro: input.otp_email_intro }),
      },
    });
    return view(updated);
  });
}
