// Fixers for staged files, run by the pre-commit hook only when asked: CODEX_HOOK_FIX=1 git commit …
// (src/adapters/hooks/fix-step.ts). lint-staged keeps a backup stash and hides unstaged hunks of partially
// staged files while Biome rewrites the staged content, then restores them; the hook runs it in its
// own process group so Ctrl-C cannot cut that restore short. Without CODEX_HOOK_FIX the hook never
// writes the work tree or the index: it checks the staged bytes read-only (lint included).
export default {
  '*.{js,jsx,ts,tsx,mjs,cjs,mts,cts,json,jsonc,css,graphql,gql}':
    'biome check --write --no-errors-on-unmatched --files-ignore-unknown=true',
}
