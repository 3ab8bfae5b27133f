// The kubelet's atomic writer for ConfigMap and Secret volumes, without a cluster.

/** Options of {@link projectVolume}. */
export interface ProjectVolumeOptions {
  /** Leave the previous timestamped payload folder in place instead of removing it. @default false */
  keepOld?: boolean;
  /** File mode of the payload files (a Secret volume's `defaultMode`). */
  mode?: number;
}

/**
 * Writes `files` (key → content) into the volume folder `dir` exactly as the kubelet's atomic
 * writer does — a new timestamped folder, `..data_tmp` renamed over `..data`, per-key links
 * `key -> ..data/key`, the old folder removed — and returns the new folder's name.
 */
export function projectVolume(
  dir: string,
  files: Record<string, string>,
  options?: ProjectVolumeOptions,
): string;
