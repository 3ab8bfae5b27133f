import { ACCESS_ACTIONS, type AccessAction, AccessSchema } from './access.js';
import { isRestartOnly } from './delivery.js';
import { toJsonSchema } from './json-schema.js';

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

/**
 * The reference documentation of every option of the environment document, as Markdown:
 * path, type, whether required, default, allowed values and description, all read from the
 * schema so the page cannot drift from it.
 */
export function renderReferenceDocs(jsonSchema: Record<string, unknown> = toJsonSchema()): string {
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from the zod schema of @agentforge/schema by `pnpm generate`; do not edit by hand. -->',
    '',
    `${escapeCell(String(jsonSchema.description ?? ''))} Unknown keys are errors. Secrets are never values: write \`{ secretRef: <name> }\`. **Restart.** marks settings a running process cannot change: with \`hot\` delivery a change to one of them rolls the pods that read it, every other setting reloads live.`,
    '',
    ...optionTable(jsonSchema),
    '',
    ...accessDocs(),
  ].join('\n');
}

/** The table of every option of a JSON Schema, one row per path. */
function optionTable(jsonSchema: Record<string, unknown>, prefix = ''): string[] {
  const rows: string[] = [];
  const visit = (node: JsonSchema, path: string, required: boolean) => {
    if (path !== prefix)
      rows.push(
        `| \`${path}\` | ${typeOf(node)} | ${required ? 'yes' : ''} | ${defaultOf(node)} | ${allowed(node)} | ${restartMark(path)}${escapeCell(node.description ?? '')} |`,
      );
    const object = node.properties ? node : node.anyOf?.find((option) => option.properties);
    if (object?.properties) {
      for (const [key, child] of Object.entries(object.properties)) {
        visit(child, path ? `${path}.${key}` : key, object.required?.includes(key) ?? false);
      }
    } else if (node.type === 'object' && typeof node.additionalProperties === 'object') {
      visit(node.additionalProperties, `${path}.<name>`, false);
    } else if (node.type === 'array' && node.items?.properties) {
      visit(node.items, `${path}[]`, false);
    }
  };
  visit(jsonSchema as JsonSchema, prefix, true);
  return [
    '| Option | Type | Required | Default | Allowed | Description |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ];
}

/** What a grant's actions allow, by the commands that need them. */
const ACTION_COMMANDS: Record<AccessAction, string> = {
  create: '`env create` (also adding or removing an environment file, for `access check`)',
  set: '`config set`, `config unset`, `env create --set`: each changed path needs a grant whose `paths` cover it',
  snapshot: '`config snapshot`',
  accept: '`config drift --accept`, `config validate` / `manifests validate --write-baseline`',
  publish: '`config publish`, `config rollback`',
};

/** The `access:` section of agentforge.yaml, documented with the environment document it guards. */
function accessDocs(): string[] {
  return [
    '## Access control: `access:` in agentforge.yaml',
    '',
    'Roles name principals (actors, or globs such as `*@platform.example.com`) and grants (environments × path globs × actions). Every writing command checks them before it writes: a denied change exits 1 with `access/denied` naming the missing grant, leaves every file as it was and is recorded in `.agentforge/audit.log` with the result `denied`. The actor is `--actor`, else the CI identity (`GITHUB_ACTOR`, …), else git `user.email`, else the OS user. In CI, `agentforge access check --base <ref>` applies the same grants to the changed paths of a pull request; `agentforge access codeowners` writes them as a CODEOWNERS file.',
    '',
    '**No `access:` section means everything is allowed**: every actor may run every writing command, as in a workspace without access control. Changes are audited either way.',
    '',
    ...optionTable(toJsonSchema(AccessSchema), 'access'),
    '',
    '| Action | Needed by |',
    '| --- | --- |',
    ...ACCESS_ACTIONS.map((action) => `| \`${action}\` | ${ACTION_COMMANDS[action]} |`),
    '',
  ];
}

/** Settings listed in RESTART_ONLY_SETTINGS say so: in `hot` delivery a change to them rolls the pods. */
const restartMark = (path: string) => (isRestartOnly(path) ? '**Restart.** ' : '');

function typeOf(node: JsonSchema): string {
  if (node.anyOf) return [...new Set(node.anyOf.map(typeOf))].join(' \\| ');
  if (node.type === 'object' && node.properties && 'secretRef' in node.properties) return 'secret reference';
  if (node.type === 'object' && typeof node.additionalProperties === 'object')
    return `map of ${typeOf(node.additionalProperties)}`;
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'any'}`;
  if (Array.isArray(node.type)) return node.type.join(' \\| ');
  return node.type ?? (node.enum ? 'enum' : 'any');
}

function defaultOf(node: JsonSchema): string {
  if (node.default === undefined) return '';
  const text = JSON.stringify(node.default);
  return text.length > 40 ? '(see below)' : `\`${text}\``;
}

function allowed(node: JsonSchema): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(', ');
  const parts: string[] = [];
  if (node.minimum !== undefined) parts.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) parts.push(`≤ ${node.maximum}`);
  if (node.pattern) parts.push(`pattern \`${escapeCell(node.pattern)}\``);
  for (const option of node.anyOf ?? [])
    if (option.pattern) parts.push(`pattern \`${escapeCell(option.pattern)}\``);
  return parts.join(', ');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
