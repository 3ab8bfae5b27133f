// Scoped severity overrides (policy `scopes`): the findings of the Kubernetes rules on objects of
// some namespaces or kinds get another level, or none. Applied by wrapping the rules, since only
// a rule's violations say which object they are about.
import { compileNameGlob, parsePointer, type Severity } from '@agentforge/schema/kernel';
import type {
  PolicyScope,
  ResolvedEnvironment,
  Rule,
  RuleContext,
  SetRuleContext,
  SeverityLevel,
  SeverityOverrides,
  Violation,
} from '../types.js';
import { type K8sObject, objectsOf } from './_objects.js';

/** The level an override map gives a rule id: its exact id first, else the last glob (`k8s/*`) that matches, as the engine reads overrides. */
function levelIn(overrides: SeverityOverrides | undefined, id: string): SeverityLevel | undefined {
  if (!overrides) return undefined;
  if (Object.hasOwn(overrides, id)) return overrides[id];
  let level: SeverityLevel | undefined;
  for (const [key, value] of Object.entries(overrides))
    if (key.includes('*') && compileNameGlob(key)(id)) level = value;
  return level;
}

/** The level the scopes give a finding of `id` on `o` in `environment`; later scopes win. */
export function scopedLevel(
  scopes: readonly PolicyScope[],
  id: string,
  o: K8sObject,
  environment: ResolvedEnvironment,
): SeverityLevel | undefined {
  let level: SeverityLevel | undefined;
  for (const scope of scopes) {
    if (scope.namespaces && (o.namespace === undefined || !scope.namespaces.includes(o.namespace))) continue;
    if (scope.kinds && !scope.kinds.includes(o.kind)) continue;
    const found =
      levelIn(scope.environments?.[environment.name], id) ??
      levelIn(scope.environments?.[environment.tier], id) ??
      levelIn(scope.severity, id);
    if (found !== undefined) level = found;
  }
  return level;
}

/** The object of a document a violation is about: the one whose path starts the violation's. */
function objectAt(raw: unknown, path: Violation['path']): K8sObject | undefined {
  const segments = (typeof path === 'string' ? parsePointer(path) : path).map(String);
  let best: K8sObject | undefined;
  for (const o of objectsOf(raw))
    if (o.path.every((s, i) => String(s) === segments[i]) && (!best || o.path.length > best.path.length))
      best = o;
  return best;
}

/** Applies the scoped level to one violation: dropped when `off`, its severity set otherwise. */
function apply(
  scopes: readonly PolicyScope[],
  id: string,
  raw: unknown,
  environment: ResolvedEnvironment,
  v: Violation,
): Violation | undefined {
  const o = objectAt(raw, v.path);
  const level = o ? scopedLevel(scopes, id, o, environment) : undefined;
  if (level === undefined) return v;
  return level === 'off' ? undefined : { ...v, severity: level as Severity };
}

/** The rules with the scopes applied to their violations (the rules unchanged when there are none). */
export function scopeRules(rules: readonly Rule[], scopes: readonly PolicyScope[]): readonly Rule[] {
  if (scopes.length === 0) return rules;
  return rules.map((rule): Rule => {
    if (rule.scope === 'set')
      return {
        ...rule,
        check(context: SetRuleContext) {
          const out: Violation[] = [];
          for (const v of rule.check(context) ?? []) {
            const kept = apply(
              scopes,
              rule.id,
              context.documents[v.document ?? 0]?.raw,
              context.environment,
              v,
            );
            if (kept) out.push(kept);
          }
          return out;
        },
      };
    return {
      ...rule,
      check(context: RuleContext) {
        const out: Violation[] = [];
        for (const v of rule.check(context) ?? []) {
          const kept = apply(scopes, rule.id, context.raw, context.environment, v);
          if (kept) out.push(kept);
        }
        return out;
      },
    };
  });
}
