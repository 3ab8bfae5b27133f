import type { FailureReason } from './source.js';

/** Reload counters of a manager, as numbers (see {@link renderPrometheus} for the text form). */
export interface ConfigMetrics {
  /** Candidates built from changed content (no-op events are not attempts). */
  reloadAttempts: number;
  /** Failed attempts by reason; each kept the last-known-good configuration. */
  reloadFailures: Record<FailureReason, number>;
  /** Milliseconds since the epoch of the last successful reload, or `undefined` before the first. */
  lastSuccessTimestamp: number | undefined;
  /** Whether the most recent attempt succeeded. */
  lastReloadSuccessful: boolean;
  /** Content hash of the configuration in force. */
  configHash: string | undefined;
  /** Version of the configuration in force (1 after the first load, +1 per applied change). */
  version: number;
  /** Listener calls that threw, rejected or timed out. */
  listenerErrors: number;
  /** The store revision in force per versioned source (NATS KV), by source name. */
  sourceRevisions: Record<string, number>;
}

/** A fresh, zeroed set of counters. */
export function emptyMetrics(): ConfigMetrics {
  return {
    reloadAttempts: 0,
    reloadFailures: { read: 0, parse: 0, validation: 0 },
    lastSuccessTimestamp: undefined,
    lastReloadSuccessful: false,
    configHash: undefined,
    version: 0,
    listenerErrors: 0,
    sourceRevisions: {},
  };
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * The metrics in the Prometheus text exposition format (version 0.0.4), each family with its
 * HELP and TYPE lines; `prefix` names the families (`<prefix>_reload_attempts_total`, …).
 */
export function renderPrometheus(metrics: ConfigMetrics, prefix = 'agentforge_config'): string {
  const lines: string[] = [];
  const family = (
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: Array<[labels: string, value: number]>,
  ) => {
    lines.push(`# HELP ${prefix}_${name} ${help}`, `# TYPE ${prefix}_${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${prefix}_${name}${labels} ${value}`);
  };
  family('reload_attempts_total', 'counter', 'Configuration reloads attempted.', [
    ['', metrics.reloadAttempts],
  ]);
  family(
    'reload_failures_total',
    'counter',
    'Configuration reloads rejected, by reason; the last-known-good configuration stayed in force.',
    Object.entries(metrics.reloadFailures).map(([reason, n]) => [`{reason="${escapeLabel(reason)}"}`, n]),
  );
  family(
    'last_reload_successful',
    'gauge',
    'Whether the last configuration reload succeeded (1) or not (0).',
    [['', metrics.lastReloadSuccessful ? 1 : 0]],
  );
  family(
    'last_success_timestamp_seconds',
    'gauge',
    'Unix time of the last successful configuration reload.',
    [['', metrics.lastSuccessTimestamp === undefined ? 0 : metrics.lastSuccessTimestamp / 1000]],
  );
  family('version', 'gauge', 'Version of the configuration in force.', [['', metrics.version]]);
  family('info', 'gauge', 'Content hash of the configuration in force.', [
    [`{hash="${escapeLabel(metrics.configHash ?? '')}"}`, 1],
  ]);
  family('listener_errors_total', 'counter', 'Configuration listeners that threw, rejected or timed out.', [
    ['', metrics.listenerErrors],
  ]);
  const revisions = Object.entries(metrics.sourceRevisions);
  if (revisions.length > 0)
    family(
      'source_revision',
      'gauge',
      'Store revision (NATS KV) of the configuration in force, per source.',
      revisions.map(([source, revision]) => [`{source="${escapeLabel(source)}"}`, revision]),
    );
  return `${lines.join('\n')}\n`;
}
