import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';
import type { HostLookup } from '../connectors/security-check.ts';
import type { Mailer } from '../email/mailer.ts';
import type { LoginRateLimiter } from '../identity/login-rate-limit.ts';
import type { OtpVerifiedEvent } from '../identity/otp/otp-routes.ts';
import type { AnswerFn } from '../agent/resume-after-verification.ts';
import type { ChatModel } from '../agent/llm/chat-completions-client.ts';
import type { CustomerMessageEvent } from '../messenger/messenger-conversations.ts';

// Everything the HTTP layer needs: the connector pipeline's dependencies (db,
// secrets, logger, realtime bus, guarded HTTP) plus what only the app serves.
export interface AppDeps extends PipelineDeps {
  // Where the built client lives; undefined serves no client (API-only tests).
  clientDistDir?: string | undefined;
  // Serve the demo's fake billing API under /demo-api.
  demoApi?: boolean;
  // PATCHBAY_PUBLIC_URL; when https, session cookies are always Secure.
  publicUrl?: string | undefined;
  // Sign-in attempt limits; one in-process limiter per app by default.
  loginRateLimiter?: LoginRateLimiter | undefined;
  // DNS for the connector security check (private targets); without it only
  // IP literals and localhost are judged, so tests never query DNS.
  hostLookup?: HostLookup | undefined;
  // Outgoing email (one-time codes): SMTP, or the outbox admins read.
  mailer?: Mailer | undefined;
  // The demo prints one-time codes to stderr besides emailing them.
  revealOtpCode?: ((line: string) => void) | undefined;
  // Called after a customer's messenger message is committed (the AI agent
  // answers through it). Not awaited by the response; its errors are logged.
  onCustomerMessage?: ((event: CustomerMessageEvent) => void | Promise<void>) | undefined;
  // Called after a customer verified an emailed one-time code in the messenger
  // (the AI agent answers the question that waited for it). Not awaited; errors are logged.
  onOtpVerified?: ((event: OtpVerifiedEvent) => void | Promise<void>) | undefined;
  // The agent that answers customers outside the messenger (Fin Agent API);
  // the deterministic one when unset.
  answerCustomer?: AnswerFn | undefined;
  // The configured language model (LLM_BASE_URL, LLM_MODEL): the admin's agent
  // preview asks it, as the messenger agent would. Unset: the deterministic preview.
  chatModel?: ChatModel | undefined;
}
