import { type ChangeKind, isPlainObject, setOwnProperty } from '@agentforge/schema';
import deepDiff from 'deep-diff';
import type { Json } from './json.js';
import { compilePathGlob, formatDriftPath, type Segment, type SegmentMatcher, segmentText } from './paths.js';

/** Fields that identify the items of a list of objects, tried in order. */
export const DEFAULT_KEY_FIELDS: readonly string[] = [
  'name',
  'key',
  'id',
  'containerPort',
  'port',
  'mountPath',
  'devicePath',
];

/** How lists are matched. */
export interface DiffOptions {
  /** Fields tried, in order, as the key of a list of objects; the first one present and unique in both lists wins. @default DEFAULT_KEY_FIELDS */
  keyFields?: readonly string[];
  /** The key field of the lists at these path globs, e.g. `{ 'spec.rules': 'host' }`; wins over `keyFields`. */
  listKeys?: Readonly<Record<string, string>>;
}

/** One difference between two canonical documents. */
export interface RawChange {
  kind: ChangeKind;
  /** The path as segments, keyed list items as `{ field, value }`. */
  segments: Segment[];
  /** The user-facing path (see `formatDriftPath`). */
  path: string;
  before?: Json;
  after?: Json;
  /** For an item added to a keyed list: its position in the new list. */
  index?: number;
  /** For a keyed list (`reordered`, or an added or removed item): the field its items are keyed by. */
  keyField?: string;
}

const KEYED = '\u0001';
const ESCAPED = '\u0002';
/** View keys of plain members: deep-diff skips an empty key (`if (k)`), and our prefixes must stay unambiguous. */
const viewKey = (key: string) =>
  key === '' || key.startsWith(KEYED) || key.startsWith(ESCAPED) ? `${ESCAPED}${key}` : key;

/** The field a list pair is keyed by, with each list's item keys in order. */
interface KeyChoice {
  field: string;
  keys: readonly string[];
  otherKeys: readonly string[] | undefined;
}

interface Engine {
  chooseKey(a: Json[], b: Json[] | undefined, segments: readonly string[]): KeyChoice | undefined;
}

function createEngine(options: DiffOptions): Engine {
  const fields = options.keyFields ?? DEFAULT_KEY_FIELDS;
  const configured: Array<[SegmentMatcher, string]> = Object.entries(options.listKeys ?? {}).map(
    ([glob, field]) => [compilePathGlob(glob), field],
  );
  /** The items' keys under `field` when every item has a unique one (computed once, used by the caller). */
  const keyedBy = (list: Json[], field: string): string[] | undefined => {
    const seen = new Set<string>();
    const keys: string[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (!isPlainObject(item)) return undefined;
      const value = item[field];
      if (typeof value !== 'string' && typeof value !== 'number') return undefined;
      const text = String(value);
      if (seen.has(text)) return undefined;
      seen.add(text);
      keys[i] = text;
    }
    return keys;
  };
  /** `keys` again when `list`'s items have exactly these keys in this order (then unique as they are). */
  const sameKeysOf = (
    list: Json[],
    field: string,
    keys: readonly string[],
  ): readonly string[] | undefined => {
    if (list.length !== keys.length) return undefined;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (!isPlainObject(item)) return undefined;
      const value = item[field];
      if ((typeof value !== 'string' && typeof value !== 'number') || String(value) !== keys[i])
        return undefined;
    }
    return keys;
  };
  return {
    chooseKey(a, b, segments) {
      if (a.length === 0 && (b === undefined || b.length === 0)) return undefined;
      const explicit = configured.find(([match]) => match(segments))?.[1];
      for (const field of explicit === undefined ? fields : [explicit]) {
        const keys = keyedBy(a, field);
        if (keys === undefined) continue;
        if (b === undefined) return { field, keys, otherKeys: undefined };
        const otherKeys = sameKeysOf(b, field, keys) ?? keyedBy(b, field);
        if (otherKeys !== undefined) return { field, keys, otherKeys };
      }
      return undefined;
    },
  };
}

const itemKey = (item: Json, field: string) => String((item as Record<string, Json>)[field]);

const sameKeys = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Records a `reordered` change when the items both lists share (by key) come in another
 * order; added and removed items alone are not a reorder.
 */
function noteReorder(
  reorders: RawChange[],
  path: readonly Segment[],
  field: string,
  before: readonly string[],
  after: readonly string[],
): void {
  const inAfter = new Set(after);
  const inBefore = new Set(before);
  const shared = before.filter((k) => inAfter.has(k));
  const common = after.filter((k) => inBefore.has(k));
  if (shared.some((k, i) => k !== common[i])) {
    reorders.push({
      kind: 'reordered',
      segments: [...path],
      path: formatDriftPath(path),
      before: [...before],
      after: [...after],
      keyField: field,
    });
  }
}

