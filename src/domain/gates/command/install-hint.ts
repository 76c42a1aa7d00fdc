/**
 * How to install a tool that a command gate needs, for the skip reason. Offline machines install
 * from the distribution or a local package index; codex-gates itself never downloads anything.
 */
export function installHint(tool: string): string {
  const base = tool.slice(tool.lastIndexOf('/') + 1)
  const known = KNOWN[base]
  if (known) return known
  if (base.startsWith('python')) return `install ${base} (apt-get install -y python3, or your distribution's package)`
  return `install ${base} so it is on PATH, or set "install" in the gate's config to say how`
}

// --- internal ---

const pip = (name: string, apt?: string) =>
  `pip install ${name} (or pipx install ${name}${apt ? `; Debian: apt-get install -y ${apt}` : ''})`
const npm = (name: string) => `npm i -D -E ${name} (it then runs from node_modules/.bin)`

/** Tools teams put in gates, with the usual way to install each. */
const KNOWN: Record<string, string> = {
  mypy: pip('mypy', 'mypy'),
  black: pip('black', 'black'),
  ruff: pip('ruff'),
  flake8: pip('flake8', 'flake8'),
  pylint: pip('pylint', 'pylint'),
  isort: pip('isort', 'isort'),
  bandit: pip('bandit', 'bandit'),
  pytest: pip('pytest', 'python3-pytest'),
  yamllint: pip('yamllint', 'yamllint'),
  sqlfluff: pip('sqlfluff', 'sqlfluff'),
  'detect-secrets-hook': pip('detect-secrets'),
  semgrep: pip('semgrep'),
  pyright: npm('pyright'),
  eslint: npm('eslint'),
  prettier: npm('prettier'),
  tsc: npm('typescript'),
  biome: npm('@biomejs/biome'),
  shellcheck: 'apt-get install -y shellcheck (or brew install shellcheck)',
  hadolint: 'download hadolint from its releases page onto PATH (or brew install hadolint)',
  'pre-commit': pip('pre-commit', 'pre-commit'),
  'nvidia-smi': 'install the NVIDIA driver (nvidia-smi ships with it)',
  cargo: 'install Rust with rustup (https://rustup.rs)',
  go: 'install Go (apt-get install -y golang)',
}
