import { EnvironmentDocumentSchema } from '@agentforge/schema';
import { z } from 'zod';

/**
 * Acme's environment document: the AgentForge document plus an `acme` section that every
 * Acme environment must carry (who pays for it, who owns it, where its data may live).
 */
export const AcmeEnvironmentSchema = EnvironmentDocumentSchema.extend({
  acme: z.strictObject({
    costCenter: z.string().regex(/^CC-\d{4}$/, 'must be a cost center such as CC-1042'),
    owner: z.email(),
    dataResidency: z.enum(['eu', 'us']),
    /** Most memory (a Kubernetes quantity) the environment may reserve at peak. */
    memoryBudget: z.string().regex(/^\d+(Mi|Gi)$/, 'must be a quantity in Mi or Gi, such as 64Gi'),
  }),
});

export type AcmeEnvironment = z.infer<typeof AcmeEnvironmentSchema>;
