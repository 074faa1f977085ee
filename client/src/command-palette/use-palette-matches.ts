import type { ActionImpl, ActionTree } from 'kbar';
import { useMemo } from 'react';
import { useKBarSync } from './use-kbar-sync.ts';

// kbar's own useMatches ranks a throttled copy of the query (100 ms behind the
// field), so Enter pressed right after typing could run whichever entry was
// first in the stale list: "trigger" + Enter once snoozed a conversation.
// This ranks the current query, synchronously, with plain word matching.
export function usePaletteMatches(): (string | ActionImpl)[] {
  const { actions, rootId, search } = useKBarSync((state) => ({
    actions: state.actions,
    rootId: state.currentRootActionId ?? null,
    search: state.searchQuery,
  }));
  return useMemo(() => computeMatches(actions, rootId, search), [actions, rootId, search]);
}

// Section headings are strings; everything else can be chosen.
export function computeMatches(actions: ActionTree, rootId: string | null, search: string): (string | ActionImpl)[] {
  const all = Object.values(actions);
  const level = rootId ? (actions[rootId]?.children ?? []) : all.filter((action) => !action.parent);
  const ordered = stableSortByPriority(level);
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);

  if (words.length === 0) return withSections(ordered);

  const candidates: { action: ActionImpl; depth: number }[] = [];
  const visit = (list: ActionImpl[], depth: number) => {
    for (const action of stableSortByPriority(list)) {
      candidates.push({ action, depth });
      if (action.children.length > 0) visit(action.children, depth + 1);
    }
  };
  visit(level, 0);

  return candidates
    .map(({ action, depth }, index) => ({ action, index, score: scoreOf(action, words, search.trim().toLowerCase()) - depth * 0.5 }))
    .filter((entry) => Number.isFinite(entry.score))
    .sort((a, b) => b.score - a.score || b.action.priority - a.action.priority || a.index - b.index)
    .map((entry) => entry.action);
}

function scoreOf(action: ActionImpl, words: string[], phrase: string): number {
  const name = action.name.toLowerCase();
  const extra = `${action.keywords ?? ''} ${action.subtitle ?? ''}`.toLowerCase();
  let score = 0;
  for (const word of words) {
    const at = name.indexOf(word);
    if (at === 0 || (at > 0 && /[\s\-—›(:/]/.test(name[at - 1] ?? ''))) score += 3;
    else if (at > 0) score += 2;
    else if (extra.includes(word)) score += 1;
    else return Number.NEGATIVE_INFINITY;
  }
  if (name.startsWith(phrase)) score += 2;
  return score;
}

function stableSortByPriority(list: ActionImpl[]): ActionImpl[] {
  return list
    .map((action, index) => ({ action, index }))
    .sort((a, b) => b.action.priority - a.action.priority || a.index - b.index)
    .map((entry) => entry.action);
}

function sectionOf(action: ActionImpl): { name: string; priority: number } | null {
  const { section } = action;
  if (!section) return null;
  return typeof section === 'string' ? { name: section, priority: 0 } : section;
}

// Entries grouped under their section headings, sections by priority, then by first appearance.
function withSections(actions: ActionImpl[]): (string | ActionImpl)[] {
  const groups: { name: string | null; priority: number; order: number; actions: ActionImpl[] }[] = [];
  for (const action of actions) {
    const section = sectionOf(action);
    const name = section?.name ?? null;
    let group = groups.find((g) => g.name === name);
    if (!group) {
      group = { name, priority: section?.priority ?? 0, order: groups.length, actions: [] };
      groups.push(group);
    }
    group.actions.push(action);
  }
  groups.sort((a, b) => b.priority - a.priority || a.order - b.order);
  return groups.flatMap((group) => (group.name ? [group.name, ...group.actions] : group.actions));
}
