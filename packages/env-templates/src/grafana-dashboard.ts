// The Grafana dashboard of the configuration metrics: dynamic-config's reload metrics and drift's
// agentforge_config_drift_changes. One source for both deliveries: the Kustomize monitoring
// component and the Helm chart's dashboards/ (written by `pnpm generate`). The metric names are
// checked against what the code exports by drift's and dynamic-config's dashboards tests.
import dashboard from './grafana-dashboard.json' with { type: 'json' };

/** The file name the dashboard is shipped under (in the ConfigMap and in the Helm chart). */
export const GRAFANA_DASHBOARD_FILE = 'agentforge-config.json';

/** The ConfigMap that carries the dashboard; Grafana's sidecar selects it by `grafana_dashboard: "1"`. */
export const GRAFANA_DASHBOARD_CONFIG_MAP = 'agentforge-grafana-dashboard';

/** The dashboard JSON, as shipped. */
export const GRAFANA_DASHBOARD = `${JSON.stringify(dashboard, null, 2)}\n`;
