import { readFile } from 'node:fs/promises';
import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type Node as YamlNode,
} from 'yaml';
import { nodeCrypto } from './_builtins.js';
import { writeFileAtomic } from './atomic-write.js';
import { canonicalJson } from './canonical-json.js';
import { AgentforgeError } from './errors.js';
import { type LoadedDocument, loadDocument } from './load.js';
import { assertSafeKey, isPlainObject } from './objects.js';
import { parsePath } from './paths.js';
import type { Finding } from './vocabulary.js';

/** One change to a YAML document: set a dotted path to a value written as YAML, or remove it. */
export type DocumentEdit = { op: 'set'; path: string; value: string } | { op: 'unset'; path: string };

/** What {@link editYamlText} made of the edits. */
export interface EditedText {
  /** The new text; equal to the input when nothing changed. */
  text: string;
  /** The data the new text holds. */
  data: unknown;
  /** Dotted paths the edits changed (a set to the same value and an unset of a missing path are left out). */
  changed: string[];
}

/**
 * Reads one command-line value as YAML: a scalar (`4`, `true`, `"4"`, `info`) or a flow node
 * (`[a, b]`, `{cpu: 100m}`), never a block or several documents. Forbidden keys, aliases and
 * malformed text are refused with exit-2 errors naming the path.
 */
export function parseYamlValue(text: string, path = '<value>'): unknown {
  if (/[\r\n]/.test(text))
    throw new AgentforgeError('INVALID_ARGUMENT', `${path}: the value must be one line of YAML`);
  const doc = parseDocument(text, { prettyErrors: false });
  const node = doc.contents;
  if (doc.errors.length > 0 || isAlias(node) || (isCollection(node) && !node.flow))
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `${path}: "${text}" is not a YAML scalar or flow value${doc.errors[0] ? ` (${doc.errors[0].message})` : ''}; quote strings that look like YAML, e.g. '"yes"'`,
    );
  return loadDocument(text, { file: path, format: 'yaml' }).data;
}

/**
 * Applies `edits` to YAML text so that only the edited lines change: comments, key order,
 * blank lines, quoting and anchors elsewhere stay as written. Common edits (a scalar replaced,
 * a key added to a block mapping, a key removed) are spliced into the text at the AST node's
 * source range; anything else goes through `yaml`'s Document API (`setIn`/`deleteIn`), which
 * keeps comments but may re-indent the document. Either way the result is parsed again and
 * must hold exactly the expected data.
 * @example editYamlText(text, [{ op: 'set', path: 'services.swarm.replicas', value: '4' }]).text
 */
export function editYamlText(
  text: string,
  edits: readonly DocumentEdit[],
  options: { file?: string } = {},
): EditedText {
  const file = options.file ?? '<input>';
  let current = text;
  let data = loadDocument(current, { file, format: 'yaml' }).data;
  const changed: string[] = [];
  for (const edit of edits) {
    const segments = parsePath(edit.path);
    if (segments.length === 0)
      throw new AgentforgeError('INVALID_ARGUMENT', `an empty path cannot be edited`);
    for (const segment of segments) assertSafeKey(segment, edit.path);
    const expected = structuredClone(data);
    let value: unknown;
    if (edit.op === 'set') {
      value = parseYamlValue(edit.value, edit.path);
      if (!setIn(expected, segments, value))
        throw new AgentforgeError(
          'INVALID_ARGUMENT',
          `${edit.path}: cannot be set, a parent is a value, not a mapping or list`,
        );
    } else if (!deleteIn(expected, segments)) continue;
    if (canonicalJson(expected) === canonicalJson(data)) continue;
    const spliced = splice(current, segments, edit);
    const next =
      spliced !== undefined && sameData(spliced, expected, file)
        ? spliced
        : viaDocument(current, segments, edit, value);
    if (!sameData(next, expected, file))
      throw new AgentforgeError('INVALID_ARGUMENT', `${edit.path}: the edit could not be written to ${file}`);
    current = next;
    data = expected;
    if (!changed.includes(edit.path)) changed.push(edit.path);
  }
  return { text: current, data, changed };
}

function sameData(text: string, expected: unknown, file: string): boolean {
  try {
    return canonicalJson(loadDocument(text, { file, format: 'yaml' }).data) === canonicalJson(expected);
  } catch {
    return false;
  }
}

function setIn(root: unknown, segments: readonly string[], value: unknown): boolean {
  let node = root;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (Array.isArray(node)) {
      const index = Number(segment);
      if (!Number.isInteger(index) || index < 0 || index > node.length) return false;
      if (last) node[index] = value;
      else {
        node[index] ??= {};
        node = node[index];
      }
    } else if (isPlainObject(node)) {
      if (last) node[segment] = value;
      else {
        if (node[segment] === undefined || node[segment] === null) node[segment] = {};
        node = node[segment];
      }
    } else return false;
  }
  return true;
}

