import {
  createFingerprintKey,
  type FingerprintKey,
  isHighEntropySecret,
  isPlainObject,
  isSecretKey,
  parseQuantity,
  QUANTITY_PATTERN,
  redactedMarker,
  redactString,
  setOwnProperty,
} from '@agentforge/schema';
import { isKubernetesObject, isList } from '@agentforge/schema/kubernetes';
import type { Json } from './json.js';
import { cleanKubernetesObject } from './kubernetes.js';
import { compileGlobs, type SegmentMatcher } from './paths.js';

/** Where values are compared as Kubernetes quantities unless configured otherwise. */
export const DEFAULT_QUANTITY_PATHS: readonly string[] = [
  '**.requests.*',
  '**.limits.*',
  '**.hard.*',
  '**.sizeLimit',
  '**.capacity.*',
];

// Documents repeat their keys, so the secret-key test (a pure function of the key) is remembered.
const secretKeys = new Map<string, boolean>();
function secretKey(key: string | undefined): boolean {
  if (key === undefined) return false;
  let known = secretKeys.get(key);
  if (known === undefined) {
    known = isSecretKey(key);
    if (secretKeys.size < 10_000) secretKeys.set(key, known);
  }
  return known;
}

let defaultQuantityMatcher: SegmentMatcher | undefined;
const defaultQuantityPath = () => {
  defaultQuantityMatcher ??= compileGlobs(DEFAULT_QUANTITY_PATHS);
  return defaultQuantityMatcher;
};

/** How two documents are brought to one form before they are compared. */
export interface CanonicalOptions {
  /**
   * Clean Kubernetes objects (server-set fields, defaults, Secret `stringData`): `'auto'` does
   * so for the root, root list items and `List` items that have `apiVersion` and `kind`.
   * @default 'auto'
   */
  kubernetes?: boolean | 'auto';
  /** Compare numeric strings as numbers (`"3"` = `3`): `true` everywhere, or only at these path globs. @default false */
  numericStrings?: boolean | readonly string[];
  /** Path globs whose values are Kubernetes quantities compared by value (`100m` = `0.1`, `1Gi` = `1024Mi`). @default DEFAULT_QUANTITY_PATHS */
  quantityPaths?: readonly string[];
  /**
   * The key secrets are fingerprinted with. Give the workspace's key (or the snapshot store's)
   * when a canonical form is stored or compared with a stored one.
   * @default a random key per canonicaliser: its forms compare only with each other
   */
  fingerprintKey?: FingerprintKey;
}

const NUMERIC = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const BINARY: ReadonlyArray<readonly [string, number]> = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];
const DECIMAL: ReadonlyArray<readonly [string, number]> = [
  ['E', 1e18],
  ['P', 1e15],
  ['T', 1e12],
  ['G', 1e9],
  ['M', 1e6],
  ['k', 1e3],
];
const FRACTION: ReadonlyArray<readonly [string, number]> = [
  ['m', 1e3],
  ['u', 1e6],
  ['n', 1e9],
];

/**
 * One spelling per quantity value: the largest exact binary suffix, else decimal suffix, else
 * milli/micro/nano units (`0.1` → `100m`, `1024Mi` → `1Gi`, `2000m` → `2`).
 */
export function formatQuantity(value: number): string {
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (Number.isInteger(abs)) {
    for (const [suffix, base] of BINARY)
      if (abs >= base && abs % base === 0) return `${sign}${abs / base}${suffix}`;
    for (const [suffix, base] of DECIMAL)
      if (abs >= base && abs % base === 0) return `${sign}${abs / base}${suffix}`;
    return `${sign}${abs}`;
  }
  for (const [suffix, factor] of FRACTION) {
    const scaled = abs * factor;
    const rounded = Math.round(scaled);
    if (Math.abs(scaled - rounded) <= 1e-9 * Math.max(1, scaled)) return `${sign}${rounded}${suffix}`;
  }
  return `${sign}${abs}`;
}

