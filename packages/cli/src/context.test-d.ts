import { expectTypeOf } from 'vitest';
import { defineCommand } from './context.js';

defineCommand({
  usage: 'x',
  description: 'x',
  options: {
    format: { type: 'string', description: '', choices: ['human', 'json'] },
    policy: { type: 'string', multiple: true, description: '' },
    out: { type: 'string', description: '' },
    force: { type: 'boolean', description: '' },
  },
  async run({ values }) {
    expectTypeOf(values.format).toEqualTypeOf<'human' | 'json' | undefined>();
    expectTypeOf(values.policy).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(values.out).toEqualTypeOf<string | undefined>();
    expectTypeOf(values.force).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(values.dir).toEqualTypeOf<string | undefined>();
    return 0;
  },
});
