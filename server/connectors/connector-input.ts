import { z } from 'zod';
import { audienceRulesSchema } from './audiences/audience-rules.ts';
import { AUDIENCE_MODES } from './audiences/connector-audience.ts';

// The request bodies of POST and PATCH /data_connectors: the reference's
// create/update requests plus Patchbay's documented extensions. Unknown fields
// are rejected so a typo never silently does nothing.
export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export const AUDIENCES = ['leads', 'users', 'visitors'] as const;
export const DATA_INPUT_TYPES = ['string', 'integer', 'decimal', 'boolean'] as const;
export const RESPONSE_FIELD_TYPES = ['unknown', 'string', 'integer', 'decimal', 'datetime', 'boolean'] as const;
export const FORMATTERS = ['none', 'boolean_text', 'unix_seconds_to_iso', 'unix_ms_to_iso', 'minor_units_to_amount', 'zero_as_text'] as const;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const oneOf = (values: readonly string[], what: string) => ({ error: `${what} must be one of: ${values.join(', ')}` });

export const dataInputSchema = z
  .strictObject({
    name: z.string().regex(IDENTIFIER, 'must start with a letter or underscore and contain only letters, digits and underscores').max(64),
    type: z.enum(DATA_INPUT_TYPES, oneOf(DATA_INPUT_TYPES, 'type')).default('string'),
    description: z.string().max(1000).nullish().transform((v) => v ?? ''),
    required: z.boolean().default(false),
    default_value: z.string().max(1000).nullish().transform((v) => v ?? ''),
  })
  .superRefine((input, ctx) => {
    const value = input.default_value;
    if (value === '') return;
    const ok =
      input.type === 'integer' ? /^-?\d+$/.test(value)
      : input.type === 'decimal' ? /^-?\d+(\.\d+)?$/.test(value)
      : input.type === 'boolean' ? value === 'true' || value === 'false'
      : true;
    if (!ok) ctx.addIssue({ code: 'custom', path: ['default_value'], message: `is not a valid ${input.type}` });
  });

const responseFieldSchema = z.strictObject({
  path: z.string().min(1, 'must not be empty').max(500),
  type: z.enum(RESPONSE_FIELD_TYPES, oneOf(RESPONSE_FIELD_TYPES, 'type')).default('unknown'),
  example_value: z.unknown().optional().transform((v) => v ?? null),
  redacted: z.boolean().default(false),
  label: z.string().max(200).nullish().transform((v) => v || null),
  formatter: z.enum(FORMATTERS, oneOf(FORMATTERS, 'formatter')).nullish().transform((v) => v ?? null),
  formatter_options: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? null),
  selected: z.boolean().default(false),
});

const objectMappingSchema = z.strictObject({
  response_object_path: z.string().max(500).default(''),
  intercom_object_type: z.enum(['conversation', 'user'], oneOf(['conversation', 'user'], 'intercom_object_type')),
  attribute_mappings: z
    .array(
      z.strictObject({
        response_attribute_path: z.string().min(1, 'must not be empty').max(500),
        intercom_attribute_identifier: z.string().min(1, 'must not be empty').max(200),
        mapping_type: z.enum(['primitive_mapping', 'context_mapping']).default('primitive_mapping'),
      }),
    )
    .max(100)
    .default([]),
  reference_mappings: z
    .array(
      z.strictObject({
        intercom_object_type: z.enum(['conversation', 'user']),
        intercom_attribute_identifier: z.string().min(1).max(200),
      }),
    )
    .max(20)
    .default([]),
});

const connectorFields = {
  name: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  description: z.string().max(5000).nullable(),
  http_method: z.enum(HTTP_METHODS, { error: `Http Method isn't an option: must be one of ${HTTP_METHODS.join(', ')}` }),
  url: z.string().trim().max(2048, 'must be at most 2048 characters').nullable(),
  body: z.string().max(100_000, 'must be at most 100000 characters').nullable(),
  headers: z
    .array(
      z.strictObject({
        name: z.string().regex(HEADER_NAME, 'must be a valid HTTP header name').max(256),
        value: z.string().max(8192),
      }),
    )
    .max(50),
  direct_fin_usage: z.boolean(),
  audiences: z.array(z.enum(AUDIENCES, { error: `Invalid audiences. Must be a subset of: ${AUDIENCES.join(', ')}` })).max(3),
  // Patchbay extension (audiences/connector-audience.ts): everyone, reusable audiences or custom rules.
  audience_mode: z.enum(AUDIENCE_MODES, oneOf(AUDIENCE_MODES, 'audience_mode')),
  audience_ids: z.array(z.string().regex(/^[1-9]\d{0,9}$/, 'must be an audience id')).max(20, 'at most 20 audiences'),
  audience_rules: audienceRulesSchema.nullable(),
  execution_type: z.enum(['server_side', 'client_side']),
  client_function_name: z.string().regex(IDENTIFIER, 'must be a JavaScript identifier').max(100).nullable(),
  client_function_timeout_ms: z.number().int().min(100).max(60_000).nullable(),
  data_transformation_type: z.enum(['full_access', 'redacted_access', 'code_block_transformation']),
  data_inputs: z.array(dataInputSchema).max(50),
  response_fields: z.array(responseFieldSchema).max(500),
  object_mappings: z.array(objectMappingSchema).max(20),
  token_ids: z.array(z.string().regex(/^\d+$/, 'must be a token id')).max(10),
  customer_authentication: z.boolean(),
  bypass_authentication: z.boolean(),
  validate_missing_attributes: z.boolean().nullable(),
  mock_response: z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())], { error: 'must be a JSON object or array' }).nullable(),
  example_questions: z.array(z.string().trim().min(1).max(500)).max(20),
  code_block: z.string().max(50_000).nullable(),
  response_logging: z.enum(['full', 'redacted_formatted', 'none']),
  timeout_ms: z.number().int().min(100).max(15_000).nullable(),
  max_response_bytes: z.number().int().min(1).max(10 * 1024 * 1024).nullable(),
};

const optionalFields = Object.fromEntries(Object.entries(connectorFields).map(([k, v]) => [k, v.optional()])) as {
  [K in keyof typeof connectorFields]: z.ZodOptional<(typeof connectorFields)[K]>;
};

export const createConnectorSchema = z.strictObject({ ...optionalFields, name: connectorFields.name });
export const updateConnectorSchema = z.strictObject({
  ...optionalFields,
  state: z.enum(['draft', 'live'], { error: 'Invalid state. Must be one of: draft, live' }).optional(),
  // Patchbay extension: setting live despite high-severity security findings (security-check.ts).
  security_acknowledgement: z.boolean({ error: 'security_acknowledgement must be true or false' }).optional(),
  // Patchbay extension: discard the draft's edits (update-connector.ts).
  revert_draft: z.literal(true, { error: 'revert_draft must be true' }).optional(),
});

export type ConnectorFieldsInput = z.output<typeof createConnectorSchema>;
export type CreateConnectorInput = z.output<typeof createConnectorSchema>;
export type UpdateConnectorInput = z.output<typeof updateConnectorSchema>;
export type DataInput = z.output<typeof dataInputSchema>;
export type ResponseField = z.output<typeof responseFieldSchema>;
export type ObjectMapping = z.output<typeof objectMappingSchema>;
