// The sources a gate's defaults and scanners come from (src/domain/gates, src/foundation/redact):
// the scope of `scannerSourceHash` (cache-key.ts), and of the hook bundle's `gate-sources` digest
// in its stamp (.husky/runner-bundle.mjs), which src/adapters/hooks/hook-config.ts keys on.
// Plain JavaScript: the bundle's build runs where tsx is not loaded.

/** Repo-relative paths of the gate sources, as a regular expression's source. */
export const GATE_SOURCES = '^src/(?:domain/gates|foundation/redact)/'
