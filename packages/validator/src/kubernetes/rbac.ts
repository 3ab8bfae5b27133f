// RBAC: cluster-admin bindings, pod exec/attach, wildcards and cluster-wide secret reads
// (Polaris' RBAC checks, kube-linter's CIS 5.1.x checks).
import { at, family, objectRule, setRule, tiered } from './_define.js';
import type { Located, SetIndex } from './_index.js';
import { dict, type K8sObject, list, show, text } from './_objects.js';

const ROLE_KINDS = new Set(['Role', 'ClusterRole']);

interface PolicyRule {
  readonly verbs: unknown[];
  readonly resources: unknown[];
  readonly apiGroups: unknown[];
  readonly index: number;
}

const rulesOf = (o: K8sObject): PolicyRule[] =>
  list(o.object.rules).map((r, index) => {
    const rule = dict(r) ?? {};
    return {
      verbs: list(rule.verbs),
      resources: list(rule.resources),
      // A rule without apiGroups is invalid; read it as the core group.
      apiGroups: rule.apiGroups === undefined ? [''] : list(rule.apiGroups),
      index,
    };
  });

const coreGroup = (r: PolicyRule) => r.apiGroups.includes('') || r.apiGroups.includes('*');
const grants = (r: PolicyRule, verbs: readonly string[]) =>
  r.verbs.includes('*') || verbs.some((v) => r.verbs.includes(v));

/** Rules that let a subject exec into or attach to pods (`create` on pods/exec or pods/attach; `get` for the websocket form). */
function execAttachRules(o: K8sObject): PolicyRule[] {
  return rulesOf(o).filter(
    (r) =>
      coreGroup(r) &&
      grants(r, ['create', 'get']) &&
      r.resources.some((x) => x === 'pods/exec' || x === 'pods/attach' || x === 'pods/*' || x === '*'),
  );
}

/** Rules that grant every verb on every resource: cluster-admin under another name. */
const adminRules = (o: K8sObject) =>
  rulesOf(o).filter((r) => r.verbs.includes('*') && r.resources.includes('*') && r.apiGroups.includes('*'));

/** The role a binding refers to, when the input defines it. */
function roleOf(index: SetIndex, binding: Located): Located | undefined {
  const ref = dict(binding.object.roleRef);
  const kind = text(ref?.kind);
  const name = text(ref?.name);
  if (!kind || !name || !ROLE_KINDS.has(kind)) return undefined;
  // A ClusterRole has no namespace; a Role is in the binding's namespace.
  return kind === 'ClusterRole'
    ? index.byKind('ClusterRole').find((r) => r.name === name)
    : index.named('Role', name, binding.namespace)[0];
}

const roleRefPath = (b: Located) => [...b.path, 'roleRef', 'name'];
const bindings = (index: SetIndex) => [...index.byKind('ClusterRoleBinding'), ...index.byKind('RoleBinding')];

const clusterAdmin = setRule(
  {
    id: 'k8s/rbac-cluster-admin',
    severity: tiered('critical', 'high', 'medium'),
    description:
      'A binding to `cluster-admin` (or to a role granting every verb on every resource) hands its subjects the whole cluster, or the whole namespace through a RoleBinding.',
    recommendation: 'Bind a role that grants only the resources and verbs the subject needs.',
    tags: ['security', 'rbac'],
  },
  (index, out) => {
    for (const b of bindings(index)) {
      const ref = dict(b.object.roleRef);
      const role = roleOf(index, b);
      if (text(ref?.name) === 'cluster-admin' && text(ref?.kind) === 'ClusterRole')
        out.push(at(b, roleRefPath(b), `${show(b)} binds cluster-admin`));
      else if (role && adminRules(role).length > 0)
        out.push(
          at(b, roleRefPath(b), `${show(b)} binds ${show(role)}, which grants every verb on every resource`),
        );
    }
  },
);

const podExecAttach = objectRule(
  {
    id: 'k8s/rbac-pod-exec-attach',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A role allowing pods/exec or pods/attach lets its subjects run commands inside any pod it reaches, reading its secrets and acting as its ServiceAccount.',
    recommendation:
      'Remove `pods/exec` and `pods/attach` from the role; grant them to people through a separate, audited role.',
    tags: ['security', 'rbac'],
  },
  (o, out) => {
    if (!ROLE_KINDS.has(o.kind)) return;
    for (const r of execAttachRules(o))
      out.push({
        path: [...o.path, 'rules', r.index, 'resources'],
        message: `${show(o)} allows exec into or attach to pods`,
      });
  },
);

const bindingExecAttach = setRule(
  {
    id: 'k8s/rbac-binding-pod-exec-attach',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A binding to a role that allows pods/exec or pods/attach hands command execution inside pods to its subjects.',
    recommendation: 'Bind a role without `pods/exec` and `pods/attach`.',
    tags: ['security', 'rbac'],
  },
  (index, out) => {
    for (const b of bindings(index)) {
      const role = roleOf(index, b);
      if (role && execAttachRules(role).length > 0)
        out.push(
          at(b, roleRefPath(b), `${show(b)} binds ${show(role)}, which allows exec into or attach to pods`),
        );
    }
  },
);

const wildcard = objectRule(
  {
    id: 'k8s/rbac-wildcard',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A `*` in the verbs or resources of a role grants whatever the API adds later, CRDs included (CIS 5.1.3).',
    recommendation: 'List the verbs and resources the subject needs instead of `*`.',
    tags: ['security', 'rbac'],
  },
  (o, out) => {
    if (!ROLE_KINDS.has(o.kind)) return;
    for (const r of rulesOf(o))
      for (const field of ['verbs', 'resources'] as const) {
        const i = r[field].indexOf('*');
        if (i >= 0)
          out.push({
            path: [...o.path, 'rules', r.index, field, i],
            message: `${show(o)} grants ${field === 'verbs' ? 'every verb' : 'every resource'} (*)`,
          });
      }
  },
);

const SECRET_READ = ['get', 'list', 'watch'] as const;

const secretReads = (o: K8sObject) =>
  rulesOf(o).filter(
    (r) =>
      coreGroup(r) &&
      grants(r, SECRET_READ) &&
      (r.resources.includes('secrets') || r.resources.includes('*')) &&
      // A rule naming its Secrets (resourceNames) is scoped; it is not a cluster-wide read.
      list(dict(list(o.object.rules)[r.index])?.resourceNames).length === 0,
  );

const clusterSecretRead = setRule(
  {
    id: 'k8s/rbac-cluster-secret-read',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A ClusterRoleBinding to a role that reads Secrets lets its subjects read every Secret of every namespace: every password and token of the cluster (CIS 5.1.2).',
    recommendation:
      'Bind the role per namespace with a RoleBinding, or restrict it to named Secrets with `resourceNames`.',
    tags: ['security', 'rbac', 'secrets'],
  },
  (index, out) => {
    for (const b of index.byKind('ClusterRoleBinding')) {
      const role = roleOf(index, b);
      if (role && adminRules(role).length === 0 && secretReads(role).length > 0)
        out.push(
          at(
            b,
            roleRefPath(b),
            `${show(b)} binds ${show(role)} cluster-wide, which reads Secrets in every namespace`,
          ),
        );
    }
  },
);

/** RBAC. */
export const rbacFamily = family('RBAC', [
  clusterAdmin,
  podExecAttach,
  bindingExecAttach,
  wildcard,
  clusterSecretRead,
]);
