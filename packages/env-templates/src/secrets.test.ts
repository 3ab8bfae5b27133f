import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exampleDocument } from '../test/examples.js';
import type { Untyped } from '../test/kubernetes.js';
import type { Logger } from './files.js';
import { GENERATORS, type GeneratorType, generate } from './generators.js';

// Values that must never reach a generated file or a log line.
const CANARIES = [
  'canary-redis-pw-7f3a',
  'sk-canaryCANARYcanary0123456789abcdef',
  'canary-token-91c2',
  'ghp_CanaryCanaryCanaryCanaryCanary012345',
];

function canaryDocument(): Untyped {
  const doc = structuredClone(exampleDocument('production')) as Untyped;
  doc.dependencies.redis.url = `rediss://default:${CANARIES[0]}@redis.agentforge-prod.svc.cluster.local:6380`;
  doc.services.swarm.env.OPENAI_API_KEY = CANARIES[1];
  doc.services.tools.env = { SERVICE_TOKEN: CANARIES[2], GITHUB_HELPER: CANARIES[3] };
  return doc;
}

function capture(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = (object: object, message?: string) => lines.push(JSON.stringify(object) + (message ?? ''));
  return { logger: { error: log, warn: log, info: log, debug: log }, lines };
}

describe('secrets', () => {
  it.each(Object.keys(GENERATORS) as GeneratorType[])(
    '%s: no secret canary appears in any generated file or log line',
    (type) => {
      const { logger, lines } = capture();
      // The GitOps generators need a repository; the others ignore the option.
      const files = generate(type, canaryDocument(), {
        logger,
        gitops: { repoUrl: 'https://git.example.com/platform.git' },
      });
      expect(files.length).toBeGreaterThan(0);
      for (const file of files)
        for (const canary of CANARIES)
          expect(file.content, `${file.path} holds ${canary}`).not.toContain(canary);
      for (const canary of CANARIES) expect(lines.join('\n')).not.toContain(canary);
      expect(lines.join('\n')).toContain('/services/swarm/env/OPENAI_API_KEY');
    },
  );

  it('keeps the URL, without its password, and turns secret-looking service variables into placeholders', () => {
    const [env] = generate('env', canaryDocument());
    expect(env!.content).toContain(
      'AGENTFORGE_DEPENDENCIES__REDIS__URL=rediss://default@redis.agentforge-prod.svc.cluster.local:6380',
    );
    expect(env!.content).toMatch(/^OPENAI_API_KEY=$/m);
    expect(env!.content).toMatch(/^SERVICE_TOKEN=$/m);
    const k8s = generate('k8s', canaryDocument());
    const tools = k8s.find((f) => f.path.endsWith('patches/tools.yaml'))!.content;
    expect(tools).toContain('secretName: tools-env');
    expect(tools).toContain('key: SERVICE_TOKEN');
  });

  it('replaces a literal secret in the mounted document by a { secretRef } to the key it mounts', () => {
    const k8s = generate('k8s', canaryDocument());
    const mounted = k8s.find((f) => f.path.endsWith('/environment.yaml'))!;
    const document = parse(mounted.content) as Untyped;
    expect(document.platform.configDelivery).toBe('hot');
    expect(document.services.tools.env).toEqual({
      SERVICE_TOKEN: { secretRef: 'tools-env', key: 'SERVICE_TOKEN' },
      GITHUB_HELPER: { secretRef: 'tools-env', key: 'GITHUB_HELPER' },
    });
    expect(document.services.swarm.env.OPENAI_API_KEY).toEqual({
      secretRef: 'swarm-env',
      key: 'OPENAI_API_KEY',
    });
    // …and the Deployment mounts that very key where the resolver reads <secretRef>/<key>.
    const tools = k8s.find((f) => f.path.endsWith('patches/tools.yaml'))!.content;
    expect(tools).toContain('mountPath: /var/run/secrets/agentforge/tools-env');
    expect(tools).toMatch(/- key: SERVICE_TOKEN\n\s+path: SERVICE_TOKEN/);
  });
});
