// GET /demo: a plain "Acme" web page that embeds the messenger widget the way
// a customer's site would, with a picker of demo customers. Served only with
// PATCHBAY_DEMO_DATA on. For signed-in customers the page gets an identity
// JWT signed here, on the server, with the workspace's messenger secret: the
// secret itself never reaches the browser.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { SignJWT } from 'jose';
import type { Db } from '../db/client.ts';
import type { Contact, Workspace } from '../db/generated/sqlite/client.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

interface DemoPersona {
  key: string;
  label: string;
  description: string;
  // user_jwt: signed identity; claimed: user_id and email without proof (the
  // agent asks for an emailed code before private data); anonymous: a lead.
  kind: 'verified' | 'claimed' | 'anonymous';
  userId?: string;
}

const DEMO_PERSONAS: DemoPersona[] = [
  { key: 'maria', label: 'Maria Gomez', description: 'signed in (verified JWT), owes 42.00 USD', kind: 'verified', userId: 'u_1001' },
  { key: 'li', label: 'Li Wei', description: 'signed in (verified JWT), owes nothing; a teammate is handling her order question, so press “New conversation” to ask the AI agent', kind: 'verified', userId: 'u_1002' },
  { key: 'jon', label: 'Jon Okafor', description: 'not signed in: claims his user id and email, so the agent asks for an emailed code', kind: 'claimed', userId: 'u_1003' },
  { key: 'visitor', label: 'Anonymous visitor', description: 'no account: becomes a lead', kind: 'anonymous' },
];

const JWT_LIFETIME_SECONDS = 60 * 60;

export interface DemoHostPageDeps {
  db: Db;
  secrets: SecretBox;
}

// The demo workspace: Patchbay serves one workspace per installation, the first one.
const demoWorkspace = (db: Db) => db.workspace.findFirst({ orderBy: { id: 'asc' } });

// The demo signs its own tokens, so it needs a messenger secret; a workspace
// seeded before the demo page existed has none yet. Only ever set when none is.
async function ensureMessengerSecret(deps: DemoHostPageDeps, workspace: Workspace): Promise<Workspace> {
  if (workspace.messengerSecretEncrypted) return workspace;
  await deps.db.workspace.updateMany({
    where: { id: workspace.id, messengerSecretEncrypted: null },
    data: { messengerSecretEncrypted: deps.secrets.encrypt(randomBytes(32).toString('hex')) },
  });
  return deps.db.workspace.findUniqueOrThrow({ where: { id: workspace.id } });
}

