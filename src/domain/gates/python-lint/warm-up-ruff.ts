import { lintPythonText } from './lint-python-text.ts'
import { RuffSettingsResolver } from './ruff-settings-resolver.ts'

/**
 * Compiles ruff's WebAssembly and runs its lint and format paths once on a small module, so the
 * first real file costs ~10 ms instead of ~150-250 ms (V8 compiles each WebAssembly function on
 * its first call: loading the module alone leaves most of that cost to the first check). With
 * ruff's default settings; a repository's own settings then only build another Workspace (~30 ms
 * first time, measured on this machine).
 */
export function warmUpRuff(): void {
  const settings = new RuffSettingsResolver(() => undefined).fileSettings('codex-gates-warm-up.py')
  if (settings) lintPythonText('codex-gates-warm-up.py', SAMPLE, settings)
}

// --- internal ---

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
