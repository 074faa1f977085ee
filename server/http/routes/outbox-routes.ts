import { Router } from 'express';
import { z } from 'zod';
import { listOutbox } from '../../email/list-outbox.ts';
import { requireRole } from '../../identity/require-role.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { perPageQuery } from '../cursor.ts';
import { parseOrThrow } from '../validation.ts';

const listQuery = z.object({
  per_page: perPageQuery(50, 20),
  starting_after: z.string().max(500).optional(),
});

// Patchbay extension: emails kept instead of sent (no SMTP_URL), for admins
// only: they can hold customers' one-time codes.
export function outboxRoutes(deps: AppDeps): Router {
  const router = Router();
  router.get('/', requireRole('admin'), async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 400);
    res.json(await listOutbox(deps.db, principalOf(res), { perPage: q.per_page, startingAfter: q.starting_after }));
  });
  return router;
}
