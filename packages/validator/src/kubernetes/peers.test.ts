import { describe, expect, it } from 'vitest';
import { annotationSuppressions, createKubernetesValidator, parseManifests } from './input.js';

/**
 * The examples of the peers' documentation (Polaris checks/*.yaml and docs, kube-linter's
 * templates, kube-score's README and testdata), as a user would write them: each fails the rule
 * that answers for the peer's check at the line and column of the offending key (or its nearest
 * written parent when the key is missing), and its fixed form passes.
 */
interface Case {
  /** The peer's check. */
  peer: string;
  rule: string;
  fail: string;
  /** Line and column of the finding in `fail`. */
  at: [number, number];
  pass: string;
}

const workload = (podSpec: string, kind = 'Deployment') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: app
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
${podSpec}`;

const cases: Case[] = [
  {
    peer: 'Polaris hostProcess',
    rule: 'k8s/host-process',
    fail: `apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  securityContext:
    windowsOptions:
      hostProcess: true
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
`,
    at: [8, 7],
    pass: `apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  containers:
    - name: app
      image: mcr.microsoft.com/windows/nanoserver:ltsc2022
`,
  },
  {
    peer: 'Polaris procMount, kube-linter unsafe-proc-mount',
    rule: 'k8s/proc-mount',
    fail: workload(`      containers:
        - name: app
          image: busybox:1.36
          securityContext:
            procMount: Unmasked
`),
    at: [18, 13],
    pass: workload(`      containers:
        - name: app
          image: busybox:1.36
          securityContext:
            procMount: Default
`),
  },
  {
    peer: 'kube-linter unsafe-sysctls',
    rule: 'k8s/unsafe-sysctls',
    fail: workload(`      securityContext:
        sysctls:
          - name: kernel.sem
            value: "128 32768 128 4096"
      containers:
        - name: app
          image: busybox:1.36
`),
    at: [16, 13],
    pass: workload(`      securityContext:
        sysctls:
          - name: net.ipv4.ip_unprivileged_port_start
            value: "80"
      containers:
        - name: app
          image: busybox:1.36
`),
  },
  {
    peer: 'Polaris automountServiceAccountToken',
    rule: 'k8s/automount-service-account-token',
    fail: workload(`      serviceAccountName: app
      containers:
        - name: app
          image: busybox:1.36
`),
    // Missing key: the pod spec that should hold it.
    at: [13, 5],
    pass: workload(`      serviceAccountName: app
      automountServiceAccountToken: false
      containers:
        - name: app
          image: busybox:1.36
`),
  },
  {
    peer: 'Polaris cpuRequestsMissing (only the CPU limit set)',
    rule: 'k8s/cpu-request',
    fail: workload(`      containers:
        - name: app
          image: busybox:1.36
          resources:
            limits:
              cpu: 500m
`),
    at: [17, 11],
    pass: workload(`      containers:
        - name: app
          image: busybox:1.36
          resources:
            requests:
              cpu: 250m
            limits:
              cpu: 500m
`),
  },
  {
    peer: 'Polaris pullPolicyNotAlways, kube-score container-image-pull-policy',
    rule: 'k8s/pull-policy',
    fail: workload(`      containers:
        - name: app
          image: nginx:1.27
          imagePullPolicy: IfNotPresent
`),
    at: [17, 11],
    pass: workload(`      containers:
        - name: app
          image: nginx:1.27
          imagePullPolicy: Always
`),
  },
  {
    peer: 'Polaris priorityClassNotSet',
    rule: 'k8s/priority-class',
    fail: workload(`      containers:
        - name: app
          image: nginx:1.27
`),
    at: [13, 5],
    pass: workload(`      priorityClassName: service-critical
      containers:
        - name: app
          image: nginx:1.27
`),
  },
  {
    peer: 'kube-score pod-probes-identical',
    rule: 'k8s/probes-identical',
    fail: workload(`      containers:
        - name: app
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
`),
    at: [17, 11],
    pass: workload(`      containers:
        - name: app
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /livez, port: 8080}
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
`),
  },
  {
    peer: 'kube-linter duplicate-env-var, kube-score environment-variable-key-duplication',
    rule: 'k8s/duplicate-env',
    fail: workload(`      containers:
        - name: app
          image: nginx:1.27
          env:
            - name: PORT
              value: "8080"
            - name: PORT
              value: "9090"
