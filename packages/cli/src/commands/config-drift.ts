import {
  acceptBaseline,
  compareEnvironments,
  compareSnapshots,
  compareToSnapshot,
  DRIFT_FORMATS,
  type DriftFormat,
  type DriftOptions,
  failsOn,
  formatReport,
} from '@agentforge/drift';
import {
  AgentforgeError,
  EnvironmentDocumentSchema,
  SEVERITIES,
  type Severity,
  shouldColor,
} from '@agentforge/schema';
import type { Command } from '../context.js';
import {
  author,
  DRIFT_REPORT_OPTIONS,
  ENVIRONMENT_OPTIONS,
  loadPolicy,
  openEnvironment,
  saveSnapshotAudited,
} from './_drift.js';
import { NATS_OPTIONS, natsTarget } from './_nats.js';
import { ACTOR_OPTION, choice, usageError } from './_shared.js';

const fail = usageError('config drift');

export const command: Command = {
  usage:
    'config drift -e <name> [--against <id|latest>] [--to <id|latest> | --against-environment <name> | --against-published --nats <url>] [--format human|json|markdown|prometheus|html] [--fail-on <severity>] [--accept]',
  description: [
    'Show what changed in an environment since a snapshot (default: the latest), between two snapshots (--to),',
    'or against another environment (--against-environment). Exits 1 when a change is at or above --fail-on.',
  ].join('\n'),
  options: {
    ...ENVIRONMENT_OPTIONS,
    against: {
      type: 'string',
      description: 'Snapshot to compare with: id, id prefix or latest (default latest)',
      valueName: 'id|latest',
    },
    to: {
      type: 'string',
      description: 'Compare snapshot --against with this snapshot instead of the current file',
      valueName: 'id|latest',
    },
    'against-environment': {
      type: 'string',
      description: 'Compare with another environment instead of a snapshot',
      valueName: 'name',
    },
    ...DRIFT_REPORT_OPTIONS,
    accept: {
      type: 'boolean',
      description: 'Accept the current configuration as the new baseline snapshot (exits 0)',
    },
    'against-published': {
      type: 'boolean',
      description: 'Compare with the revision published to the NATS bucket (see config publish)',
    },
    actor: ACTOR_OPTION,
    ...NATS_OPTIONS,
  },
  async run(context) {
    const { values } = context;
    const format = choice<DriftFormat>(values.format, DRIFT_FORMATS, 'human', '--format', fail);
    const failOn = choice<Severity>(values['fail-on'], SEVERITIES, 'low', '--fail-on', fail);
    const otherEnvironment = values['against-environment'];
    const to = values.to;
    if (
      typeof otherEnvironment === 'string' &&
      (typeof to === 'string' || values.against !== undefined || values.accept)
    ) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        'agentforge config drift: --against-environment cannot be combined with --against, --to or --accept',
      );
    }
    if (
      values['against-published'] &&
      (typeof otherEnvironment === 'string' ||
        typeof to === 'string' ||
        values.against !== undefined ||
        values.accept)
    )
      throw fail(
        '--against-published cannot be combined with --against, --to, --against-environment or --accept',
      );
    if (typeof to === 'string' && values.accept)
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        'agentforge config drift: --accept compares the current file; it cannot be combined with --to',
      );
    const { workspace, environment, store, load } = await openEnvironment(context, 'config drift');
    const options: DriftOptions = {
      policy: await loadPolicy(context, workspace),
      schema: EnvironmentDocumentSchema,
      logger: context.logger,
    };
    const against = typeof values.against === 'string' ? values.against : 'latest';
    let report: Awaited<ReturnType<typeof compareToSnapshot>>;
    let current: Awaited<ReturnType<typeof load>> | undefined;
    if (values['against-published']) {
      const { readPublished } = await import('@agentforge/dynamic-config');
      const published = await readPublished(natsTarget(context, environment, fail));
      current = await load();
      report = compareEnvironments(
        {
          name: `${published.meta?.environment ?? environment}@${published.revision} (published)`,
          document: published.document,
        },
        { name: current.source, document: current.data },
        options,
      );
    } else if (typeof otherEnvironment === 'string') {
      const other = await workspace.loadEnvironment(otherEnvironment);
      current = await load();
      report = compareEnvironments(
        { name: otherEnvironment, document: other.data },
        { name: environment, document: current.data },
        options,
      );
    } else if (typeof to === 'string') {
      report = await compareSnapshots(store, environment, against, to, options);
    } else {
      current = await load();
      report = await compareToSnapshot(store, environment, current.data, {
        ...options,
        against,
        label: current.source,
      });
    }
    context.stdout.write(formatReport(report, format, { color: shouldColor(context.stdout, context.env) }));
    if (values.accept && current) {
      const who = author(context.env);
      const accepted = current;
      const meta = await saveSnapshotAudited(
        context,
        workspace,
        { command: 'config drift --accept', environment, action: 'accept' },
        () =>
          acceptBaseline(store, environment, accepted.data, {
            source: accepted.source,
            ...(who ? { author: who } : {}),
          }),
      );
      if (!meta) return 1;
      context.stderr.write(
        `accepted ${current.source} as the new baseline of ${environment} (snapshot ${meta.id.slice(0, 12)})\n`,
      );
      return 0;
    }
    return failsOn(report, failOn) ? 1 : 0;
  },
};
