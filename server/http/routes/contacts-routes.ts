import { Router } from 'express';
import { parseId } from '../../connectors/load-connector.ts';
import { getContact, updateContactAttributes } from '../../inbox/contact-profile.ts';
import { updateContactSchema } from '../../inbox/inbox-input.ts';
import { searchContacts, searchContactsQuery } from '../../inbox/search-contacts.ts';
import { contactNotFound } from '../../inbox/load-conversation.ts';
import { principalOf } from '../api-middleware.ts';
import type { AppDeps } from '../app-deps.ts';
import { parseOrThrow } from '../validation.ts';

const contactId = (raw: string) => {
  const id = parseId(raw);
  if (id === null) throw contactNotFound();
  return id;
};

// Patchbay extension: the contact of a conversation, for the inbox's sidebar.
export function contactsRoutes(deps: AppDeps): Router {
  const router = Router();
  // Patchbay extension: the connector editor's preview picks a contact.
  router.get('/', async (req, res) => {
    res.json(await searchContacts(deps, principalOf(res), parseOrThrow(searchContactsQuery, req.query, 400)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await getContact(deps, principalOf(res), contactId(req.params.id)));
  });
  router.patch('/:id', async (req, res) => {
    const id = contactId(req.params.id);
    const input = parseOrThrow(updateContactSchema, req.body ?? {});
    res.json(await updateContactAttributes(deps, principalOf(res), id, input.custom_attributes));
  });
  return router;
}
