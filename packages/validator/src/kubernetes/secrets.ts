// Plaintext secrets in container environments and ConfigMaps.
import { isSecretKey, secretValueKind } from '@agentforge/schema';
import { containerRule, family, objectRule, tiered, where } from './_define.js';
import { dict, list, show, text } from './_objects.js';

const secretInEnv = containerRule(
  {
    id: 'k8s/secret-in-env',
    severity: tiered('critical', 'high', 'high'),
    description:
      'A secret written as an environment variable literal is stored in git, in the API server and in every `kubectl get -o yaml`.',
    recommendation: 'Keep the value in a Secret and use `valueFrom.secretKeyRef`.',
    tags: ['security', 'secrets'],
  },
  (c, o, out) => {
    list(c.container.env).forEach((e, i) => {
      const env = dict(e);
      const name = text(env?.name);
      const value = text(env?.value);
      if (!value) return;
      const kind = value.length >= 8 ? secretValueKind(value) : undefined;
      if (kind || (name && isSecretKey(name)))
        out.push({
          path: [...c.path, 'env', i, 'value'],
          message: `${where(c, o)} sets ${name ?? 'an environment variable'} to a plaintext secret (${kind ?? 'the name names a secret'})`,
        });
    });
  },
);

const secretInConfigMap = objectRule(
  {
    id: 'k8s/secret-in-configmap',
    severity: tiered('critical', 'high', 'high'),
    description:
      'ConfigMaps are not encrypted at rest and readable by anyone who may read configuration; a secret in one leaks.',
    recommendation: 'Move the value into a Secret (or an ExternalSecret) and reference it.',
    tags: ['security', 'secrets'],
  },
  (o, out) => {
    if (o.kind !== 'ConfigMap') return;
    for (const field of ['data', 'binaryData']) {
      for (const [key, value] of Object.entries(dict(o.object[field]) ?? {})) {
        if (typeof value !== 'string' || value === '') continue;
        const kind = value.length >= 8 ? secretValueKind(value) : undefined;
        if (kind || isSecretKey(key))
          out.push({
            path: [...o.path, field, key],
            message: `${show(o)} holds a plaintext secret at ${field}.${key} (${kind ?? 'the key names a secret'})`,
          });
      }
    }
  },
);

/** Secrets. */
export const secretsFamily = family('Secrets', [secretInEnv, secretInConfigMap]);
