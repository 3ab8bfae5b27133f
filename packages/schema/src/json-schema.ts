import * as z from 'zod';
import { EnvironmentDocumentSchema } from './environment.js';

/** Where the published JSON Schema lives, for `$id` and editors' `$schema` lines. */
export const JSON_SCHEMA_ID = 'https://unpkg.com/@agentforge/schema/schema.json';

/**
 * The JSON Schema (draft 2020-12) of the environment document as a user writes it: fields
 * with defaults are optional, unknown keys are refused. Editors (yaml-language-server) and the
 * Helm chart's `values.schema.json` use it.
 */
export function toJsonSchema(schema: z.ZodType = EnvironmentDocumentSchema): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return { ...generated, $id: JSON_SCHEMA_ID, title: 'AgentForge environment document' };
}
