import { rollbackConfig } from '@agentforge/dynamic-config';
import type { Command } from '../context.js';
import { ENVIRONMENT_OPTIONS, openEnvironment } from './_drift.js';
import { actor, NATS_OPTIONS, natsTarget, publishAudited, publishAuditHook, reportPublish } from './_nats.js';
import { FAIL_ON_OPTION, publishValidation } from './_publish.js';
import { ACTOR_OPTION, usageError } from './_shared.js';
import { revisionOption } from './config-publish.js';

const fail = usageError('config rollback');

export const command: Command = {
  usage:
    'config rollback --environment <name> --nats <url> --to-revision <n> [--creds <file> | --user <name> --password <text>] [--bucket <name>] [--force] [--fail-on <severity>]',
  description: [
    'Publish the document of an earlier revision again, through the same validation and compare-and-set as',
    'config publish. The rollback is a new revision: every replica applies it, the history keeps both.',
  ].join('\n'),
  options: {
    environment: ENVIRONMENT_OPTIONS.environment!,
    ...NATS_OPTIONS,
    'to-revision': { type: 'string', description: 'The revision to publish again', valueName: 'n' },
    force: { type: 'boolean', description: 'Publish whatever the current revision is' },
    'fail-on': FAIL_ON_OPTION,
    actor: ACTOR_OPTION,
  },
  async run(context) {
    const { workspace, environment } = await openEnvironment(context, 'config rollback');
    const target = natsTarget(context, environment, fail);
    const toRevision = revisionOption(context.values['to-revision'], '--to-revision');
    if (toRevision === undefined)
      throw fail('--to-revision <n> is required (see config history --published)');
    const check = await publishValidation(context, workspace, environment, fail);
    const result = await publishAudited(context, workspace, 'rollback', environment, () =>
      rollbackConfig({
        ...target,
        toRevision,
        validate: (document) =>
          check({ data: document, file: `${target.bucket ?? 'agentforge'}/${environment}@${toRevision}` }),
        ...(context.values.force ? { force: true } : {}),
        by: actor(context),
        audit: publishAuditHook(context, workspace),
      }),
    );
    if (result === 'denied') return 1;
    if (result === 'invalid') {
      context.stderr.write(
        `refusing to roll ${environment} back to revision ${toRevision}: it fails validation now (findings above)\n`,
      );
      return 1;
    }
    return reportPublish(context, target, result, `rolled back to revision ${toRevision}:`);
  },
};
