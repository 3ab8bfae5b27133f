import { describe, expect, it } from 'vitest';
import { emptyMetrics, renderPrometheus } from './metrics.js';

describe('renderPrometheus', () => {
  it('writes every family with HELP and TYPE, in the text exposition format', () => {
    const metrics = {
      ...emptyMetrics(),
      reloadAttempts: 3,
      lastSuccessTimestamp: 1_700_000_000_500,
      lastReloadSuccessful: true,
      configHash: 'ab"c',
      version: 2,
    };
    metrics.reloadFailures.parse = 1;
    const text = renderPrometheus(metrics, 'svc_config');
    expect(text).toContain(
      '# TYPE svc_config_reload_attempts_total counter\nsvc_config_reload_attempts_total 3\n',
    );
    expect(text).toContain(
      'svc_config_reload_failures_total{reason="parse"} 1\nsvc_config_reload_failures_total{reason="validation"} 0',
    );
    expect(text).toContain('svc_config_last_success_timestamp_seconds 1700000000.5\n');
    expect(text).toContain('svc_config_info{hash="ab\\"c"} 1\n');
    // Every sample line is `name{labels} value`, every family announced first.
    for (const line of text.trimEnd().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) svc_config_\w+ .+|svc_config_\w+(\{[^}]*\})? -?[\d.e+]+)$/);
    expect(text.endsWith('\n')).toBe(true);
  });
});
