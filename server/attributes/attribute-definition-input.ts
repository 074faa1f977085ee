import { z } from 'zod';

export const ATTRIBUTE_TARGETS = ['contact', 'conversation', 'company'] as const;
export const ATTRIBUTE_DATA_TYPES = ['string', 'integer', 'decimal', 'boolean', 'datetime'] as const;

// Names are read back in templates ({{user.plan}}) and object mappings, so
// they must survive there unquoted: letters, digits and underscores.
export const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(190, 'must be at most 190 characters')
  .regex(ATTRIBUTE_NAME_PATTERN, 'must start with a letter or underscore and contain only letters, digits and underscores');
const label = z.string().trim().max(255, 'must be at most 255 characters').nullable();
const description = z.string().max(5000, 'must be at most 5000 characters').nullable();
const target = z.enum(ATTRIBUTE_TARGETS, { error: `must be one of: ${ATTRIBUTE_TARGETS.join(', ')}` });
const dataType = z.enum(ATTRIBUTE_DATA_TYPES, { error: `must be one of: ${ATTRIBUTE_DATA_TYPES.join(', ')}` });

export const createAttributeDefinitionSchema = z.strictObject({
  target,
  name,
  label: label.optional(),
  description: description.optional(),
  data_type: dataType.optional(),
  protected: z.boolean({ error: 'must be true or false' }).optional(),
});

// The name is fixed once created: templates, mappings, audiences and stored
// values all refer to it.
export const updateAttributeDefinitionSchema = z.strictObject({
  label: label.optional(),
  description: description.optional(),
  data_type: dataType.optional(),
  protected: z.boolean({ error: 'must be true or false' }).optional(),
});

export const listAttributeDefinitionsQuery = z.object({ target: target.optional() });

export type CreateAttributeDefinitionInput = z.output<typeof createAttributeDefinitionSchema>;
export type UpdateAttributeDefinitionInput = z.output<typeof updateAttributeDefinitionSchema>;
