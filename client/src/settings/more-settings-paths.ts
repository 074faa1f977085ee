// The smaller settings pages, each at /settings/<slug> and in the header's
// Settings navigation. Kept free of React so the router can read it.
export const MORE_SETTINGS = [
  { slug: 'attributes', label: 'Attributes' },
  { slug: 'audiences', label: 'Audiences' },
  { slug: 'api-tokens', label: 'API tokens' },
  { slug: 'auth-tokens', label: 'Auth tokens' },
  { slug: 'messenger', label: 'Messenger' },
  { slug: 'outbox', label: 'Outbox' },
  { slug: 'workspace-settings', label: 'Retention & email' },
] as const;

export type MoreSettingsSlug = (typeof MORE_SETTINGS)[number]['slug'];

export function moreSettingsSlug(path: string): MoreSettingsSlug | null {
  return MORE_SETTINGS.find((s) => path === `/settings/${s.slug}`)?.slug ?? null;
}
