import { z } from 'zod';
import { audienceRulesSchema } from './audience-rules.ts';

const name = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const description = z.string().max(5000, 'must be at most 5000 characters').nullable();

export const createAudienceSchema = z.strictObject({
  name,
  description: description.optional(),
  rules: audienceRulesSchema,
});

export const updateAudienceSchema = z.strictObject({
  name: name.optional(),
  description: description.optional(),
  rules: audienceRulesSchema.optional(),
});

export type CreateAudienceInput = z.output<typeof createAudienceSchema>;
export type UpdateAudienceInput = z.output<typeof updateAudienceSchema>;