`),
    at: [20, 15],
    pass: workload(`      containers:
        - name: app
          image: nginx:1.27
          env:
            - name: PORT
              value: "8080"
`),
  },
  {
    peer: 'Polaris clusterrolebindingClusterAdmin, kube-linter cluster-admin-role-binding',
    rule: 'k8s/rbac-cluster-admin',
    fail: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: Group
    name: ops
    apiGroup: rbac.authorization.k8s.io
`,
    at: [8, 3],
    pass: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-view
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: Group
    name: ops
    apiGroup: rbac.authorization.k8s.io
`,
  },
  {
    peer: 'Polaris rolePodExecAttach',
    rule: 'k8s/rbac-pod-exec-attach',
    fail: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: debugger
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods/exec", "pods/attach"]
    verbs: ["create"]
`,
    at: [8, 5],
    pass: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: debugger
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/log"]
    verbs: ["get", "list"]
`,
  },
  {
    peer: 'Polaris rolebindingRolePodExecAttach',
    rule: 'k8s/rbac-binding-pod-exec-attach',
    fail: `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: debugger
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: debugger
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: debugger
subjects:
  - kind: User
    name: jane
`,
    at: [19, 3],
    pass: `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: viewer
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: User
    name: jane
`,
  },
  {
    peer: 'kube-linter wildcard-in-rules',
    rule: 'k8s/rbac-wildcard',
    fail: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources:
      - "*"
    verbs: ["get", "list"]
`,
    at: [8, 9],
    pass: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list"]
`,
  },
  {
    peer: 'kube-linter access-to-secrets (cluster-wide)',
    rule: 'k8s/rbac-cluster-secret-read',
    fail: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: read-secrets-global
subjects:
  - kind: Group
    name: manager
    apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: secret-reader
  apiGroup: rbac.authorization.k8s.io
`,
    at: [20, 3],
    pass: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secret-reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get", "watch", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-secrets
  namespace: development
subjects:
  - kind: User
    name: dave
    apiGroup: rbac.authorization.k8s.io
roleRef:
  kind: ClusterRole
  name: secret-reader
  apiGroup: rbac.authorization.k8s.io
`,
  },
  {
    peer: 'Polaris tlsSettingsMissing',
    rule: 'k8s/ingress-tls',
    fail: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
`,
    at: [6, 1],
    pass: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: web, port: {number: 80}}
`,
  },
  {
    peer: 'Polaris hpaMaxAvailability',
    rule: 'k8s/hpa-headroom',
    fail: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
  minReplicas: 3
  maxReplicas: 3
`,
    at: [8, 3],
    pass: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
  minReplicas: 3
  maxReplicas: 6
`,
  },
  {
    peer: 'Polaris hpaMinAvailability, kube-score horizontalpodautoscaler-replicas',
    rule: 'k8s/hpa-min-replicas',
    fail: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
  minReplicas: 1
  maxReplicas: 6
`,
    at: [7, 3],
    pass: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
  minReplicas: 2
  maxReplicas: 6
`,
  },
  {
    peer: 'kube-linter pdb-max-unavailable (the PDB alone)',
    rule: 'k8s/pdb-max-unavailable',
    fail: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  maxUnavailable: 0
  selector:
    matchLabels: {app: app}
`,
    at: [6, 3],
    pass: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: app}
`,
  },
  {
    peer: 'Polaris pdbDisruptionsIsZero (minAvailable 100%, the PDB alone)',
    rule: 'k8s/pdb-min-available',
    fail: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  minAvailable: 100%
  selector:
    matchLabels: {app: app}
`,
    at: [6, 3],
    pass: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  minAvailable: 50%
  selector:
    matchLabels: {app: app}
