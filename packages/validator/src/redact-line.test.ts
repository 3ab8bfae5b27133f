import { describe, expect, it } from 'vitest';
import { type RedactLineContext, redactLine } from './redact-line.js';

// Canaries assembled at run time so this file trips no secret scanner.
const STRIPE = ['sk_live_', '51CANARYabcdefghijkl'].join('');
const PLAIN = 'CANARY-plain-hunter2';

describe('redactLine', () => {
  it.each<{ name: string; line: string; context?: RedactLineContext; hidden: string; kept?: string }>([
    { name: 'secret-named key', line: `  DB_PASSWORD: ${PLAIN}`, hidden: PLAIN, kept: 'DB_PASSWORD:' },
    { name: 'dotenv assignment', line: `export API_TOKEN=${PLAIN}`, hidden: PLAIN, kept: 'API_TOKEN=' },
    { name: 'quoted JSON key', line: `"client_secret": "${PLAIN}",`, hidden: PLAIN },
    { name: 'value format', line: `  NOTE: ${STRIPE}`, hidden: STRIPE, kept: 'NOTE:' },
    {
      name: 'URL password',
      line: `  url: postgres://app:${PLAIN}@db:5432/app`,
      hidden: PLAIN,
      kept: '@db:5432/app',
    },
    {
      name: 'flow env pair',
      line: `- {name: STRIPE_SECRET_KEY, value: ${PLAIN}}`,
      hidden: PLAIN,
      kept: 'STRIPE_SECRET_KEY',
    },
    { name: 'flow env pair, quoted', line: `{"name": "DB_PASSWORD", "value": "${PLAIN}"}`, hidden: PLAIN },
    { name: 'flow env pair, no spaces', line: `- {name: DB_PASSWORD,value: ${PLAIN}}`, hidden: PLAIN },
    {
      name: 'block env pair',
      line: `            value: ${PLAIN}`,
      context: { previous: ['          env:', '          - name: STRIPE_SECRET_KEY'] },
      hidden: PLAIN,
      kept: 'value:',
    },
    {
      name: 'block env pair, list indented',
      line: `    value: "${PLAIN}"`,
      context: { previous: ['  - name: SESSION_KEY'] },
      hidden: PLAIN,
    },
    {
      name: 'a line a secret rule flagged',
      line: `  value: ${PLAIN}`,
      context: { secret: true },
      hidden: PLAIN,
    },
    {
      name: 'continuation of a multi-line secret',
      line: `    ${PLAIN}`,
      context: { secret: true },
      hidden: PLAIN,
    },
  ])('hides the secret: $name', ({ line, context, hidden, kept }) => {
    const out = redactLine(line, context);
    expect(out).not.toContain(hidden);
    expect(out).toContain('«redacted»');
    if (kept) expect(out).toContain(kept);
  });

  it.each<{ name: string; line: string; context?: RedactLineContext }>([
    { name: 'plain setting', line: '  replicas: 3' },
    { name: 'reference', line: '  apiKey: { secretRef: llm-api-key }' },
    { name: 'plain env pair', line: '- {name: LOG_LEVEL, value: debug}' },
    {
      name: 'block env pair of a plain name',
      line: '    value: debug',
      context: { previous: ['  - name: LOG_LEVEL'] },
    },
    {
      name: 'value of another entry',
      line: '    value: debug',
      context: { previous: ['  - name: DB_PASSWORD', '    valueFrom: {}', '  - name: LOG_LEVEL'] },
    },
    { name: 'block scalar indicator', line: '  value: |', context: { secret: true } },
  ])('leaves the line as it is: $name', ({ line, context }) => {
    expect(redactLine(line, context)).toBe(line);
  });
});
