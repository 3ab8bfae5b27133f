#!/usr/bin/env node
import('../dist/index.js').then(({ main }) => main());
