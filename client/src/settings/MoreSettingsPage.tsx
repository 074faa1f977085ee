import { lazy, useEffect } from 'react';
import type { Me } from '../api.ts';
import { followLink } from '../router.ts';
import { MORE_SETTINGS, type MoreSettingsSlug } from './more-settings-paths.ts';

// Each page is its own chunk, downloaded when first visited.
const PAGES = {
  attributes: { title: 'Custom attributes', Page: lazy(() => import('./AttributesPage.tsx')) },
  audiences: { title: 'Audiences', Page: lazy(() => import('./AudiencesPage.tsx')) },
  'api-tokens': { title: 'API tokens', Page: lazy(() => import('./ApiTokensPage.tsx')) },
  'auth-tokens': { title: 'Auth tokens', Page: lazy(() => import('./AuthTokensPage.tsx')) },
  messenger: { title: 'Messenger security', Page: lazy(() => import('./MessengerSecurityPage.tsx')) },
  outbox: { title: 'Outbox', Page: lazy(() => import('./OutboxPage.tsx')) },
  'workspace-settings': { title: 'Workspace settings', Page: lazy(() => import('./WorkspaceSettingsPage.tsx')) },
} satisfies Record<MoreSettingsSlug, unknown>;

// The header links to the first of these pages ("Workspace"); the others are
// reached from this secondary navigation, so the header stays on one line.
export function MoreSettingsPage({ slug, me, onUnauthorized }: { slug: MoreSettingsSlug; me: Me; onUnauthorized(message: string): void }) {
  const { title, Page } = PAGES[slug];
  useEffect(() => {
    document.title = `${title} · Patchbay`;
  }, [title]);
  return (
    <>
      <nav className="settings-subnav" aria-label="Workspace settings">
        {MORE_SETTINGS.map((s) => (
          <a key={s.slug} href={`/settings/${s.slug}`} aria-current={s.slug === slug ? 'page' : undefined} onClick={followLink}>
            {s.label}
          </a>
        ))}
      </nav>
      <Page key={slug} me={me} onUnauthorized={onUnauthorized} />
    </>
  );
}
