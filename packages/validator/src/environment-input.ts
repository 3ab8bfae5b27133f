import {
  AgentforgeError,
  type EnvMappingOptions,
  fromEnvironmentVariables,
  isAgentforgeError,
  type LoadedDocument,
  type LoadOptions,
  type Locator,
  loadFile,
} from '@agentforge/schema';
import type { ValidationInput } from './engine.js';

/**
 * Turns a loaded environment file into validator input. YAML and JSON pass through; a dotenv
 * file (`AGENTFORGE_SERVICES__SWARM__REPLICAS=3`) becomes the nested document its variables
 * describe, with a locator that points findings at the line of the variable that set the value
 * (or, for a missing key, of the first variable under it; else line 1).
 */
export function toEnvironmentInput(loaded: LoadedDocument, options: EnvMappingOptions = {}): ValidationInput {
  if (loaded.format !== 'dotenv') return { data: loaded.data, locator: loaded.locator, file: loaded.file };
  const vars = loaded.data as Record<string, string>;
  let mapped: ReturnType<typeof fromEnvironmentVariables>;
  try {
    mapped = fromEnvironmentVariables(vars, options);
  } catch (error) {
    if (!isAgentforgeError(error)) throw error;
    // The message starts with the variable's name; point at its line.
    const name = /^([A-Za-z_][\w.-]*):/.exec(error.message)?.[1];
    const location = name === undefined ? loaded.locator.nearest('') : loaded.locator.nearest(`/${name}`);
    throw new AgentforgeError(error.code, error.message, { location, cause: error });
  }
  const entries = [...mapped.sources.entries()];
  // The variable that set the pointer, else the first one under it or under its nearest parent.
  const variableFor = (pointer: string): string | undefined => {
    for (let p = pointer; p !== ''; p = p.slice(0, p.lastIndexOf('/'))) {
      const hit = entries.find(([q]) => q === p || q.startsWith(`${p}/`));
      if (hit) return hit[1];
    }
    return undefined;
  };
  const source = loaded.locator;
  const locator: Locator = {
    file: source.file,
    locate: (pointer) => {
      const name = mapped.sources.get(pointer);
      return name === undefined ? undefined : source.locate(`/${name}`);
    },
    nearest: (pointer) => {
      const name = variableFor(pointer);
      return name === undefined ? source.nearest('') : source.nearest(`/${name}`);
    },
    lineText: (line) => source.lineText(line),
  };
  return { data: mapped.data, locator, file: loaded.file };
}

/**
 * Reads an environment file (YAML, JSON or dotenv, by its name) as validator input.
 * Unreadable or malformed files throw an `AgentforgeError` naming file, line and column.
 */
export async function loadEnvironmentFile(
  path: string,
  options: LoadOptions & EnvMappingOptions = {},
): Promise<ValidationInput> {
  return toEnvironmentInput(await loadFile(path, options), options);
}
