/** Exit codes of every command (docs/design.md). */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;