/**
 * The view deep-diff compares: keyed lists become objects keyed by `\u0001field=value`, so
 * items are matched by key instead of index. Reorders of common items are collected on the way.
 */
function buildView(
  engine: Engine,
  value: Json,
  other: Json | undefined,
  segments: string[],
  path: Segment[],
  reorders: RawChange[] | undefined,
): unknown {
  if (Array.isArray(value)) {
    const counterpart = Array.isArray(other) ? other : undefined;
    // Against an object the list must stay a list, so deep-diff reports one type change.
    const choice = isPlainObject(other) ? undefined : engine.chooseKey(value, counterpart, segments);
    if (choice === undefined) {
      // Copy only when an item's view differs; most lists are shared as they are.
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i]!;
        let view: unknown = item;
        if (item !== null && typeof item === 'object') {
          segments.push(String(i));
          path.push(i);
          view = buildView(engine, item, counterpart?.[i], segments, path, reorders);
          segments.pop();
          path.pop();
        }
        if (out === undefined && view !== item) out = value.slice(0, i);
        if (out !== undefined) out.push(view);
      }
      return out ?? value;
    }
    const { field, keys, otherKeys } = choice;
    const others = new Map<string, Json>();
    if (counterpart && otherKeys)
      for (let i = 0; i < counterpart.length; i++) others.set(otherKeys[i]!, counterpart[i]!);
    if (reorders && otherKeys) noteReorder(reorders, path, field, keys, otherKeys);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < value.length; i++) {
      const key = keys[i]!;
      const segment = { field, value: key };
      segments.push(segmentText(segment));
      path.push(segment);
      out[`${KEYED}${field}=${key}`] = buildView(
        engine,
        value[i]!,
        others.get(key),
        segments,
        path,
        reorders,
      );
      segments.pop();
      path.pop();
    }
    return out;
  }
  if (!isPlainObject(value)) return value;
  const counterpart = isPlainObject(other) ? other : undefined;
  // Copy only where the view differs (a keyed list below, an escaped key): most subtrees are shared.
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const member = value[key]!;
    let view: unknown = member;
    if (member !== null && typeof member === 'object') {
      segments.push(key);
      path.push(key);
      view = buildView(
        engine,
        member,
        counterpart && Object.hasOwn(counterpart, key) ? counterpart[key] : undefined,
        segments,
        path,
        reorders,
      );
      segments.pop();
      path.pop();
    }
    const name = viewKey(key);
    if (out === undefined && (view !== member || name !== key)) {
      out = {};
      for (let j = 0; j < i; j++) setOwnProperty(out, keys[j]!, value[keys[j]!]);
    }
    if (out !== undefined) setOwnProperty(out, name, view);
  }
  return out ?? value;
}

/** Both sides' views of one subtree, or `undefined` when the two are equal and deep-diff can skip them. */
type Views = [unknown, unknown] | undefined;

/**
 * The views of `a` and `b` built together, leaving out every subtree that is equal on both
 * sides, so deep-diff only walks what differs. Equal items of an unkeyed list stay as `null` on
 * both sides to keep the indexes; an unkeyed list whose length changed is reported whole (its
 * index-wise changes would be noise), so it is put in `collapsed` instead of being viewed.
 */
