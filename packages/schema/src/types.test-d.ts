import { expectTypeOf, it } from 'vitest';
import type { EnvironmentDocument, EnvironmentDocumentInput, Finding, SecretRef, Severity } from './index.js';
import { loadDocument, safeLoadDocument } from './index.js';

it('infers the document types from the schema', () => {
  expectTypeOf<EnvironmentDocument['tier']>().toEqualTypeOf<'development' | 'staging' | 'production'>();
  expectTypeOf<EnvironmentDocument['services']['route-engine']['replicas']>().toEqualTypeOf<number>();
  // Quantities are strings once parsed, string or number as written.
  expectTypeOf<
    NonNullable<NonNullable<EnvironmentDocument['services']['swarm']['resources']>['limits']>['cpu']
  >().toEqualTypeOf<string | undefined>();
  expectTypeOf<
    NonNullable<NonNullable<EnvironmentDocumentInput['services']['swarm']['resources']>['limits']>['cpu']
  >().toEqualTypeOf<string | number | undefined>();
  expectTypeOf<EnvironmentDocument['llm']['apiKey']>().toEqualTypeOf<SecretRef | undefined>();
  expectTypeOf<Finding['severity']>().toEqualTypeOf<Severity>();
});

it('types the loader results', () => {
  expectTypeOf(loadDocument<{ a: number }>('a: 1').data).toEqualTypeOf<{ a: number }>();
  const result = safeLoadDocument('a: 1');
  if (!result.success) expectTypeOf(result.error.code).toEqualTypeOf<import('./index.js').ErrorCode>();
});
