import { GATE_NAMES, type GateName } from '../../domain/gates/gates-config.ts'
import type { RepositoryFacts } from './detect-repository.ts'

/** One gate's fate in a repository: on or off, and why, in one line. */
export interface GateChoice {
  gate: GateName
  on: boolean
  why: string
}

/**
 * Which gates apply to a repository, from its facts. The generated package.json makes the npm
 * gates (deps, licenses, toolchain) apply everywhere; the rest follow the languages and tools
 * found. Every gate that stays off says what would turn it on.
 */
export function chooseGates(facts: RepositoryFacts): GateChoice[] {
  return GATE_NAMES.map((gate) => ({ gate, ...choose(gate, facts) }))
}

// --- internal ---

function choose(gate: GateName, facts: RepositoryFacts): { on: boolean; why: string } {
  const on = (why: string) => ({ on: true, why })
  const off = (why: string) => ({ on: false, why })
  switch (gate) {
    case 'typecheck':
      return facts.tsconfig
        ? on('tsconfig.json at the root')
        : off('no tsconfig.json at the root (no TypeScript to check)')
    case 'lint':
      return facts.biome
        ? on('biome.json at the root')
        : off(
            'no biome.json: Biome is not set up here (`npm i -D @biomejs/biome`, add a biome.json, then set gates.lint.enabled to true)',
          )
    case 'layers':
      return off(
        'no import rules yet: declare gates.layers.layers (or forbidden/independent) to check module boundaries',
      )
    case 'integrity':
      return off(
        'an audit against a file manifest for agent sessions: take one with `npx codex-gates manifest`, then turn it on',
      )
    case 'python-deps':
      return facts.pythonManifests.length > 0
        ? on(`Python dependencies declared in ${list(facts.pythonManifests)}`)
        : off('no requirements*.txt, pyproject.toml, setup.cfg, uv.lock or poetry.lock')
    case 'python-lint':
      return facts.pythonFiles > 0
        ? on(`${facts.pythonFiles} Python file(s): ruff (its WebAssembly build) with the repository's ruff settings`)
        : off('no .py files')
    case 'python-types':
      return facts.pythonFiles > 0
        ? on(`${facts.pythonFiles} Python file(s): pyright, with a baseline of today's errors`)
        : off('no .py or .pyi files')
    case 'notebook-outputs':
      return facts.notebooks > 0
        ? on(`${facts.notebooks} notebook(s): outputs and execution counts are checked`)
        : off('no .ipynb notebooks')
    case 'docs-links':
      return facts.markdown > 0 ? on(`${facts.markdown} Markdown file(s)`) : off('no Markdown files')
    case 'deps':
      return on('package.json and package-lock.json: pinning, lock and install drift')
    case 'licenses':
      return on('the licences of the npm packages your code ships with')
    case 'toolchain':
      return on('node, npm and git present and recent enough')
    case 'secrets':
      return on('provider tokens, private keys and secret assignments in every file')
    case 'env-files':
      return on('committed .env files')
    case 'duplicates':
      return on('byte-identical files and leftover copies (*.orig, *.bak, * copy.*)')
    case 'placeholders':
      return on('placeholder markers and stubs, ratcheted per file')
    case 'large-files':
      return on('files over 1 MiB (models and data belong outside git)')
  }
}

function list(paths: readonly string[]): string {
  return paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ')
}