function deleteIn(root: unknown, segments: readonly string[]): boolean {
  let node = root;
  for (const segment of segments.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(segment)] : isPlainObject(node) ? node[segment] : undefined;
  }
  const last = segments.at(-1)!;
  if (Array.isArray(node)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= node.length) return false;
    node.splice(index, 1);
    return true;
  }
  if (isPlainObject(node) && Object.hasOwn(node, last)) {
    delete node[last];
    return true;
  }
  return false;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just past the line that holds `offset - 1` (its newline included). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

/** A key as YAML writes it: plain where it can be, quoted where it must (`"true"`, `"a: b"`). */
function renderKey(key: string): string {
  return new Document(key).toString().trimEnd();
}

/** A text splice for the common edits, or `undefined` to leave the edit to the Document API. */
function splice(text: string, segments: readonly string[], edit: DocumentEdit): string | undefined {
  const doc = parseDocument(text, { prettyErrors: false });
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let node: unknown = doc.contents;
  let parentMap: unknown;
  let pair: { key: unknown; value: unknown } | undefined;
  let seqItem: YamlNode | undefined;
  let parentSeq: unknown;
  for (const [i, segment] of segments.entries()) {
    if (isMap(node)) {
      const found = node.items.find((p) => keyText(p.key) === segment);
      if (!found) {
        if (edit.op !== 'set' || node.flow || node.items.length === 0) return undefined;
        return insertKeys(text, node, segments.slice(i), edit.value, eol);
      }
      parentMap = node;
      parentSeq = undefined;
      pair = found;
      seqItem = undefined;
      node = found.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as YamlNode | undefined;
      if (!item || node.flow) return undefined;
      parentSeq = node;
      parentMap = undefined;
      seqItem = item;
      pair = undefined;
      node = item;
    } else return undefined;
  }
  if (edit.op === 'set') {
    // A one-line scalar or flow node is replaced where it is written; its comment stays.
    const target = node as YamlNode | null;
    if (!target?.range || isAlias(target) || target.anchor || target.tag) return undefined;
    const [start, end] = target.range;
    const written = text.slice(start, end);
    const oneLine =
      (isScalar(target) &&
        (target.type === 'PLAIN' || target.type === 'QUOTE_DOUBLE' || target.type === 'QUOTE_SINGLE')) ||
      (isCollection(target) && target.flow);
    if (!oneLine || start === end || /[\r\n]/.test(written)) return undefined;
    return text.slice(0, start) + edit.value.trim() + text.slice(end);
  }
  // unset: the whole lines of a block-mapping entry or block-list item, when it owns them.
  const owner = pair ? (pair.key as YamlNode | null) : seqItem;
  const value = pair ? (pair.value as YamlNode | null) : seqItem;
  const container = (parentMap ?? parentSeq) as { items: unknown[]; flow?: boolean } | undefined;
  if (!owner?.range || !container || container.flow || container.items.length < 2) return undefined;
  const first = lineStart(text, owner.range[0]);
  if (!/^[ \t]*(- )?[ \t]*$/.test(text.slice(first, owner.range[0]))) return undefined;
  const endOfValue = value?.range ? value.range[1] : owner.range[1];
  const last = lineEndAfter(text, endOfValue);
  return text.slice(0, first) + text.slice(last);
}

/** Adds `segments` (the missing tail of the path) as new lines at the end of a block mapping. */
function insertKeys(
  text: string,
  map: { items: Array<{ key: unknown; value: unknown }>; range?: [number, number, number] | null },
  segments: readonly string[],
  value: string,
  eol: string,
): string | undefined {
  const firstKey = map.items[0]!.key as YamlNode | null;
  if (!firstKey?.range || !map.range) return undefined;
  const indent = firstKey.range[0] - lineStart(text, firstKey.range[0]);
  if (!/^[ ]*$/.test(text.slice(lineStart(text, firstKey.range[0]), firstKey.range[0]))) return undefined;
  const lines = segments.map((s, i) => {
    const pad = ' '.repeat(indent + 2 * i);
    return i === segments.length - 1 ? `${pad}${renderKey(s)}: ${value.trim()}` : `${pad}${renderKey(s)}:`;
  });
  const at = lineEndAfter(text, map.range[1]);
  const before = text.slice(0, at);
  const joiner = before.length > 0 && !before.endsWith('\n') ? eol : '';
  return `${before}${joiner}${lines.join(eol)}${eol}${text.slice(at)}`;
}

