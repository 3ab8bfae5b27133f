// Filled in by this package's own issue; see ../../shared/DESIGN.md.
export {};
