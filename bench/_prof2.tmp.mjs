import { readFileSync } from 'node:fs';
import { loadDocument, EnvironmentDocumentSchema } from '@agentforge/schema';
const { createAgentforgeValidator, createValidator } = await import('../packages/validator/dist/index.js');
const text = readFileSync('examples/platform/environments/production.yaml','utf8');
const loaded = loadDocument(text);
const v = process.argv[2] === 'none' ? createValidator({ schema: EnvironmentDocumentSchema }) : createAgentforgeValidator();
const n = 100000; for (let i=0;i<n;i++) v.validate(loaded);
