// The live connectors a customer may use, for the AI agent: connectors whose
// audience excludes the customer are left out (so the agent never offers
// them), and each one says whether the customer must verify first.
import type { Db } from '../../db/client.ts';
import type { Contact, DataConnectorVersion } from '../../db/generated/sqlite/client.ts';
import { authenticationStatus, requiresCustomerAuthentication, type AuthenticationStatus } from '../pipeline/connector-gate.ts';
import { audienceSubject, type CustomerIdentity } from './audience-subject.ts';
import { audienceRefusal, loadTargetedAudiences } from './connector-audience.ts';

export interface CustomerConnector {
  connectorId: number;
  version: DataConnectorVersion;
  // not_required, or the customer's status when the connector needs authentication.
  authentication: 'not_required' | AuthenticationStatus;
  // Verifying an emailed code would let the customer use it.
  otpAvailable: boolean;
}

export interface ListConnectorsForCustomerInput {
  workspaceId: number;
  contact: Contact;
  conversationId: number | null;
  customer: CustomerIdentity | undefined;
  now: Date;
  // Only connectors the AI agent may call on its own (direct_fin_usage).
  directOnly?: boolean;
}

export async function listConnectorsForCustomer(db: Pick<Db, 'dataConnector' | 'audience' | 'otpChallenge'>, input: ListConnectorsForCustomerInput): Promise<CustomerConnector[]> {
  const connectors = await db.dataConnector.findMany({
    where: { workspaceId: input.workspaceId, state: 'live' },
    include: { versions: { where: { kind: 'live', ...(input.directOnly && { directFinUsage: true }) } } },
    orderBy: { id: 'asc' },
  });
  const live = connectors.flatMap((c) => (c.versions[0] ? [{ connectorId: c.id, version: c.versions[0] }] : []));
  const audiences = await loadTargetedAudiences(db, input.workspaceId, live.map((l) => l.version));
  const subject = audienceSubject(input.contact, input.customer);
  const inAudience = live.filter((l) => audienceRefusal(l.version, subject, audiences, input.now) === null);

  let status: AuthenticationStatus | undefined;
  const statusOnce = async () => (status ??= await authenticationStatus(db, { contact: input.contact, conversationId: input.conversationId, customer: input.customer, now: input.now }));
  const result: CustomerConnector[] = [];
  for (const { connectorId, version } of inAudience) {
    const authentication = requiresCustomerAuthentication(version) ? await statusOnce() : 'not_required';
    result.push({ connectorId, version, authentication, otpAvailable: authentication === 'unverified' });
  }
  return result;
}
