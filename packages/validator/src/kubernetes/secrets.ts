// Plaintext secrets in container environments and ConfigMaps.
import { detectSecret } from '@agentforge/schema/kernel';
import { containerRule, family, objectRule, tiered, where } from './_define.js';
import { dict, list, show, text } from './_objects.js';

const secretInEnv = containerRule(
  {
    id: 'k8s/secret-in-env',
    severity: tiered('critical', 'critical', 'medium'),
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
      // The schema's detector, entropy included: `env` is a free-form variable map.
      const reason = detectSecret(name, value, { entropy: true });
      if (reason)
        out.push({
          path: [...c.path, 'env', i, 'value'],
          message: `${where(c, o)} sets ${name ?? 'an environment variable'} to a plaintext secret (${reason})`,
          recommendation: `Keep the value in a Secret and write instead:\n- name: ${name ?? '<NAME>'}\n  valueFrom:\n    secretKeyRef:\n      name: <secret-name>\n      key: ${name ?? '<key>'}`,
        });
    });
  },
);

const secretInConfigMap = objectRule(
  {
    id: 'k8s/secret-in-configmap',
    severity: tiered('critical', 'critical', 'medium'),
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
        // binaryData is base64 of bytes: random-looking by nature, so only its key name counts.
        const reason = detectSecret(key, value, { entropy: field === 'data' });
        if (reason)
          out.push({
            path: [...o.path, field, key],
            message: `${show(o)} holds a plaintext secret at ${field}.${key} (${reason})`,
          });
      }
    }
  },
);

/** Secrets. */
export const secretsFamily = family('Secrets', [secretInEnv, secretInConfigMap]);