/** See {@link createCanonicalizer}; `pair` canonicalises two documents for a diff. */
export function createCanonicalizers(options: CanonicalOptions = {}): Canonicalizers {
  const isQuantityPath = options.quantityPaths ? compileGlobs(options.quantityPaths) : defaultQuantityPath();
  const numeric = options.numericStrings ?? false;
  const isNumericPath = typeof numeric === 'boolean' ? () => numeric : compileGlobs(numeric);
  const kubernetes = options.kubernetes ?? 'auto';
  const path: string[] = [];
  const fingerprintKey = options.fingerprintKey ?? createFingerprintKey();
  const redactOptions = { fingerprintKey };

  const inVariableMap = (): boolean => {
    const n = path.length;
    return (
      (n >= 2 && (path[n - 2] === 'env' || path[n - 2] === 'data')) ||
      (n >= 3 && path[n - 1] === 'value' && path[n - 3] === 'env')
    );
  };

  const scalar = (value: string | number | boolean, key: string | undefined): Json => {
    if (typeof value === 'string') {
      // A marker stays as it is (masking twice changes nothing); any secret beside it is masked.
      const redacted = redactString(value, secretKey(key) ? key : undefined, redactOptions);
      if (redacted !== value) return redacted;
      // Variable maps (`services.*.env`, a container's `env[].value`, ConfigMap `data`) also
      // mask long random-looking values, as the validator flags them.
      if (inVariableMap() && isHighEntropySecret(value)) return redactedMarker(value, fingerprintKey);
      // The pattern before the path: it fails fast on most strings, the path globs do not.
      if (QUANTITY_PATTERN.test(value.trim()) && isQuantityPath(path))
        return formatQuantity(parseQuantity(value)!);
      if (isNumericPath(path) && NUMERIC.test(value)) return Number(value);
      return value;
    }
    if (secretKey(key) && typeof value === 'number') return redactedMarker(value, fingerprintKey);
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return String(value);
      if (isQuantityPath(path)) return formatQuantity(value);
    }
    return value;
  };

  /** `{ name: DB_PASSWORD, value: … }` (a Kubernetes env var) keeps its secret under the name. */
  const keyOfMember = (parent: Record<string, unknown>, member: string): string => {
    if (member !== 'value') return member;
    const name = parent.name;
    return typeof name === 'string' && secretKey(name) ? name : member;
  };

  // Copy-on-write: a subtree that canonicalisation leaves alone is shared, not copied.
  const walk = (value: unknown, key: string | undefined): Json | undefined => {
    if (value === undefined) return undefined;
    if (value === null) return null;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return scalar(value, key);
    if (typeof value === 'bigint') return scalar(Number(value), key);
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) {
      let out: Json[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        path.push(String(i));
        const result = walk(item, key) ?? null;
        path.pop();
        if (out === undefined && result !== item) out = value.slice(0, i);
        if (out !== undefined) out.push(result);
      }
      return out ?? (value as Json[]);
    }
    if (!isPlainObject(value)) return null;
    const prototype = Object.getPrototypeOf(value);
    let out: Record<string, Json> | undefined =
      prototype === Object.prototype || prototype === null ? undefined : {};
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const member = keys[i]!;
      const original = value[member];
      path.push(member);
      const result = walk(original, keyOfMember(value, member));
      path.pop();
      if (out === undefined && (result !== original || result === undefined)) {
        out = {};
        for (let j = 0; j < i; j++)
          if (value[keys[j]!] !== undefined) setOwnProperty(out, keys[j]!, value[keys[j]!]);
      }
      if (out !== undefined && result !== undefined) setOwnProperty(out, member, result);
    }
    return out ?? (value as Json);
  };

  // Raw values equal on both sides have equal canonical forms (same value, path and key), so
  // only what differs is canonicalised — and checked for secrets.
  const pairWalk = (x: unknown, y: unknown, key: string | undefined): Pair | undefined => {
    if (x === y) return undefined;
    if (isPlainObject(x) && isPlainObject(y)) {
      let out: [Record<string, Json>, Record<string, Json>] | undefined;
      const keysY = Object.keys(y);
      let shared = 0;
      for (const member of Object.keys(x)) {
        const original = x[member];
        let other: unknown;
        if (Object.hasOwn(y, member)) {
          other = y[member];
          shared++;
        }
        // Only a `value` can change key with its sibling `name` (see keyOfMember).
        if (original === other && member !== 'value') continue;
        const keyX = keyOfMember(x, member);
        const keyY = keyOfMember(y, member);
        if (original === other && keyX === keyY) continue;
        path.push(member);
        const result =
          keyX === keyY
            ? pairWalk(original, other, keyX)
            : ([walk(original, keyX), walk(other, keyY)] as Pair);
        path.pop();
        if (result === undefined) continue;
        out ??= [{}, {}];
        if (result[0] !== undefined) setOwnProperty(out[0], member, result[0]);
        if (result[1] !== undefined) setOwnProperty(out[1], member, result[1]);
      }
      // Members only `y` has (none when every member of `y` was seen above).
      for (let i = 0; shared < keysY.length && i < keysY.length; i++) {
        const member = keysY[i]!;
        if (Object.hasOwn(x, member) || y[member] === undefined) continue;
        path.push(member);
        const result = walk(y[member], keyOfMember(y, member));
        path.pop();
        out ??= [{}, {}];
        if (result !== undefined) setOwnProperty(out[1], member, result);
      }
      return out;
    }
    if (Array.isArray(x) && Array.isArray(y)) return listPair(x, y, key);
    // Different shapes or scalars: both sides whole.
    return [walk(x, key), walk(y, key)];
  };

  // Both sides complete (lists are matched by key later, which needs every item), but a subtree
  // equal on both sides at the same path is canonicalised once and shared: its canonical form is
  // the same (same value, path and key), and being one object on both sides, the diff skips it by
  // identity. A changed list of 1,000 items with one edit costs one walk, not two.
  const wholePair = (x: unknown, y: unknown, key: string | undefined, unequal = false): Pair => {
    if (x !== y) {
      if (Array.isArray(x) && Array.isArray(y)) {
        const pair = listPair(x, y, key);
        if (pair !== undefined) return pair;
      } else if (isPlainObject(x) && isPlainObject(y)) {
        // No equality scan first: objectPair shares what is equal member by member, and an
        // object found equal whole comes back as one object for both sides.
        return objectPair(x, y);
      } else if (unequal || !rawEqual(x, y)) return [walk(x, key), walk(y, key)];
    }
    const shared = walk(x, key);
    return [shared, shared];
  };

  /** Both lists whole, equal items shared; `undefined` (nothing walked) when the lists are equal. */
  const listPair = (x: unknown[], y: unknown[], key: string | undefined): Pair | undefined => {
    // The equal prefix is found first, so that equal lists cost one comparison and no walk.
    let equal = 0;
    while (equal < x.length && equal < y.length && rawEqual(x[equal], y[equal])) equal++;
    if (equal === x.length && equal === y.length) return undefined;
    const left: Json[] = new Array(x.length);
    const right: Json[] = new Array(y.length);
    for (let i = 0; i < x.length || i < y.length; i++) {
      path.push(String(i));
      if (i >= y.length) left[i] = walk(x[i], key) ?? null;
      else if (i >= x.length) right[i] = walk(y[i], key) ?? null;
      else if (i < equal) left[i] = right[i] = walk(x[i], key) ?? null;
      else [left[i] = null, right[i] = null] = wholePair(x[i], y[i], key, i === equal);
      path.pop();
    }
    return [left, right];
  };

  /** Two plain objects whole, members equal on both sides shared; each in its own member order. */
  const objectPair = (x: Record<string, unknown>, y: Record<string, unknown>): Pair => {
    const keysX = Object.keys(x);
    const keysY = Object.keys(y);
    let sameOrder = keysX.length === keysY.length;
    for (let i = 0; sameOrder && i < keysX.length; i++) sameOrder = keysX[i] === keysY[i];
    const left: Record<string, Json> = {};
    if (sameOrder) {
      // The usual case: one member order, members pair up one to one.
      let right: Record<string, Json> | undefined;
      for (let i = 0; i < keysX.length; i++) {
        const member = keysX[i]!;
        const keyX = keyOfMember(x, member);
        const keyY = keyOfMember(y, member);
        path.push(member);
        const [l, r] =
          keyX === keyY
            ? wholePair(x[member], y[member], keyX)
            : [walk(x[member], keyX), walk(y[member], keyY)];
        path.pop();
        if (right === undefined && l !== r) {
          // The first member that differs: `right` starts as a copy of what is shared so far.
          right = {};
          for (const [k, v] of Object.entries(left)) setOwnProperty(right, k, v);
        }
        if (l !== undefined) setOwnProperty(left, member, l);
        if (right !== undefined && r !== undefined) setOwnProperty(right, member, r);
      }
      return [left, right ?? left];
    }
    const fromX = new Map<string, Json | undefined>();
    for (const member of keysX) {
      const keyX = keyOfMember(x, member);
      path.push(member);
      if (Object.hasOwn(y, member) && keyX === keyOfMember(y, member)) {
        const [l, r] = wholePair(x[member], y[member], keyX);
        if (l !== undefined) setOwnProperty(left, member, l);
        fromX.set(member, r);
      } else {
        const l = walk(x[member], keyX);
        if (l !== undefined) setOwnProperty(left, member, l);
      }
      path.pop();
    }
    const right: Record<string, Json> = {};
    for (const member of keysY) {
      let r: Json | undefined;
      if (fromX.has(member)) r = fromX.get(member);
      else {
        path.push(member);
        r = walk(y[member], keyOfMember(y, member));
        path.pop();
      }
      if (r !== undefined) setOwnProperty(right, member, r);
    }
    return [left, right];
  };

  const prepare = (value: unknown): unknown => {
    if (kubernetes === false) return value;
    const force = kubernetes === true;
    const clean = (item: unknown): unknown =>
      (force || kubernetes === 'auto') && isKubernetesObject(item)
        ? cleanKubernetesObject(item, undefined, fingerprintKey)
        : item;
    if (Array.isArray(value)) return value.map(clean);
    if (isList(value)) return { ...value, items: value.items.map(clean) };
    return clean(value);
  };

  return {
    one(value) {
      path.length = 0;
      return walk(prepare(value), undefined) ?? null;
    },
    pair(a, b) {
      path.length = 0;
      const result = pairWalk(prepare(a), prepare(b), undefined);
      return result && [result[0] ?? null, result[1] ?? null];
    },
  };
}

