import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'dynamic-config',
    // Test 17 forces garbage collection to show a weakly held listener is dropped.
    execArgv: ['--expose-gc'],
  },
});
