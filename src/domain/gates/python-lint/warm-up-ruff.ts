import { compileRuff, workspaceFor } from './ruff-wasm.ts'

/**
 * Compiles ruff's WebAssembly (asynchronously: the thread is free meanwhile) and runs its lint and
 * format paths once on a small module, so the first real file costs ~10 ms instead of ~150 ms (V8
 * compiles each WebAssembly function on its first call: loading the module alone leaves most of
 * that cost to the first check). With ruff's default settings (the options a repository without
 * ruff configuration gets, so its Workspace is this one); a repository's own settings then only
 * build another Workspace (~8 ms once warm, measured on this machine). It imports nothing but
 * the engine, so the commit hook's worker starts it before the gate's own modules are loaded.
 */
export async function warmUpRuff(options: { allRules?: boolean } = {}): Promise<void> {
  await compileRuff()
  const workspace = workspaceFor(DEFAULT_OPTIONS)
  workspace.check(SAMPLE)
  workspace.format(SAMPLE)
  // The warm ruff server, with time to spare, also calls every rule once: a repository's own
  // selection then costs its first commit a Workspace build (~1 ms warm) instead of ~25 ms of
  // lazily compiled rule code.
  if (options.allRules) workspaceFor(ALL_RULES).check(SAMPLE)
}

// --- internal ---

/** What RuffSettingsResolver gives a file with no ruff configuration above it. */
const DEFAULT_OPTIONS = {}
const ALL_RULES = { lint: { select: ['ALL'] } }

/** Imports, a dataclass, comprehensions, f-strings, try/with, a comparison ruff flags (E711). */
const SAMPLE = `"""Warm-up sample."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field


@dataclass
class Config:
    name: str = "gpt"
    layers: list[int] = field(default_factory=lambda: [1, 2, 3])

    def scaled(self, factor: float = 2.0) -> dict[str, float]:
        # a comment
        return {k: v * factor for k, v in {"a": 1.0, "b": 2}.items() if v}


def main(argv=None):
    try:
        with open(os.path.join("a", "b")) as f:
            data = f.read()
    except (OSError, ValueError) as e:
        print(f"failed: {e!r}", file=sys.stderr)
        return 1
    x = [i**2 for i in range(10)]
    if x == None:
        pass
    return len(data) + sum(x)


if __name__ == "__main__":
    raise SystemExit(main())
`
