import type { Contact } from '../../db/generated/sqlite/client.ts';
import { isEmailVerified } from '../../identity/otp/otp-verification.ts';
import { isPlainObject } from '../pipeline/own-json.ts';
import type { AudienceSubject } from './matches-audience.ts';

export interface CustomerIdentity {
  // The messenger was booted with a valid identity JWT.
  identityVerified: boolean;
}

// What audience rules can see of a contact: custom attributes, then the
// standard ones over them (as templates read them), and what it has proved.
export function audienceSubject(
  contact: Pick<Contact, 'role' | 'email' | 'name' | 'externalId' | 'customAttributes' | 'emailVerifiedAt' | 'verifiedEmail'>,
  customer: CustomerIdentity | undefined,
): AudienceSubject {
  const custom = isPlainObject(contact.customAttributes) ? Object.entries(contact.customAttributes) : [];
  return {
    role: contact.role,
    attributes: Object.fromEntries([...custom, ['email', contact.email], ['name', contact.name], ['user_id', contact.externalId]]),
    emailVerified: isEmailVerified(contact),
    identityVerified: customer?.identityVerified === true,
  };
}