/** The Document API fallback: keeps comments, may reformat what `yaml` prints differently. */
function viaDocument(text: string, segments: readonly string[], edit: DocumentEdit, value: unknown): string {
  const doc = parseDocument(text, { prettyErrors: false });
  const path = segments.map((s, i) => {
    const parent = i === 0 ? doc.contents : doc.getIn(segments.slice(0, i), true);
    return isSeq(parent) ? Number(s) : s;
  });
  if (edit.op === 'set') doc.setIn(path, doc.createNode(value));
  else doc.deleteIn(path);
  return doc.toString({ lineWidth: 0 });
}

/** Content hash recorded in the audit trail: `sha256:` and 64 hex digits of the bytes. */
export function contentHash(text: string | null): string | null {
  return text === null ? null : `sha256:${nodeCrypto().createHash('sha256').update(text).digest('hex')}`;
}

/**
 * A unified diff of two texts with three lines of context, for `--dry-run`. Edits made here
 * touch one region per path, so the differing span between the common prefix and suffix is
 * shown as one hunk: exact for one edit, and a larger but still correct hunk for several.
 */
export function unifiedDiff(before: string, after: string, file: string): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const start = Math.max(0, head - 3);
  const endA = Math.min(a.length, a.length - tail + 3);
  const endB = Math.min(b.length, b.length - tail + 3);
  const lines = [
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -${start + 1},${endA - start} +${start + 1},${endB - start} @@`,
    ...a.slice(start, head).map((l) => ` ${l}`),
    ...a.slice(head, a.length - tail).map((l) => `-${l}`),
    ...b.slice(head, b.length - tail).map((l) => `+${l}`),
    ...a.slice(a.length - tail, endA).map((l) => ` ${l}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Options of {@link editFile}. */
export interface EditFileOptions {
  /** The file to edit. */
  path: string;
  /** How the file is named in messages and locations. @default path */
  display?: string;
  edits: readonly DocumentEdit[];
  /**
   * Checks the edited document before anything is written; findings it returns refuse the edit
   * (the caller filters them at its `--fail-on`). The validator's schema + policy check goes here.
   */
  check?: (document: LoadedDocument) => Promise<readonly Finding[]> | readonly Finding[];
  /** Compute and check, write nothing. @default false */
  dryRun?: boolean;
  /**
   * Start from this text instead of the file's contents: a file being created (or replaced).
   * The file need not exist (its folder is made); the result is written whenever it differs
   * from what is on disk, and the diff and hashes compare with what is on disk.
   */
  initial?: string;
}

/** What {@link editFile} did. */
export interface EditFileResult {
  /** `applied` written; `refused` findings stopped it; `unchanged` nothing to do; `dry-run` checked, not written. */
  status: 'applied' | 'refused' | 'unchanged' | 'dry-run';
  changed: string[];
  findings: readonly Finding[];
  /** Unified diff of the edit (empty when unchanged). */
  diff: string;
  hashBefore: string | null;
  hashAfter: string | null;
}

/**
 * Edits a YAML file in place, keeping everything but the edited lines: the edits are applied
 * to the text ({@link editYamlText}), the result is checked, and only an accepted edit is written,
 * atomically. A refused edit or a dry run leaves the file byte-identical.
 * @example await editFile({ path: 'environments/production.yaml', edits: [{ op: 'set', path: 'services.swarm.replicas', value: '4' }], check })
 */
export async function editFile(options: EditFileOptions): Promise<EditFileResult> {
  const display = options.display ?? options.path;
  let onDisk: string | null;
  try {
    onDisk = await readFile(options.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.initial !== undefined) onDisk = null;
    else
      throw new AgentforgeError(
        code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE',
        `${display}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`}`,
        { cause: error },
      );
  }
  const edited = editYamlText(options.initial ?? onDisk!, options.edits, { file: display });
  const hashBefore = contentHash(onDisk);
  if (edited.text === onDisk)
    return { status: 'unchanged', changed: [], findings: [], diff: '', hashBefore, hashAfter: hashBefore };
  const diff = unifiedDiff(onDisk ?? '', edited.text, display);
  const hashAfter = contentHash(edited.text);
  const findings = options.check
    ? await options.check(loadDocument(edited.text, { file: display, format: 'yaml' }))
    : [];
  if (findings.length > 0)
    return { status: 'refused', changed: edited.changed, findings, diff, hashBefore, hashAfter: hashBefore };
  if (options.dryRun)
    return { status: 'dry-run', changed: edited.changed, findings, diff, hashBefore, hashAfter };
  await writeFileAtomic(options.path, edited.text, { mkdir: options.initial !== undefined });
  return { status: 'applied', changed: edited.changed, findings, diff, hashBefore, hashAfter };
}
