import {
  compareToSnapshot,
  renderDriftHtml,
  snapshotTimeline,
  workspaceSnapshotStore,
} from '@agentforge/drift';
import {
  EnvironmentDocumentSchema,
  findWorkspace,
  readAudit,
  renderWorkspaceReport,
  SEVERITIES,
  type Severity,
  type WorkspaceReportEnvironment,
  workspaceAccess,
} from '@agentforge/schema';
import {
  createWorkspaceValidator,
  loadEnvironmentFile,
  type Report,
  renderValidationHtml,
} from '@agentforge/validator';
import type { Command } from '../context.js';
import { loadPolicy } from './_drift.js';
import { choice, displayPath, environmentOption, usageError, writeOutput } from './_shared.js';

const fail = usageError('report');
// Drift between consecutive snapshots is computed for the timeline chart of the latest ones only.
const HISTORY_DEPTH = 20;

export const command: Command = {
  usage: 'report [-e <name|all>] [--out <file>] [--fail-on <severity>]',
  description:
    'Write one self-contained HTML page for the workspace: validation status and findings per environment, drift since the latest snapshot, the environment comparison matrix, the snapshot history, the audit trail and the access rules. Secrets never appear in it. Exits 1 when an environment fails at --fail-on.',
  options: {
    environment: environmentOption('Environment to report on, or "all" (default)', 'name|all'),
    out: { type: 'string', description: 'Write the page to this file (default: stdout)', valueName: 'file' },
    'fail-on': {
      type: 'string',
      description: 'Severity at which an environment fails (default: high)',
      valueName: 'severity',
      choices: SEVERITIES,
    },
  },
  async run(context) {
    const { values, cwd } = context;
    const failOn = choice<Severity>(values['fail-on'], SEVERITIES, 'high', '--fail-on', fail);
    const workspace = await findWorkspace(cwd, context.dir);
    const known = await workspace.listEnvironments();
    const wanted = typeof values.environment === 'string' ? values.environment : 'all';
    const names = wanted === 'all' ? known : [wanted];
    const validator = await createWorkspaceValidator(workspace, {
      displayPath: (file) => displayPath(cwd, file),
      failOn,
      logger: context.logger,
    });
    const store = workspaceSnapshotStore(workspace.root, { logger: context.logger });
    const driftOptions = {
      policy: await loadPolicy(context, workspace),
      schema: EnvironmentDocumentSchema,
      logger: context.logger,
    };
    const reports: Report[] = [];
    const environments: WorkspaceReportEnvironment[] = [];
    for (const name of names) {
      const path = await workspace.resolveEnvironment(name);
      const input = await loadEnvironmentFile(path, { file: displayPath(cwd, path) });
      const report = validator.validate(input, { environment: name });
      reports.push(report);
      const loaded = await workspace.loadEnvironment(name);
      const history = await store.list(name);
      const entry: WorkspaceReportEnvironment = {
        name,
        tier: report.tier,
        passed: report.passed,
        counts: report.counts,
        document: loaded.data,
      };
      if (history.length > 0) {
        const drift = await compareToSnapshot(store, name, loaded.data, {
          ...driftOptions,
          against: 'latest',
          label: displayPath(cwd, path),
        });
        entry.driftHtml = renderDriftHtml(drift, {
          environment: name,
          caption: `${name}: since the latest snapshot`,
        });
        entry.driftChanges = drift.counts.total;
        entry.snapshots = await snapshotTimeline(store, name, { ...driftOptions, depth: HISTORY_DEPTH });
      }
      environments.push(entry);
    }
    const audit = await readAudit(workspace.root).catch(() => []);
    const access = workspaceAccess(workspace);
    const html = renderWorkspaceReport({
      failOn,
      environments,
      validationHtml: renderValidationHtml(reports),
      ...(audit.length ? { audit } : {}),
      ...(access ? { access } : {}),
      generatedAt: new Date().toISOString(),
    });
    if (typeof values.out === 'string') {
      const file = await writeOutput(cwd, values.out, html);
      context.stderr.write(`wrote ${displayPath(cwd, file)}\n`);
    } else context.stdout.write(html);
    return reports.every((r) => r.passed) ? 0 : 1;
  },
};