type Pair = [Json | undefined, Json | undefined];

/** Canonicalisation of one document, or of two documents at once with their common parts left out. */
interface Canonicalizers {
  one(value: unknown): Json;
  /**
   * The canonical forms of `a` and `b` without the object members whose values are equal on
   * both sides — enough to diff them, not complete documents — or `undefined` when `a` and `b`
   * are equal. Lists are kept whole.
   */
  pair(a: unknown, b: unknown): [Json, Json] | undefined;
}

/** Deep equality of raw values, `undefined` members counting as missing; dates only as the same object. */
function rawEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  // Scalars that are not identical differ: decided before any object test (most calls end here).
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!rawEqual(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(y)) return false;
  // Plain objects only (what `isPlainObject` tests, inlined: this runs on every item of a changed list).
  const proto = Object.getPrototypeOf(x);
  if ((proto !== Object.prototype && proto !== null) || Object.getPrototypeOf(y) !== proto) {
    if (!isPlainObject(x) || !isPlainObject(y)) return false;
  }
  const keysX = Object.keys(x as object);
  const keysY = Object.keys(y as object);
  let all = keysX.length === keysY.length;
  for (const member of keysX) {
    const own = Object.hasOwn(y, member);
    if (
      !rawEqual(
        (x as Record<string, unknown>)[member],
        own ? (y as Record<string, unknown>)[member] : undefined,
      )
    )
      return false;
    all &&= own;
  }
  // Each of `x`'s members is one of `y`'s and there are as many: `y` has no other.
  if (all) return true;
  for (const member of keysY)
    if (!Object.hasOwn(x as object, member) && (y as Record<string, unknown>)[member] !== undefined)
      return false;
  return true;
}

/**
 * Returns a function that brings a document to its canonical form: `undefined` members gone, Kubernetes objects cleaned, quantities spelled one way, numeric strings as
 * numbers where configured, and every secret replaced by its fingerprint marker.
 */
export function createCanonicalizer(options: CanonicalOptions = {}): (value: unknown) => Json {
  return createCanonicalizers(options).one;
}

/**
 * The canonical form of one document (see {@link createCanonicalizer}).
 * @example canonicalize({ resources: { requests: { cpu: '0.1' } }, debug: undefined }) // { resources: { requests: { cpu: '100m' } } }
 */
export function canonicalize(value: unknown, options?: CanonicalOptions): Json {
  return createCanonicalizer(options)(value);
}

/**
 * A deep copy with every secret replaced by its fingerprint marker, as stored in a snapshot.
 * Unlike a plain `redact`, already-masked values are kept, so masking a snapshot twice changes
 * nothing and a stored snapshot compares equal to the document it was taken from.
 */
export function maskSecrets(value: unknown, fingerprintKey: FingerprintKey): Json {
  return createCanonicalizer({ kubernetes: 'auto', quantityPaths: [], fingerprintKey })(value);
}
