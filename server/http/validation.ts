import type { z } from 'zod';
import { AppError, type ErrorItem } from './app-error.ts';

function describeIssue(issue: z.core.$ZodIssue): ErrorItem {
  const field = issue.path.map(String).join('.') || undefined;
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (field ? `${field}.${k}` : k));
    return { code: 'parameter_invalid', message: `Unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`, field: keys[0] };
  }
  if (missing) return { code: 'parameter_not_found', message: `${field} is required`, field };
  return { code: 'parameter_invalid', message: field ? `${field}: ${issue.message}` : issue.message, field };
}

// Turns a zod failure into the API's error list: one entry per problem, each
// naming the field and the rule it broke.
export function validationError(error: z.ZodError, status = 422): AppError {
  return new AppError(status, error.issues.map(describeIssue));
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, status = 422): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error, status);
  return result.data;
}