`,
  },
  {
    peer: 'Polaris pdbMinAvailableGreaterThanHPAMinReplicas',
    rule: 'k8s/pdb-min-available',
    fail: `${workload(`      containers:
        - name: app
          image: nginx:1.27
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: app, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
  minReplicas: 2
  maxReplicas: 6
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: app, namespace: shop}
spec:
  minAvailable: 3
  selector:
    matchLabels: {app: app}
`,
    at: [30, 3],
    pass: `${workload(`      containers:
        - name: app
          image: nginx:1.27
`)}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: app, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}
  minReplicas: 3
  maxReplicas: 6
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: app, namespace: shop}
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: app}
`,
  },
  {
    peer: 'kube-score poddisruptionbudget-has-policy',
    rule: 'k8s/pdb-policy',
    fail: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
`,
    at: [5, 1],
    pass: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: app}
`,
  },
  {
    peer: 'Polaris missingNetworkPolicy (ingress only)',
    rule: 'k8s/network-policy-egress',
    fail: `${workload(`      containers:
        - name: app
          image: nginx:1.27
`)}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: app, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: app}
  policyTypes: [Ingress]
`,
    at: [12, 7],
    pass: `${workload(`      containers:
        - name: app
          image: nginx:1.27
`)}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: app, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: app}
  policyTypes: [Ingress, Egress]
`,
  },
  {
    peer: 'kube-score ingress-targets-service, kube-linter dangling-ingress',
    rule: 'k8s/ingress-target',
    fail: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  defaultBackend:
    service:
      name: web
      port: {number: 80}
`,
    at: [7, 7],
    pass: `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  defaultBackend:
    service:
      name: web
      port: {number: 80}
`,
  },
  {
    peer: 'kube-linter non-existent-service-account',
    rule: 'k8s/service-account-exists',
    fail: workload(`      serviceAccountName: robot
      containers:
        - name: app
          image: nginx:1.27
`),
    at: [14, 7],
    pass: `${workload(`      serviceAccountName: robot
      containers:
        - name: app
          image: nginx:1.27
`)}---
apiVersion: v1
kind: ServiceAccount
metadata: {name: robot, namespace: shop}
`,
  },
  {
    peer: 'kube-score label-values',
    rule: 'k8s/label-values',
    fail: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    team: platform team
`,
    at: [6, 5],
    pass: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    team: platform-team
`,
  },
  {
    peer: 'kube-score service-type, kube-linter exposed-services',
    rule: 'k8s/service-type',
    fail: `apiVersion: v1
kind: Service
metadata: {name: node-port-service, namespace: foospace}
spec:
  selector: {app: my-app}
  ports: [{protocol: TCP, port: 80, targetPort: 8080}]
  type: NodePort
`,
    at: [7, 3],
    pass: `apiVersion: v1
kind: Service
metadata: {name: cluster-ip-service, namespace: foospace}
spec:
  selector: {app: my-app}
  ports: [{protocol: TCP, port: 80, targetPort: 8080}]
`,
  },
  {
    peer: 'Polaris metadataAndInstanceMismatched (as differs on purpose)',
    rule: 'k8s/label-consistency',
    fail: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-web
  labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: rel}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: other
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
    at: [13, 9],
    pass: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: rel-web
  labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: rel}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: rel
    spec:
      containers:
        - name: web
          image: nginx:1.27
`,
  },
];

const validator = createKubernetesValidator();
function findings(text: string, rule: string) {
  const inputs = parseManifests(text, { file: 'peer.yaml' });
  return validator
    .validateDocuments(inputs, {
      environment: 'production',
      tier: 'production',
      suppressions: annotationSuppressions(inputs),
    })
    .findings.filter((f) => f.ruleId === rule);
}

describe("the peers' documented examples", () => {
  it.each(cases.map((c) => ({ ...c, name: `${c.peer} → ${c.rule}` })))(
    '$name: fails at the offending key, passes once fixed',
    ({ rule, fail, at, pass }) => {
      const found = findings(fail, rule);
      expect(found.map((f) => [f.location?.line, f.location?.column])).toContainEqual(at);
      expect(found.every((f) => f.location?.file === 'peer.yaml')).toBe(true);
      expect(findings(pass, rule)).toEqual([]);
    },
  );
});
