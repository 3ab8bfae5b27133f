import { defineProject } from 'vitest/config';

// CLI tests run whole commands, many in real `node` and `bash` processes (EPIPE, completion,
// imports of a cold start); on a shared, loaded machine one of those takes seconds, so the
// per-test limit is a guard against a hang, not a speed check (speed lives in bench/).
export default defineProject({ test: { name: 'cli', testTimeout: 60_000 } });
