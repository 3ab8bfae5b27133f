import { publishConfig } from '@agentforge/dynamic-config';
import { loadEnvironmentFile } from '@agentforge/validator';
import type { Command } from '../context.js';
import { ENVIRONMENT_OPTIONS, openEnvironment } from './_drift.js';
import { actor, NATS_OPTIONS, natsTarget, publishAudited, publishAuditHook, reportPublish } from './_nats.js';
import { FAIL_ON_OPTION, publishValidation } from './_publish.js';
import { ACTOR_OPTION, displayPath, usageError } from './_shared.js';

const fail = usageError('config publish');

export const command: Command = {
  usage:
    'config publish --environment <name> --nats <url> [--creds <file> | --user <name> --password <text>] [--bucket <name>] [--expect-revision <n> | --force] [--fail-on <severity>]',
  description: [
    'Validate an environment (schema, policies at --fail-on, no literal secrets) and publish it to the NATS',
    'Key-Value bucket with compare-and-set; every replica watching the key validates and applies it.',
    'Exits 1 on findings or when another publish got there first (a conflict names both revisions),',
    '2 when NATS is unreachable or the user may not publish to the subject.',
  ].join('\n'),
  options: {
    ...ENVIRONMENT_OPTIONS,
    ...NATS_OPTIONS,
    'expect-revision': {
      type: 'string',
      description: 'Publish only if the key is at this revision (0: it must not exist yet)',
      valueName: 'n',
    },
    force: { type: 'boolean', description: 'Publish whatever the current revision is' },
    'fail-on': FAIL_ON_OPTION,
    actor: ACTOR_OPTION,
  },
  async run(context) {
    const { workspace, environment } = await openEnvironment(context, 'config publish');
    const target = natsTarget(context, environment, fail);
    const expectRevision = revisionOption(context.values['expect-revision'], '--expect-revision');
    if (expectRevision !== undefined && context.values.force)
      throw fail('--expect-revision and --force are alternatives; give one');
    const file = workspace.environmentFile(environment);
    const config = typeof context.values.config === 'string' ? context.values.config : undefined;
    const input = await loadEnvironmentFile(config ? config : file, {
      file: displayPath(context.cwd, config ?? file),
    });
    const check = await publishValidation(context, workspace, environment, fail);
    const result = await publishAudited(context, workspace, 'publish', environment, () =>
      publishConfig({
        ...target,
        document: input.data as Record<string, unknown>,
        validate: () => check(input),
        ...(expectRevision !== undefined ? { expectRevision } : {}),
        ...(context.values.force ? { force: true } : {}),
        by: actor(context),
        audit: publishAuditHook(context, workspace),
      }),
    );
    if (result === 'denied') return 1;
    if (result === 'invalid') {
      context.stderr.write(
        `refusing to publish ${environment}: fix the findings above (or raise --fail-on)\n`,
      );
      return 1;
    }
    return reportPublish(context, target, result);
  },
};

/** A revision number option; anything but a non-negative integer is a usage error. */
export function revisionOption(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    throw usageError('config')(`${flag} takes a revision number, got "${String(value)}"`);
  return Number(value);
}
