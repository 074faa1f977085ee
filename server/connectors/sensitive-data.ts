// Name and value heuristics the security check uses to recognise customer
// identifiers, personal data, payment card numbers, national ids and secrets
// in connector configurations and example responses. They read names the way
// APIs write them: snake_case, camelCase, kebab-case.

// "cardNumber" -> ["card", "number"], "E-Mail_Address" -> ["email", "address"]
export function nameTokens(name: string): string[] {
  return name
    .replace(/e-mail/gi, 'email')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

const joined = (tokens: string[]) => tokens.join('_');
const hasRun = (tokens: string[], run: string) => `_${joined(tokens)}_`.includes(`_${run}_`);

// Who a customer is: emails, phone numbers, user/customer/account ids.
const IDENTIFIER_TOKENS = new Set(['email', 'emailaddress', 'phone', 'mobile', 'msisdn', 'username', 'login', 'uid', 'userid', 'customerid', 'accountid', 'memberid', 'contactid', 'clientid', 'accountnumber', 'customernumber', 'ssn']);
const ENTITY_TOKENS = new Set(['user', 'customer', 'account', 'member', 'contact', 'client', 'profile', 'person', 'subscriber', 'patient', 'employee']);
const ENTITY_KEYS = new Set(['id', 'uuid', 'number', 'no', 'num', 'ref', 'reference', 'key', 'email', 'phone', 'handle', 'name']);

export function looksLikeCustomerIdentifier(name: string): boolean {
  const tokens = nameTokens(name);
  if (tokens.some((t) => IDENTIFIER_TOKENS.has(t))) return true;
  return tokens.some((t, i) => ENTITY_TOKENS.has(t) && (i === tokens.length - 1 || ENTITY_KEYS.has(tokens[i + 1]!)));
}

// Personal data about a person (GDPR's sense): contact details, names, birth dates, addresses.
const PERSONAL_RUNS = [
  'email', 'emailaddress', 'phone', 'phone_number', 'mobile', 'msisdn', 'telephone', 'tel', 'fax',
  'address', 'street', 'address_line1', 'address_line2', 'line1', 'line2', 'postal_code', 'postcode', 'zip', 'zip_code', 'zipcode',
  'first_name', 'firstname', 'last_name', 'lastname', 'full_name', 'fullname', 'given_name', 'family_name', 'surname', 'middle_name', 'maiden_name', 'display_name',
  'dob', 'date_of_birth', 'birth_date', 'birthdate', 'birthday', 'ip_address', 'ip',
  'ssn', 'social_security_number', 'national_id', 'passport', 'passport_number',
];
const PERSON_CONTEXT = new Set(['customer', 'user', 'contact', 'billing', 'shipping', 'recipient', 'owner', 'holder', 'cardholder', 'member', 'person', 'account', 'profile', 'sender', 'buyer', 'patient', 'employee']);

// `ancestors` are the path segments above the key ("customer" for customer.name).
export function looksLikePersonalData(key: string, ancestors: string[] = []): boolean {
  const tokens = nameTokens(key);
  if (PERSONAL_RUNS.some((run) => hasRun(tokens, run))) return true;
  // A bare "name" is a person's at the top of a customer lookup or under a person-like object, not an item's.
  if (joined(tokens) === 'name') return ancestors.length === 0 || ancestors.some((a) => nameTokens(a).some((t) => PERSON_CONTEXT.has(t)));
  return false;
}

export type SensitiveKind = 'card_number' | 'national_id' | 'secret';

const CARD_RUNS = ['card_number', 'cardnumber', 'cc_number', 'ccnumber', 'credit_card', 'creditcard', 'credit_card_number', 'pan', 'card_no', 'cvv', 'cvc', 'cvv2', 'security_code', 'iban', 'bank_account_number', 'account_number'];
const NATIONAL_ID_RUNS = ['ssn', 'social_security', 'social_security_number', 'national_id', 'national_insurance_number', 'nino', 'tax_id', 'tin', 'sin', 'passport', 'passport_number', 'drivers_license', 'driver_license', 'driving_licence', 'license_number', 'personal_id_number', 'id_number'];
const SECRET_RUNS = ['password', 'passwd', 'pwd', 'secret', 'client_secret', 'token', 'access_token', 'refresh_token', 'id_token', 'api_key', 'apikey', 'private_key', 'secret_key', 'pin', 'session_id', 'session_token', 'credentials'];
// Words that make a secret-sounding name describe the secret instead ("token_type", "password_updated_at").
const ABOUT_A_SECRET = new Set(['type', 'count', 'expires', 'expiry', 'expires_at', 'expires_in', 'url', 'at', 'updated', 'set', 'length', 'hint', 'required', 'enabled', 'scope']);

export function sensitiveKindOfName(key: string): SensitiveKind | null {
  const tokens = nameTokens(key);
  // The last four digits of a card are what receipts show; they are not the card number.
  if (tokens.some((t) => t === 'last4' || t === 'last' || t === 'masked' || t === 'brand' || t === 'expiry' || t === 'exp')) return null;
  if (CARD_RUNS.some((run) => hasRun(tokens, run))) return 'card_number';
  if (NATIONAL_ID_RUNS.some((run) => hasRun(tokens, run))) return 'national_id';
  if (SECRET_RUNS.some((run) => hasRun(tokens, run)) && !tokens.some((t) => ABOUT_A_SECRET.has(t))) return 'secret';
  return null;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function sensitiveKindOfValue(value: unknown): SensitiveKind | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : null;
  if (text === null) return null;
  const digits = text.replace(/[ -]/g, '');
  if (/^\d{13,19}$/.test(digits) && /^[\d -]+$/.test(text) && luhnValid(digits)) return 'card_number';
  if (/^\d{3}-\d{2}-\d{4}$/.test(text)) return 'national_id';
  if (/^(sk|rk)_(live|test)_[A-Za-z0-9]{10,}$/.test(text) || /^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return 'secret';
  return null;
}

export const looksLikeEmailValue = (value: unknown) => typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());

// Credential-like query parameter names.
export function looksLikeSecretParameter(name: string): boolean {
  const tokens = nameTokens(name);
  return ['key', 'apikey', 'api_key', 'token', 'access_token', 'auth', 'secret', 'client_secret', 'password', 'passwd', 'pwd', 'signature', 'sig', 'credential', 'credentials', 'session', 'sid']
    .some((run) => hasRun(tokens, run));
}

// Long values with the character mix of generated keys rather than words or ids.
export function looksRandom(value: string): boolean {
  if (value.length < 20 || !/^[A-Za-z0-9_\-+/=.~]+$/.test(value)) return false;
  if (!/[A-Za-z]/.test(value) || !/\d/.test(value)) return false;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / value.length) * Math.log2(n / value.length);
  return entropy >= 3.5;
}
