import { z } from 'zod';
import { AppError } from './app-error.ts';

// Intercom-style opaque cursors: base64 of [timestamp in seconds, id] of the
// last row of the previous page.
export interface Cursor {
  at: Date;
  id: number;
}

export function encodeCursor(at: Date, id: number): string {
  return Buffer.from(JSON.stringify([at.getTime() / 1000, id])).toString('base64');
}

export function decodeCursor(value: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'number' && Number.isInteger(parsed[1])) {
      return { at: new Date(Math.round(parsed[0] * 1000)), id: parsed[1] as number };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError(400, {
    code: 'client_error',
    message: 'Invalid starting_after param. Please try again using a starting_after value from a paginated response',
    field: 'starting_after',
  });
}

// Rows strictly after the cursor in (timestamp desc, id desc) order.
export function afterCursor(field: string, cursor: Cursor | null) {
  if (!cursor) return {};
  return { OR: [{ [field]: { lt: cursor.at } }, { [field]: cursor.at, id: { lt: cursor.id } }] };
}

export function pagesObject(perPage: number, last: { at: Date; id: number } | null) {
  return { type: 'pages' as const, per_page: perPage, next: last ? { starting_after: encodeCursor(last.at, last.id) } : null };
}

// One page of rows fetched with `take: perPage + 1`: the extra row only tells
// that there is a next page, which starts after the page's last row.
export function pageOf<T extends { id: number }>(rows: T[], perPage: number, at: (row: T) => Date) {
  const data = rows.slice(0, perPage);
  const last = rows.length > perPage ? data[data.length - 1] : undefined;
  return { data, pages: pagesObject(perPage, last ? { at: at(last), id: last.id } : null) };
}

// The `per_page` query parameter (a string in the URL).
export const perPageQuery = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `per_page must be an integer between 1 and ${max}`)
    .transform(Number)
    .pipe(z.number().min(1, `per_page must be between 1 and ${max}`).max(max, `per_page must be between 1 and ${max}`))
    .default(fallback);
