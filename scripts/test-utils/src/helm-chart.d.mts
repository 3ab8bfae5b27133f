// The repository's Helm chart, ready to render offline.

/**
 * Copies deployment/helm/agentforge to `<dir>/agentforge` with an empty stand-in chart for every
 * dependency Chart.yaml names (helm cannot download them here); returns the chart folder.
 */
export function chartWithStubs(dir: string): string;
