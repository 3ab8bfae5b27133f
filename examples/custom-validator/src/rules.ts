import { parseQuantity } from '@agentforge/schema';
import { defineRule, type Violation } from '@agentforge/validator';
import type { AcmeEnvironment } from './schema.ts';

/** Providers Acme's DPA allows for EU data: they process in the EU region we configure. */
const EU_PROVIDERS = new Set(['azure-openai', 'bedrock', 'vertex', 'ollama']);

/** EU-resident environments send prompts only to providers with an EU processing region. */
export const euResidency = defineRule<AcmeEnvironment>({
  id: 'acme/eu-residency',
  severity: { production: 'critical', staging: 'high', default: 'medium' },
  description: 'Customer prompts of an EU-resident environment must be processed in the EU (Acme DPA §4).',
  recommendation: 'Use azure-openai, bedrock or vertex with an EU region endpoint, or a self-hosted ollama.',
  tags: ['compliance'],
  check({ data, schemaValid }) {
    if (!schemaValid || data.acme.dataResidency !== 'eu') return;
    const out: Violation[] = [];
    if (!EU_PROVIDERS.has(data.llm.provider) && data.llm.provider !== 'mock') {
      out.push({
        path: '/llm/provider',
        message: `LLM provider "${data.llm.provider}" has no EU processing region under Acme's DPA`,
      });
    }
    if (
      data.llm.endpoint !== undefined &&
      !/\.(eu|europe)[.-]|[.-](eu|europe)[.-]|\.eu$/i.test(new URL(data.llm.endpoint).hostname)
    ) {
      out.push({
        path: '/llm/endpoint',
        message: 'the LLM endpoint is not in an EU region',
        severity: 'high',
      });
    }
    return out;
  },
});

/** Peak memory (limits × most replicas, over enabled services) stays within the environment's budget. */
export const memoryBudget = defineRule<AcmeEnvironment>({
  id: 'acme/memory-budget',
  severity: { production: 'high', default: 'medium' },
  description:
    'Every environment has a memory budget agreed with finance; autoscaling to the peak must fit in it.',
  recommendation: 'Lower memory limits or maxReplicas, or agree a larger acme.memoryBudget with finance.',
  tags: ['cost'],
  check({ data, schemaValid, report }) {
    if (!schemaValid) return;
    const budget = parseQuantity(data.acme.memoryBudget) ?? Number.POSITIVE_INFINITY;
    let peak = 0;
    for (const service of Object.values(data.services)) {
      if (!service.enabled) continue;
      const limit = parseQuantity(service.resources?.limits?.memory ?? '0') ?? 0;
      const replicas = service.autoscaling?.enabled ? service.autoscaling.maxReplicas : service.replicas;
      peak += limit * replicas;
    }
    if (peak > budget) {
      const gi = (n: number) => `${(n / 2 ** 30).toFixed(1)}Gi`;
      report({
        path: '/acme/memoryBudget',
        message: `peak memory ${gi(peak)} exceeds the budget of ${data.acme.memoryBudget}`,
      });
    }
  },
});
