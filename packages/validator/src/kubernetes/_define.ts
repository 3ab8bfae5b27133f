// How a Kubernetes rule is written: object, container and set rules with their documentation
// link, the tiered severities, and the family a rule belongs to. Internal to the kubernetes folder.
import type { Severity } from '@agentforge/schema/kernel';
import { defineRule } from '../rule.js';
import type { DocumentRule, Rule, RuleContext, SetRule, SeveritySpec, Violation } from '../types.js';
import { indexOf, type SetIndex } from './_index.js';
import {
  type ContainerAt,
  containersOf,
  contextObjects,
  dict,
  type K8sObject,
  type Segments,
  show,
} from './_objects.js';

const DOCS = 'https://github.com/agentforge/config-toolkit/blob/main/packages/validator/RULES.md';

/** Severity by tier: production is the strictest. `off` where a tier gets nothing. */
export const tiered = (
  production: Severity,
  staging: Severity | 'off',
  development: Severity | 'off',
): SeveritySpec => ({
  production,
  staging,
  default: development,
});

export type Meta = Omit<DocumentRule, 'check' | 'scope' | 'helpUri'>;

const helpUri = (id: string) => `${DOCS}#${id.replace('/', '')}`;

/** A rule checked on the raw document (not object by object). */
export function documentRule(meta: Meta, check: DocumentRule['check']): Rule {
  return defineRule({ ...meta, helpUri: helpUri(meta.id), check });
}

/** A rule checked on every object of each document (List items included). */
export function objectRule(
  meta: Meta,
  check: (o: K8sObject, out: Violation[], context: RuleContext) => void,
): Rule {
  return defineRule({
    ...meta,
    helpUri: helpUri(meta.id),
    check(context) {
      // Called for every rule and document (~90k times on 1 MB of manifests) and nearly always
      // finds nothing: violations gather in one shared array, copied out only when there are
      // some, and `undefined` spares the engine iterating an empty result. A fresh array and
      // its iterator per call were ~5 MiB of garbage per MB of manifests (allocation sampling),
      // which grew V8's young generation (bench/manifests.bench.mjs, peak RSS). Checks are
      // synchronous and never nested, so the array is emptied before each use.
      if (gathered.length !== 0) gathered.length = 0;
      const objects = contextObjects(context);
      for (let i = 0; i < objects.length; i++) check(objects[i]!, gathered, context);
      return gathered.length === 0 ? undefined : gathered.splice(0);
    },
  });
}

/** Where {@link objectRule}'s checks gather violations (see there). */
const gathered: Violation[] = [];

/** A rule checked on every container of every workload. */
export function containerRule(
  meta: Meta,
  check: (c: ContainerAt, o: K8sObject, out: Violation[]) => void,
  options: { init?: boolean; batch?: boolean } = {},
): Rule {
  return objectRule(meta, (o, out) => {
    if (!o.pod || (o.pod.batch && options.batch === false)) return;
    const containers = containersOf(o.pod);
    for (let i = 0; i < containers.length; i++) {
      const c = containers[i]!;
      if (c.field !== 'containers' && options.init === false) continue;
      check(c, o, out);
    }
  });
}

/** A rule over the whole set of documents (cross-object wiring). */
export function setRule(meta: Meta, check: (index: SetIndex, out: Violation[]) => void): Rule {
  return defineRule({
    ...meta,
    scope: 'set',
    helpUri: helpUri(meta.id),
    check(context) {
      const out: Violation[] = [];
      check(indexOf(context), out);
      return out;
    },
  } satisfies SetRule);
}

/** A violation of a set rule, in the document of `o`. */
export const at = (o: { document: number }, path: Segments, message: string): Violation => ({
  path,
  message,
  document: o.document,
});
export const where = (c: ContainerAt, o: K8sObject) => `container ${c.name} of ${show(o)}`;
export const securityContext = (c: ContainerAt) => dict(c.container.securityContext) ?? {};
export const podSecurity = (o: K8sObject) => dict(o.pod?.spec.securityContext) ?? {};

/** A family of rules: one section of RULES.md, one file of this folder. */
export interface RuleFamily {
  /** Title of the family's section in RULES.md. */
  readonly title: string;
  /** Its rules, in the order RULES.md lists them. */
  readonly rules: readonly Rule[];
}

/** Declares a family; the groups of RULES.md and the policy are built from the families. */
export const family = (title: string, rules: readonly Rule[]): RuleFamily => ({ title, rules });
