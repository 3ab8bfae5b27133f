#!/usr/bin/env node
// Node 22.1+ caches compiled code on disk between runs (a faster cold start); Node 20 has no
// such API, so the call is guarded and costs nothing there.
import module from 'node:module';

module.enableCompileCache?.();
import('../dist/bin.js').then(({ main }) => main());
