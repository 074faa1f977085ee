// The first step of every run (DESIGN.md): is this connector for this
// customer, and has the customer proved who they are when the connector
// needs it?
//
// - Audience: the contact's role must be one the connector targets
//   (`audiences`), and the contact must match its reusable audiences or
//   custom rules. Outside it, the run fails with request_configuration_error,
//   the reference's error type for "this connector is not set up to run
//   here". The AI agent does not even see such connectors
//   (listConnectorsForCustomer).
// - Customer authentication (`customer_authentication` on and
//   `bypass_authentication` off): the messenger was booted with a verified
//   identity JWT, or the contact verified an emailed code in this
//   conversation, for its current email, in the last 30 minutes. Otherwise
//   fin_action_identity_verification_error for the AI agent and
//   non_fin_standalone_action_identity_verification_error for every other
//   caller, with otpAvailable when a code can be emailed; a contact without
//   an email gets email_verification_error (nothing can be verified).
//
// Customer authentication is about the customer proving who they are to the
// AI agent or the messenger. A teammate running a connector from the inbox
// (Cmd+K, the message menu, a macro) is not the customer and has signed in
// themselves: their runs are never refused for it. The audience still applies
// to them: a connector is not for contacts outside it, whoever runs it.
//
// A run without a contact has no customer to target: the audience does not
// apply, and customer authentication refuses only the callers that act for a
// customer (AI agent, bots, workflows); teammates and the REST API choose
// their inputs themselves.
import type { Db } from '../../db/client.ts';
import type { Contact, DataConnectorVersion } from '../../db/generated/sqlite/client.ts';
import { findOtpVerification } from '../../identity/otp/otp-verification.ts';
import { audienceSubject, type CustomerIdentity } from '../audiences/audience-subject.ts';
import { audienceRefusal, loadTargetedAudiences } from '../audiences/connector-audience.ts';
import type { ExecutionErrorType } from '../execution-result-view.ts';
import type { SourceType } from './run-connector.ts';

export interface GateRequest {
  workspaceId: number;
  version: DataConnectorVersion;
  contact: Contact | null;
  conversationId: number | null;
  customer: CustomerIdentity | undefined;
  sourceType: SourceType | null;
  now: Date;
}

export interface GateRefusal {
  errorType: ExecutionErrorType;
  message: string;
  // The customer can pass by verifying a code emailed to them (POST /messenger/otp/request).
  otpAvailable: boolean;
}

type GateDb = Pick<Db, 'audience' | 'otpChallenge'>;

// Sources where a teammate, not the customer, starts the run.
const TEAMMATE_SOURCES: ReadonlySet<SourceType | null> = new Set<SourceType | null>(['inbox', 'saved_reply']);

export const requiresCustomerAuthentication = (version: Pick<DataConnectorVersion, 'customerAuthentication' | 'bypassAuthentication'>) =>
  version.customerAuthentication && !version.bypassAuthentication;

export async function checkConnectorGate(db: GateDb, request: GateRequest): Promise<GateRefusal | null> {
  const { version, contact } = request;
  if (contact) {
    const audiences = await loadTargetedAudiences(db, request.workspaceId, [version]);
    const outside = audienceRefusal(version, audienceSubject(contact, request.customer), audiences, request.now);
    if (outside) return { errorType: 'request_configuration_error', message: `Not available for this customer: ${outside}`, otpAvailable: false };
  }
  if (!requiresCustomerAuthentication(version) || TEAMMATE_SOURCES.has(request.sourceType)) return null;
  if (!contact) {
    // The REST API without a source_type: an API client, not a customer.
    if (request.sourceType === null) return null;
    return identityRefusal(request, `"${version.name}" needs a verified customer, and this run has none`, false);
  }
  const status = await authenticationStatus(db, { contact, conversationId: request.conversationId, customer: request.customer, now: request.now });
  if (status === 'verified') return null;
  if (status === 'no_email') {
    return {
      errorType: 'email_verification_error',
      message: `"${version.name}" needs the customer to verify their identity, but they have no email address to send a code to: ask for their email address, or have them sign in to the messenger`,
      otpAvailable: false,
    };
  }
  return identityRefusal(request, `"${version.name}" needs the customer to verify their identity first: they can confirm a one-time code sent to their email address`, true);
}

function identityRefusal(request: Pick<GateRequest, 'sourceType'>, message: string, otpAvailable: boolean): GateRefusal {
  return {
    errorType: request.sourceType === 'fin' ? 'fin_action_identity_verification_error' : 'non_fin_standalone_action_identity_verification_error',
    message,
    otpAvailable,
  };
}

export type AuthenticationStatus = 'verified' | 'unverified' | 'no_email';

export async function authenticationStatus(
  db: Pick<Db, 'otpChallenge'>,
  input: { contact: Contact; conversationId: number | null; customer: CustomerIdentity | undefined; now: Date },
): Promise<AuthenticationStatus> {
  if (input.customer?.identityVerified) return 'verified';
  if (!input.contact.email?.trim()) return 'no_email';
  const otp = await findOtpVerification(db, { contact: input.contact, conversationId: input.conversationId, now: input.now });
  return otp ? 'verified' : 'unverified';
}
