import { z } from 'zod';

// The request bodies of POST and PATCH /macros. Unknown fields are rejected so
// a typo never silently does nothing; every message names the field
// (`actions.2.minutes`) and the rule it broke.
export const MACRO_VISIBILITIES = ['everyone', 'me'] as const;
export const MACRO_CHANNELS = ['inbox', 'messenger'] as const;
export const ACTION_TYPES = ['reply', 'note', 'add_tag', 'remove_tag', 'set_attribute', 'assign', 'snooze', 'close', 'run_connector'] as const;
export const ATTRIBUTE_TARGETS = ['contact', 'conversation'] as const;

export const MAX_ACTIONS = 20;
export const MAX_BODY_LENGTH = 10_000;
// A year: longer than that is not a snooze.
export const MAX_SNOOZE_MINUTES = 525_600;

// Wrong-type messages that leave a missing field to zod's default, which the
// API reports as "<field> is required".
const wrongType = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? undefined : message) });
const oneOf = (values: readonly string[]) => ({ error: `must be one of: ${values.join(', ')}` });
const text = (max: number) =>
  z
    .string(wrongType('must be a string'))
    .max(max, `must be at most ${max} characters`)
    .refine((v) => v.trim() !== '', 'must not be empty');
const id = z.string(wrongType('must be a string id')).regex(/^[1-9]\d{0,9}$/, 'must be a numeric id such as "12"');
const attributeValue = z.union([z.string().max(MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`), z.number(), z.boolean(), z.null()], {
  error: 'must be a string, number, boolean or null',
});

export const macroActionSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('reply'), body: text(MAX_BODY_LENGTH) }),
    z.strictObject({ type: z.literal('note'), body: text(MAX_BODY_LENGTH) }),
    z.strictObject({ type: z.literal('add_tag'), tag: text(100) }),
    z.strictObject({ type: z.literal('remove_tag'), tag: text(100) }),
    z.strictObject({
      type: z.literal('set_attribute'),
      target: z.enum(ATTRIBUTE_TARGETS, oneOf(ATTRIBUTE_TARGETS)),
      name: z.string(wrongType('must be a string')).min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
      value: attributeValue,
    }),
    z.strictObject({
      type: z.literal('assign'),
      assignee_id: z
        .string(wrongType('must be an admin id, "me" or null'))
        .nullable()
        .refine((v) => v === null || v === 'me' || /^[1-9]\d{0,9}$/.test(v), 'must be an admin id, "me" or null'),
    }),
    z.strictObject({
      type: z.literal('snooze'),
      minutes: z
        .number(wrongType('must be a whole number of minutes'))
        .int('must be a whole number of minutes')
        .min(1, 'must be at least 1')
        .max(MAX_SNOOZE_MINUTES, `must be at most ${MAX_SNOOZE_MINUTES} (a year)`),
    }),
    z.strictObject({ type: z.literal('close') }),
    z.strictObject({
      type: z.literal('run_connector'),
      data_connector_id: id,
      inputs: z
        .record(z.string(), z.string(wrongType('must be a string (placeholders allowed)')).max(MAX_BODY_LENGTH, `must be at most ${MAX_BODY_LENGTH} characters`))
        .refine((v) => Object.keys(v).length <= 50, 'must have at most 50 inputs')
        .default({}),
    }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `must be one of: ${ACTION_TYPES.join(', ')}` : undefined) },
);

const name = z.string(wrongType('must be a string')).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const visibleTo = z.enum(MACRO_VISIBILITIES, oneOf(MACRO_VISIBILITIES));
const availableOn = z
  .array(z.enum(MACRO_CHANNELS, oneOf(MACRO_CHANNELS)), wrongType('must be a list'))
  .min(1, 'must name at least one of: inbox, messenger')
  .refine((v) => new Set(v).size === v.length, 'must not repeat a value');
const actions = z
  .array(macroActionSchema, wrongType('must be a list of actions'))
  .min(1, 'must have at least one action')
  .max(MAX_ACTIONS, `must have at most ${MAX_ACTIONS} actions`);

export const createMacroSchema = z.strictObject({
  name,
  visible_to: visibleTo.default('everyone'),
  available_on: availableOn.default(['inbox']),
  actions,
});

export const updateMacroSchema = z.strictObject({
  name: name.optional(),
  visible_to: visibleTo.optional(),
  available_on: availableOn.optional(),
  actions: actions.optional(),
});

export const applyMacroSchema = z.strictObject({ macro_id: id });

export type MacroAction = z.output<typeof macroActionSchema>;
export type CreateMacroInput = z.output<typeof createMacroSchema>;
export type UpdateMacroInput = z.output<typeof updateMacroSchema>;