function buildViews(
  engine: Engine,
  a: Json,
  b: Json,
  segments: string[],
  path: Segment[],
  reorders: RawChange[],
  collapsed: Map<string, Segment[]>,
): Views {
  if (a === b) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    const choice = engine.chooseKey(a, b, segments);
    if (choice === undefined) {
      if (a.length !== b.length) {
        const segs = [...path];
        collapsed.set(pathKey(segs), segs);
        // Reorders of keyed lists inside it are still found, as for any other list.
        buildView(engine, a, b, segments, path, reorders);
        return undefined;
      }
      let left: unknown[] | undefined;
      let right: unknown[] | undefined;
      for (let i = 0; i < a.length; i++) {
        segments.push(String(i));
        path.push(i);
        const views = buildViews(engine, a[i]!, b[i]!, segments, path, reorders, collapsed);
        segments.pop();
        path.pop();
        if (views === undefined) continue;
        left ??= new Array(a.length).fill(null);
        right ??= new Array(a.length).fill(null);
        left[i] = views[0];
        right[i] = views[1];
      }
      return left === undefined ? undefined : [left, right];
    }
    const { field, keys } = choice;
    const after = choice.otherKeys!;
    if (sameKeys(keys, after)) {
      // The same keys in the same order (the usual case: values edited in place): items pair up
      // by index, no reorder is possible, and items both sides share (the canonicaliser shares
      // equal ones) are skipped before any path is built.
      let left: Record<string, unknown> | undefined;
      let right: Record<string, unknown> | undefined;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) continue;
        const key = keys[i]!;
        const segment = { field, value: key };
        segments.push(segmentText(segment));
        path.push(segment);
        const views = buildViews(engine, a[i]!, b[i]!, segments, path, reorders, collapsed);
        segments.pop();
        path.pop();
        if (views === undefined) continue;
        const name = `${KEYED}${field}=${key}`;
        left ??= {};
        right ??= {};
        left[name] = views[0];
        right[name] = views[1];
      }
      return left === undefined ? undefined : [left, right];
    }
    const mine = new Set(keys);
    const others = new Map<string, Json>();
    for (let i = 0; i < b.length; i++) others.set(after[i]!, b[i]!);
    noteReorder(reorders, path, field, keys, after);
    const left: Record<string, unknown> = {};
    const right: Record<string, unknown> = {};
    let differs = false;
    const each = (list: Json[], listKeys: readonly string[], only: boolean) => {
      for (let i = 0; i < list.length; i++) {
        const key = listKeys[i]!;
        if (only && mine.has(key)) continue;
        const other = only ? undefined : others.get(key);
        const segment = { field, value: key };
        segments.push(segmentText(segment));
        path.push(segment);
        const name = `${KEYED}${field}=${key}`;
        if (other !== undefined) {
          const views = buildViews(engine, list[i]!, other, segments, path, reorders, collapsed);
          if (views !== undefined) {
            [left[name], right[name]] = views;
            differs = true;
          }
        } else {
          (only ? right : left)[name] = buildView(
            engine,
            list[i]!,
            undefined,
            segments,
            path,
            only ? undefined : reorders,
          );
          differs = true;
        }
        segments.pop();
        path.pop();
      }
    };
    each(a, keys, false);
    each(b, after, true);
    return differs ? [left, right] : undefined;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const left: Record<string, unknown> = {};
    const right: Record<string, unknown> = {};
    let differs = false;
    for (const key of Object.keys(a)) {
      const name = viewKey(key);
      segments.push(key);
      path.push(key);
      if (Object.hasOwn(b, key)) {
        const views = buildViews(engine, a[key]!, b[key]!, segments, path, reorders, collapsed);
        if (views !== undefined) {
          setOwnProperty(left, name, views[0]);
          setOwnProperty(right, name, views[1]);
          differs = true;
        }
      } else {
        setOwnProperty(left, name, buildView(engine, a[key]!, undefined, segments, path, reorders));
        differs = true;
      }
      segments.pop();
      path.pop();
    }
    for (const key of Object.keys(b)) {
      if (Object.hasOwn(a, key)) continue;
      segments.push(key);
      path.push(key);
      setOwnProperty(right, viewKey(key), buildView(engine, b[key]!, undefined, segments, path, undefined));
      differs = true;
      segments.pop();
      path.pop();
    }
    return differs ? [left, right] : undefined;
  }
  // Different types or different scalars: deep-diff reports one change here.
  return [
    buildView(engine, a, b, segments, path, reorders),
    buildView(engine, b, a, segments, path, undefined),
  ];
}

function toSegment(part: unknown): Segment {
  if (typeof part === 'number') return part;
  const text = String(part);
  if (text.startsWith(ESCAPED)) return text.slice(1);
  if (!text.startsWith(KEYED)) return text;
  const eq = text.indexOf('=');
  return { field: text.slice(1, eq), value: text.slice(eq + 1) };
}

interface Located {
  found: boolean;
  value?: Json;
  index?: number;
}

/** The value at `segments` in a canonical document, with its index when it is a list item. */
export function locate(root: Json, segments: readonly Segment[]): Located {
  let current: Json = root;
  let index: number | undefined;
  for (const segment of segments) {
    index = undefined;
    if (typeof segment === 'object') {
      if (!Array.isArray(current)) return { found: false };
      index = current.findIndex(
        (item) => isPlainObject(item) && String(item[segment.field]) === segment.value,
      );
      if (index < 0) return { found: false };
      current = current[index]!;
    } else if (Array.isArray(current)) {
      index = Number(segment);
      if (!Number.isInteger(index) || index < 0 || index >= current.length) return { found: false };
      current = current[index]!;
    } else if (isPlainObject(current) && Object.hasOwn(current, segment)) {
      current = current[String(segment)]!;
    } else return { found: false };
  }
  return index === undefined ? { found: true, value: current } : { found: true, value: current, index };
}

