import { describe, expect, it } from 'vitest';
import { referencesOf } from './_index.js';
import { objectsOf } from './_objects.js';

describe('referencesOf', () => {
  it('names every ConfigMap and Secret a pod spec refers to, where each is written, optional ones left out', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api' },
      spec: {
        template: {
          spec: {
            initContainers: [{ name: 'init', envFrom: [{ secretRef: { name: 'init-secret' } }] }],
            containers: [
              {
                name: 'api',
                envFrom: [
                  { configMapRef: { name: 'api-config' }, secretRef: { name: 'api-extra', optional: true } },
                ],
                env: [
                  { name: 'PLAIN', value: 'x' },
                  { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'modes', key: 'mode' } } },
                  { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'tokens', key: 'api' } } },
                ],
              },
            ],
            volumes: [
              { name: 'a', configMap: { name: 'files' } },
              { name: 'b', secret: { secretName: 'tls' } },
              {
                name: 'c',
                projected: {
                  sources: [
                    { configMap: { name: 'bundle' } },
                    { secret: { name: 'keys' } },
                    { secret: { name: 'opt', optional: true } },
                  ],
                },
              },
            ],
          },
        },
      },
    };
    const [object] = objectsOf(deployment);
    const pod = ['spec', 'template', 'spec'];
    expect(referencesOf(object!)).toEqual([
      {
        kind: 'Secret',
        name: 'init-secret',
        path: [...pod, 'initContainers', 0, 'envFrom', 0, 'secretRef', 'name'],
      },
      {
        kind: 'ConfigMap',
        name: 'api-config',
        path: [...pod, 'containers', 0, 'envFrom', 0, 'configMapRef', 'name'],
      },
      {
        kind: 'ConfigMap',
        name: 'modes',
        path: [...pod, 'containers', 0, 'env', 1, 'valueFrom', 'configMapKeyRef', 'name'],
      },
      {
        kind: 'Secret',
        name: 'tokens',
        path: [...pod, 'containers', 0, 'env', 2, 'valueFrom', 'secretKeyRef', 'name'],
      },
      { kind: 'ConfigMap', name: 'files', path: [...pod, 'volumes', 0, 'configMap', 'name'] },
      { kind: 'Secret', name: 'tls', path: [...pod, 'volumes', 1, 'secret', 'secretName'] },
      {
        kind: 'ConfigMap',
        name: 'bundle',
        path: [...pod, 'volumes', 2, 'projected', 'sources', 0, 'configMap', 'name'],
      },
      {
        kind: 'Secret',
        name: 'keys',
        path: [...pod, 'volumes', 2, 'projected', 'sources', 1, 'secret', 'name'],
      },
    ]);
  });
});
