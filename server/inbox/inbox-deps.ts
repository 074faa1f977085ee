import type { PipelineDeps } from '../connectors/pipeline/pipeline-deps.ts';

// What the inbox's functions use: the database, the realtime bus and the
// clock; running connectors needs the whole pipeline (AppDeps has both).
export type InboxDeps = Pick<PipelineDeps, 'db' | 'bus' | 'now'>;

export const nowOf = (deps: Pick<PipelineDeps, 'now'>) => deps.now?.() ?? new Date();