const isObject = (value: unknown) => value !== null && typeof value === 'object';

const pathKey = (segments: readonly Segment[]) => segments.map(segmentText).join('\u0000');

/**
 * The changes that turn canonical document `a` into `b`: lists of objects matched by key
 * (one edited item is one change; a reorder is one `reordered` change), other lists by index
 * when their length is unchanged and as one `modified` value when it changed.
 */
export function diffCanonical(a: Json, b: Json, options: DiffOptions = {}): RawChange[] {
  const engine = createEngine(options);
  const reorders: RawChange[] = [];
  const collapsed = new Map<string, Segment[]>();
  const views = buildViews(engine, a, b, [], [], reorders, collapsed);
  const diffs = views === undefined ? [] : (deepDiff.diff(views[0], views[1]) ?? []);
  const changes: RawChange[] = [];
  // deep-diff never sees two lists of different lengths (buildViews collapses them), so it reports no 'A'.
  for (const d of diffs) {
    const segments = (d.path ?? []).map(toSegment);
    const last = segments[segments.length - 1];
    const keyField = typeof last === 'object' ? last.field : undefined;
    const change: RawChange = {
      kind: d.kind === 'N' ? 'added' : d.kind === 'D' ? 'removed' : 'modified',
      segments,
      path: formatDriftPath(segments),
    };
    if (d.kind === 'E' && !isObject(d.lhs) && !isObject(d.rhs)) {
      // Two scalars: the views hold the canonical values themselves, no need to look them up.
      change.before = d.lhs as Json;
      change.after = d.rhs as Json;
      changes.push(change);
      continue;
    }
    if (d.kind !== 'N') change.before = locate(a, segments).value;
    if (d.kind !== 'D') {
      const found = locate(b, segments);
      change.after = found.value;
      if (d.kind === 'N' && keyField !== undefined) change.index = found.index;
    }
    if (keyField !== undefined && d.kind !== 'E') change.keyField = keyField;
    changes.push(change);
  }
  for (const segments of collapsed.values()) {
    changes.push({
      kind: 'modified',
      segments,
      path: formatDriftPath(segments),
      before: locate(a, segments).value,
      after: locate(b, segments).value,
    });
  }
  changes.push(...reorders);
  return changes;
}

function clone<T extends Json>(value: T): T {
  return structuredClone(value);
}

/**
 * Applies changes from {@link diffCanonical} to a copy of canonical document `a`; applying
 * `diffCanonical(a, b)` gives a document equal to `b`, list order included.
 */
export function applyChanges(a: Json, changes: readonly RawChange[]): Json {
  const holder: { root: Json } = { root: clone(a) };
  const parentOf = (segments: readonly Segment[]) =>
    segments.length === 1 ? holder.root : locate(holder.root, segments.slice(0, -1)).value;
  const setAt = (segments: readonly Segment[], value: Json | undefined) => {
    if (segments.length === 0) {
      holder.root = value === undefined ? null : clone(value);
      return;
    }
    const parent = parentOf(segments);
    const last = segments[segments.length - 1]!;
    if (Array.isArray(parent)) {
      const index =
        typeof last === 'object'
          ? parent.findIndex((item) => isPlainObject(item) && String(item[last.field]) === last.value)
          : Number(last);
      if (value === undefined) {
        if (index >= 0) parent.splice(index, 1);
      } else if (index >= 0) parent[index] = clone(value);
    } else if (isPlainObject(parent)) {
      if (value === undefined) delete parent[String(last)];
      else setOwnProperty(parent, String(last), clone(value));
    }
  };
  const inserts: RawChange[] = [];
  for (const change of changes) {
    if (change.kind === 'reordered') continue;
    if (change.kind === 'added' && typeof change.segments[change.segments.length - 1] === 'object')
      inserts.push(change);
    else setAt(change.segments, change.kind === 'removed' ? undefined : change.after);
  }
  inserts.sort((x, y) => (x.index ?? 0) - (y.index ?? 0));
  for (const change of inserts) {
    const list = parentOf(change.segments);
    if (Array.isArray(list)) list.splice(change.index ?? list.length, 0, clone(change.after ?? null));
  }
  for (const change of changes) {
    if (change.kind !== 'reordered' || !Array.isArray(change.after) || change.keyField === undefined)
      continue;
    const list = locate(holder.root, change.segments).value;
    if (!Array.isArray(list)) continue;
    const field = change.keyField;
    const byKey = new Map(list.map((item) => [itemKey(item, field), item]));
    const ordered = change.after
      .map((key) => byKey.get(String(key)))
      .filter((item): item is Json => item !== undefined);
    list.splice(0, list.length, ...ordered);
  }
  return holder.root;
}