async function signDemoUserJwt(deps: DemoHostPageDeps, workspace: Workspace, contact: Pick<Contact, 'externalId' | 'email' | 'name'>, now = new Date()): Promise<string> {
  const withSecret = await ensureMessengerSecret(deps, workspace);
  const secret = deps.secrets.decrypt(withSecret.messengerSecretEncrypted!);
  const iat = Math.floor(now.getTime() / 1000);
  let jwt = new SignJWT({ user_id: contact.externalId, ...(contact.email && { email: contact.email }), ...(contact.name && { name: contact.name }) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.min(JWT_LIFETIME_SECONDS, withSecret.jwtMaxLifetimeSeconds));
  if (withSecret.messengerJwtIssuer) jwt = jwt.setIssuer(withSecret.messengerJwtIssuer);
  if (withSecret.messengerJwtAudience) jwt = jwt.setAudience(withSecret.messengerJwtAudience);
  return jwt.sign(new TextEncoder().encode(secret));
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
// JSON inside a <script>: "</script>" and friends must not end it.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

export function demoHostPageRoutes(deps: DemoHostPageDeps): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const workspace = await demoWorkspace(deps.db);
    if (!workspace) {
      res.status(404).type('html').send(page('Acme', '<main><h1>No demo workspace</h1><p>This database has no workspace yet. Start Patchbay with <code>PATCHBAY_DEMO_DATA=true</code> on an empty database.</p></main>'));
      return;
    }
    const contacts = await deps.db.contact.findMany({
      where: { workspaceId: workspace.id, externalId: { in: DEMO_PERSONAS.flatMap((p) => (p.userId ? [p.userId] : [])) } },
    });
    const byUserId = new Map(contacts.map((c) => [c.externalId, c]));
    const available = DEMO_PERSONAS.filter((p) => !p.userId || byUserId.has(p.userId));
    const requested = typeof req.query.as === 'string' ? req.query.as : 'maria';
    const persona = available.find((p) => p.key === requested) ?? available.find((p) => p.key === 'visitor')!;

    const boot: Record<string, unknown> = { workspace_id: String(workspace.id) };
    let notice = '';
    const contact = persona.userId ? byUserId.get(persona.userId) : undefined;
    if (persona.kind === 'verified' && contact) {
      if (workspace.messengerJwtAlgorithm !== 'HS256') {
        notice = 'This workspace verifies identity tokens with a JWKS (RS256/ES256), which the demo cannot sign; this customer is shown without a token.';
        Object.assign(boot, { user_id: contact.externalId });
      } else {
        boot.user_jwt = await signDemoUserJwt(deps, workspace, contact);
      }
    } else if (persona.kind === 'claimed' && contact) {
      Object.assign(boot, { user_id: contact.externalId, ...(contact.email && { email: contact.email }) });
      if (workspace.identityVerificationEnforced) notice = 'This workspace enforces identity verification, so a customer without a signed token is refused.';
    }

    const picker = available
      .map(
        (p) =>
          `<li><a href="/demo?as=${encodeURIComponent(p.key)}"${p === persona ? ' aria-current="page"' : ''} data-persona="${escapeHtml(p.key)}">${escapeHtml(p.label)}</a> <span>${escapeHtml(p.description)}</span></li>`,
      )
      .join('');
    const body = `
<header class="top"><strong class="logo">Acme</strong><nav><a href="#">Products</a><a href="#">Pricing</a><a href="#">Billing</a></nav>
<span class="who" data-testid="demo-persona">${escapeHtml(persona.label)}</span></header>
<main>
  <h1>Acme billing help</h1>
  <p>This page stands for a customer's own website. The chat bubble in the corner is the Patchbay messenger,
  loaded with one script tag. Try asking <q>Do I owe anything on my account?</q> or <q>Where is my order ORD-5521?</q></p>
  <section aria-labelledby="picker-title"><h2 id="picker-title">Browse as</h2><ul class="picker">${picker}</ul></section>
  ${notice ? `<p class="notice">${escapeHtml(notice)}</p>` : ''}
  <p class="note">One-time codes of the demo are printed in the server's output and kept in the outbox (Settings → Outbox, or <code>GET /api/outbox</code>).
  Sign in to the inbox at <a href="/">/</a> to see the conversations, the agent's notes and the connector runs.</p>
  <p id="handoff" role="status" hidden></p>
</main>
<script>
  window.Patchbay = window.Patchbay || function () { (Patchbay.q = Patchbay.q || []).push(arguments); };
  Patchbay('onHandoff', function (handoff) {
    var el = document.getElementById('handoff');
    el.hidden = false;
    el.textContent = 'The agent handed the conversation to the team' + (handoff.email ? ' (' + handoff.email + ')' : '') + ': ' + handoff.summary;
  });
  Patchbay('boot', ${scriptJson(boot)});
</script>
<script src="/messenger/widget.js" async></script>`;
    res.type('html').send(page(`Acme · ${persona.label}`, body));
  });
  return router;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; font-family: Georgia, "Times New Roman", serif; color: #222; background: #fbfaf7; }
  .top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; padding: 14px 32px; background: #143d2f; color: #fff; }
  @media (max-width: 480px) { .top { padding: 12px 16px; } }
  .top a { color: #d6efe4; margin-right: 16px; } .logo { font-size: 22px; letter-spacing: 1px; } .who { margin-left: auto; }
  main { max-width: 46rem; margin: 32px auto; padding: 0 20px; line-height: 1.55; }
  .picker { padding-left: 1.2rem; } .picker a[aria-current] { font-weight: bold; } .picker span { color: #555; font-size: 0.9em; }
  .notice { background: #fff3bf; padding: 8px 12px; } .note { font-size: 0.9em; color: #555; }
  #handoff { background: #e7f5ff; padding: 8px 12px; }
</style></head><body>${body}</body></html>`;
}
