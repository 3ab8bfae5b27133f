// The snapshot history of an environment as a timeline: each snapshot with how many changes it
// made to the one before it — what the report's "drift over time" chart and history table show.
import { compareSnapshots, type DriftOptions } from './report.js';
import type { SnapshotStore } from './store.js';

/** One snapshot on the timeline. */
export interface SnapshotTimelineEntry {
  id: string;
  createdAt: string;
  message?: string;
  author?: string;
  /** Changes since the snapshot before it; absent for the first snapshot of the environment. */
  changes?: number;
}

/**
 * The latest `depth` snapshots of `environment`, oldest first, each with the number of changes
 * since its predecessor (which may lie before the window). Secrets compare by fingerprint, as in
 * every drift report, so a rotated secret counts as a change without showing its value.
 */
export async function snapshotTimeline(
  store: SnapshotStore,
  environment: string,
  options: DriftOptions & { depth?: number } = {},
): Promise<SnapshotTimelineEntry[]> {
  const { depth = 20, ...driftOptions } = options;
  const history = await store.list(environment);
  const start = Math.max(0, history.length - depth);
  const timeline: SnapshotTimelineEntry[] = [];
  for (let i = start; i < history.length; i++) {
    const meta = history[i]!;
    const previous = history[i - 1];
    const changes = previous
      ? (await compareSnapshots(store, environment, previous.id, meta.id, driftOptions)).counts.total
      : undefined;
    timeline.push({
      id: meta.id,
      createdAt: meta.createdAt,
      ...(meta.message ? { message: meta.message } : {}),
      ...(meta.author ? { author: meta.author } : {}),
      ...(changes !== undefined ? { changes } : {}),
    });
  }
  return timeline;
}
