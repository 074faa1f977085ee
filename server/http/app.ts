import express, { type Express } from 'express';
import { demoApiRoutes } from '../demo/demo-api-routes.ts';
import { demoHostPageRoutes } from '../demo/demo-host-page.ts';
import { acceptIntercomVersion, assignRequestId, requireApiPrincipal } from './api-middleware.ts';
import type { AppDeps } from './app-deps.ts';
import { apiErrorHandler, apiNotFound } from './error-handler.ts';
import { loadOpenApiDocument } from './openapi/load-openapi.ts';
import { adminsRoutes } from './routes/admins-routes.ts';
import { agentRoutes } from './routes/agent-routes.ts';
import { apiTokensRoutes } from './routes/api-tokens-routes.ts';
import { audiencesRoutes } from './routes/audiences-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { authTokensRoutes } from './routes/auth-tokens-routes.ts';
import { contactsRoutes } from './routes/contacts-routes.ts';
import { conversationsRoutes } from './routes/conversations-routes.ts';
import { customAttributeDefinitionsRoutes } from './routes/custom-attribute-definitions-routes.ts';
import { dataConnectorsRoutes } from './routes/data-connectors-routes.ts';
import { finAgentSettingsRoutes, finRoutes } from './routes/fin-routes.ts';
import { applyMacroRoutes, macrosRoutes } from './routes/macros-routes.ts';
import { requireRole } from '../identity/require-role.ts';
import { messengerRoutes } from './routes/messenger-routes.ts';
import { messengerWidgetRoutes } from './routes/messenger-widget-routes.ts';
import { messengerSecurityRoutes } from './routes/messenger-security-routes.ts';
import { outboxRoutes } from './routes/outbox-routes.ts';
import { workspaceSettingsRoutes } from './routes/workspace-settings-routes.ts';
import { serveClient } from './serve-client.ts';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  const api = express.Router();
  api.use(assignRequestId);
  api.get('/openapi.json', (_req, res) => {
    res.json(loadOpenApiDocument());
  });
  api.use(acceptIntercomVersion);
  api.use(express.json({ limit: '1mb', strict: false }));
  api.use(requireApiPrincipal(deps));
  api.use('/data_connectors', dataConnectorsRoutes(deps));
  api.use('/auth_tokens', authTokensRoutes(deps));
  api.use('/messenger_security', requireRole('admin'), messengerSecurityRoutes(deps));
  api.use('/api_tokens', apiTokensRoutes(deps));
  api.use('/audiences', audiencesRoutes(deps));
  api.use('/custom_attribute_definitions', customAttributeDefinitionsRoutes(deps));
  api.use('/outbox', outboxRoutes(deps));
  api.use('/workspace_settings', workspaceSettingsRoutes(deps));
  api.use('/conversations', conversationsRoutes(deps));
  api.use('/contacts', contactsRoutes(deps));
  api.use('/admins', adminsRoutes(deps));
  api.use('/macros', macrosRoutes(deps));
  api.use('/agent', agentRoutes(deps));
  api.use('/fin', finRoutes(deps));
  api.use('/fin_agent_settings', requireRole('admin'), finAgentSettingsRoutes(deps));
  api.use(applyMacroRoutes(deps));
  api.use(apiNotFound);
  api.use(apiErrorHandler(deps.logger));
  app.use('/api', api);
  app.use('/messenger', messengerRoutes(deps));
  app.use('/messenger', messengerWidgetRoutes());
  app.use('/auth', authRoutes(deps));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  if (deps.demoApi) app.use('/demo-api', demoApiRoutes());
  // The demo's host page: a customer's website with the messenger widget on it.
  if (deps.demoApi) app.use('/demo', demoHostPageRoutes(deps));
  if (deps.clientDistDir) serveClient(app, deps.clientDistDir);
  return app;
}
