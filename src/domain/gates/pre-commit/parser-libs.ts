import { createRequire } from 'node:module'

type Yaml = typeof import('yaml')
type Toml = typeof import('smol-toml')
type Saxes = typeof import('saxes')

const require = createRequire(import.meta.url)
const loaded: { yaml?: Yaml; toml?: Toml; saxes?: Saxes } = {}

// The parsers some native hooks need, required on first use rather than when the hook registry is
// imported: together ~55 ms of module loading (yaml ~25, saxes ~15, smol-toml ~14) that a warm
// `codex-gates run` whose hooks parse none of these formats never pays.

/** The `yaml` package (a `.pre-commit-config.yaml` not memoized yet, check-yaml). */
export function yamlLib(): Yaml {
  loaded.yaml ??= require('yaml') as Yaml
  return loaded.yaml
}

/** `smol-toml` (check-toml), its CommonJS build: one file. */
export function tomlLib(): Toml {
  loaded.toml ??= require('smol-toml') as Toml
  return loaded.toml
}

/** `saxes` (check-xml). */
export function saxesLib(): Saxes {
  loaded.saxes ??= require('saxes') as Saxes
  return loaded.saxes
}
